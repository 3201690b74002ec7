/**
 * One overlapping audience → one insight a person reads (kind `audience`, goal `growth`): "the customers of this
 * advertiser are N× as likely as the average shopper to be in that audience", with the audience's daily reach. The
 * key is profile + the advertiser's audience + the overlapping audience, so the same overlap seen at the next sync
 * updates the item instead of piling up. The affinity travels as an estimate of unit `ratio` (metric `affinity`), which
 * is where rules read `audience.affinity` from and which priority ignores (it is no effect of acting); the audience's
 * reach is told in the explanation and kept in `raw`, not counted as impact, so that an insight never outranks a
 * change a person can make. Insights are never applicable: there is nothing to apply.
 */
import type { ImpactEstimate, NormalisedRecommendation } from '@recdesk/shared-types';
import type { AdsProfile } from '../../ads-client/profiles.ts';
import { profileInsight } from '../shared/profile-insight.ts';
import type { AudienceMetadata, OverlapEntry } from './ai-api.ts';

export const AFFINITY_METRIC = 'affinity';

/** The affinity an item carries, or null when it is not an audience insight. */
export function affinityOf(item: { estimatedImpact: readonly ImpactEstimate[] }): number | null {
  const estimate = item.estimatedImpact.find((e) => e.metric === AFFINITY_METRIC);
  return estimate?.upper ?? estimate?.lower ?? null;
}

const count = (value: number) => value.toLocaleString('en-US');

export function normaliseOverlap(
  entry: OverlapEntry,
  requested: AudienceMetadata,
  profile: AdsProfile,
  fetchedAt: Date,
): NormalisedRecommendation {
  const overlap = entry.audienceMetadata;
  const affinity = Math.round(entry.affinity * 100) / 100;
  const reach = overlap.audienceForecast?.dailyReach;
  // Amazon recomputes overlaps regularly without dating them: the item is as old as the day it was read.
  const generatedAt = new Date(Date.UTC(fetchedAt.getUTCFullYear(), fetchedAt.getUTCMonth(), fetchedAt.getUTCDate())).toISOString();
  const estimatedImpact: ImpactEstimate[] = [];
  estimatedImpact.push({ metric: AFFINITY_METRIC, lower: affinity, upper: affinity, unit: 'ratio', periodDays: null });
  const customers = requested.name;
  const reachText = reach ? ` It reaches about ${count(reach.lowerBound)}–${count(reach.upperBound)} devices a day.` : '';
  return {
    source: 'audience-insights',
    sourceRecommendationId: [profile.profileId, requested.audienceId, overlap.audienceId].join('|'),
    sourceType: 'OVERLAPPING_AUDIENCE',
    kind: 'audience',
    goal: 'growth',
    title: `${customers} overlap with ${overlap.name} (affinity ${affinity.toFixed(2)}×)`,
    description:
      `Shoppers in the ${overlap.category} audience "${overlap.name}" are ${affinity.toFixed(1)} times as likely as the average ` +
      `Amazon shopper to be among ${customers}.${reachText} A strong overlap is a candidate audience to reach new customers like ` +
      'the ones you have.',
    ...profileInsight(profile, { targetId: overlap.audienceId, targetText: overlap.name }),
    estimatedImpact,
    generatedAt,
    expiresAt: null,
    raw: { requestedAudience: requested, overlap: entry },
  };
}
