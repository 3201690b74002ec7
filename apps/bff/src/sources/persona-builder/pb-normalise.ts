/**
 * A persona's top categories purchased → one insight per profile and audience (kind `audience`, goal `strategic`):
 * what else the advertiser's customers buy, in words, for planning where to reach them. The key is the profile and
 * the audience, so each week's persona replaces the last. Never applicable: there is nothing to apply.
 */
import type { NormalisedRecommendation } from '@recdesk/shared-types';
import type { AdsProfile } from '../../ads-client/profiles.ts';
import type { RetailCategory } from './pb-api.ts';

export function normalisePersona(
  audience: { audienceId: string; audienceName: string },
  categories: readonly RetailCategory[],
  lastUpdatedAt: string | null,
  profile: AdsProfile,
  fetchedAt: Date,
): NormalisedRecommendation | null {
  if (categories.length === 0) return null;
  const sorted = [...categories].sort((a, b) => b.insightMetrics.affinity - a.insightMetrics.affinity);
  const named = sorted.map((c) => `${c.name} (${c.insightMetrics.affinity.toFixed(1)}×)`);
  const [top] = sorted;
  const generatedAt = new Date(lastUpdatedAt ?? fetchedAt.toISOString()).toISOString();
  return {
    source: 'persona-builder',
    sourceRecommendationId: `${profile.profileId}|${audience.audienceId}|topCategoriesPurchased`,
    sourceType: 'TOP_CATEGORIES_PURCHASED',
    kind: 'audience',
    goal: 'strategic',
    title: `${audience.audienceName} (${profile.countryCode}) also buy ${named.slice(0, 3).join(', ')}`,
    description:
      `Persona of ${audience.audienceName}: the categories they buy from most, compared with the average Amazon customer, are ` +
      `${named.join(', ')}.` +
      (top
        ? ` ${top.insightMetrics.overlapPercentage.toFixed(0)}% of them bought ${top.name}, ${top.insightMetrics.affinity.toFixed(1)} times as likely as ` +
          'the average customer: these categories are where to meet more shoppers like them.'
        : ''),
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
      targetId: audience.audienceId,
      targetText: audience.audienceName,
      matchType: null,
      asin: null,
      brandName: null,
    },
    action: { type: 'insight', field: null, from: null, to: null, unit: 'none', currency: null, direction: 'none' },
    applicable: false,
    confidence: null,
    impactScore: null,
    estimatedImpact: [],
    generatedAt,
    expiresAt: null,
    raw: { audience, lastUpdatedAt, retailCategories: categories },
  };
}
