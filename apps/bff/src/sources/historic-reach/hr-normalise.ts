/**
 * A historic reach curve → one strategic insight per profile (kind `strategic`, goal `strategic`): how many households
 * the advertiser's audiences were reached on Streaming TV over the last 12 weeks, how often, and how much the last
 * weeks still added (reach saturates: each week adds fewer new households than the one before). Points with the same
 * end date are folded (the later wins); the key is the profile, so next week's curve replaces this one. The curve and
 * the request stay in `raw`. Never applicable.
 */
import type { NormalisedRecommendation } from '@recdesk/shared-types';
import type { AdsProfile } from '../../ads-client/profiles.ts';
import { profileInsight } from '../shared/profile-insight.ts';
import type { CurveRequest, DataPoint } from './hr-api.ts';

const DAY_MS = 86_400_000;
export const CURVE_LIFETIME_DAYS = 28;
const count = (value: number) => Math.round(value).toLocaleString('en-US');
const dayOf = (at: Date) => Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());

/** The curve by end date, one point each (the later of two with the same end date), cumulative order. */
export function foldCurve(points: readonly DataPoint[]): DataPoint[] {
  const byEnd = new Map<string, DataPoint>();
  for (const point of points) byEnd.set(point.endDate, point);
  return [...byEnd.values()].sort((a, b) => a.endDate.localeCompare(b.endDate));
}

export function normaliseCurve(
  points: readonly DataPoint[],
  request: CurveRequest,
  audienceNames: readonly string[],
  profile: AdsProfile,
  fetchedAt: Date,
): NormalisedRecommendation | { reason: string } {
  const curve = foldCurve(points);
  const last = curve.at(-1);
  if (!last || last.totalReach <= 0) return { reason: 'the historic reach curve has no point with reach' };
  const first = curve[0] as DataPoint;
  const lastGain = curve.length > 1 ? last.totalReach - (curve.at(-2) as DataPoint).totalReach : last.totalReach;
  const frequency = last.totalReach > 0 ? last.impressions / last.totalReach : 0;
  const atThree = last.frequencyThresholdReach.find((f) => f.frequencyThreshold === 3);
  const who = profile.accountName ?? profile.accountId;
  const unit = last.reachType === 'INDIVIDUALS' ? 'people' : 'households';
  const audiences = audienceNames.length > 0 ? audienceNames.join(', ') : 'all shoppers';
  return {
    source: 'historic-reach',
    sourceRecommendationId: `${profile.profileId}|historicReach|${last.supplyPackage}`,
    sourceType: 'HISTORIC_REACH',
    kind: 'strategic',
    goal: 'strategic',
    title: `${who} (${profile.countryCode}): ${count(last.totalReach)} ${unit} of ${audiences} were reachable on Streaming TV over ${curve.length} weeks`,
    description:
      `Historic reach from ${request.startDate} to ${last.endDate}: ${count(last.impressions)} impressions on ${last.supplyPackage} reached ` +
      `${count(last.totalReach)} ${unit} of ${audiences}, ${frequency.toFixed(1)} times each on average` +
      (atThree ? `; ${count(atThree.reach)} saw the ads 3 times or more` : '') +
      `. The first week reached ${count(first.totalReach)}, the last week added only ${count(lastGain)}: more weeks of the same ` +
      'audiences mostly add frequency, so new reach has to come from new audiences.',
    ...profileInsight(profile, { targetText: audienceNames.length > 0 ? audiences : null }),
    estimatedImpact: [],
    // The day's curve, not the moment it was fetched: the request is a function of the day (its weeks end a week ago),
    // so a second sync the same day finds the item unchanged instead of rewriting it (and re-examining it) each time.
    generatedAt: new Date(dayOf(fetchedAt)).toISOString(),
    expiresAt: new Date(dayOf(fetchedAt) + CURVE_LIFETIME_DAYS * DAY_MS).toISOString(),
    raw: { request, audienceNames, dataPoints: curve },
  };
}
