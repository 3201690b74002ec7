/**
 * What every insight about a whole advertiser profile has in common (Audience Insights, Persona Builder, Reach
 * Forecasting, Historic Reach, Brand Benchmarks): whom it is about, an entity no lower than the advertiser (naming
 * at most the audience, category or brand it speaks of), and nothing to apply. The normalisers add what they tell.
 */
import type { EntityRef, NormalisedRecommendation } from '@recdesk/shared-types';
import type { AdsProfile } from '../../ads-client/profiles.ts';

type ProfileInsightParts = Pick<
  NormalisedRecommendation,
  'advertiserId' | 'advertiserName' | 'profileId' | 'marketplace' | 'entity' | 'action' | 'applicable' | 'confidence' | 'impactScore'
>;

export function profileInsight(
  profile: AdsProfile,
  names: Partial<Pick<EntityRef, 'targetId' | 'targetText' | 'brandName'>> = {},
): ProfileInsightParts {
  return {
    advertiserId: profile.accountId,
    advertiserName: profile.accountName,
    profileId: profile.profileId,
    marketplace: profile.countryCode,
    entity: {
      level: 'advertiser',
      portfolioId: null,
      campaignId: null,
      campaignName: null,
      adGroupId: null,
      adGroupName: null,
      targetId: names.targetId ?? null,
      targetText: names.targetText ?? null,
      matchType: null,
      asin: null,
      brandName: names.brandName ?? null,
    },
    action: { type: 'insight', field: null, from: null, to: null, unit: 'none', currency: null, direction: 'none' },
    applicable: false,
    confidence: null,
    impactScore: null,
  };
}
