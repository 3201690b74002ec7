/**
 * A reach forecast → one strategic insight per profile (kind `strategic`, goal `strategic`): what a budget reaches
 * over the next 30 days, and what twice that budget adds, in words (reach grows with spend, each extra unit reaching
 * fewer households). The key is the profile and the horizon, so each day's forecast replaces yesterday's instead of
 * piling up. The whole curve is kept in `raw` for the Plan view. Never applicable: a forecast is nothing to apply.
 */
import type { NormalisedRecommendation } from '@recdesk/shared-types';
import type { AdsProfile } from '../../ads-client/profiles.ts';
import { profileInsight } from '../shared/profile-insight.ts';
import { FORECAST_DAYS, type ForecastRequest, type ReachForecast } from './rf-api.ts';

type Point = ReachForecast['dataPoints'][number];

/** A reference point in the middle of the curve and the point nearest twice its spend, or null for a flat curve. */
export function doublingOf(points: readonly Point[]): { from: Point; to: Point } | null {
  const sorted = [...points].filter((p) => p.spend > 0).sort((a, b) => a.spend - b.spend);
  if (sorted.length < 2) return null;
  let best: { from: Point; to: Point; distance: number } | null = null;
  for (const from of sorted.slice(0, Math.ceil(sorted.length / 2) + 1)) {
    for (const to of sorted) {
      if (to.spend <= from.spend) continue;
      const distance = Math.abs(Math.log(to.spend / from.spend / 2));
      // Nearest to a doubling; among equals the higher reference spend (the middle of the curve).
      if (!best || distance < best.distance - 1e-9 || (Math.abs(distance - best.distance) < 1e-9 && from.spend > best.from.spend))
        best = { from, to, distance };
    }
  }
  return best && { from: best.from, to: best.to };
}

const count = (value: number) => Math.round(value).toLocaleString('en-US');
const money = (value: number, currency: string) => `${Math.round(value).toLocaleString('en-US')} ${currency}`;

export function normaliseForecast(
  forecast: ReachForecast,
  request: ForecastRequest,
  profile: AdsProfile,
): NormalisedRecommendation | { reason: string } {
  const doubling = doublingOf(forecast.dataPoints);
  if (!doubling) return { reason: 'reach forecast has fewer than two points with spend' };
  const { from, to } = doubling;
  const gain = from.reach > 0 ? ((to.reach - from.reach) / from.reach) * 100 : null;
  const spendGain = ((to.spend - from.spend) / from.spend) * 100;
  const currency = forecast.currencyCode;
  const who = profile.accountName ?? profile.accountId;
  const period = `${request.startDate} to ${request.endDate}`;
  return {
    source: 'reach-forecasting',
    sourceRecommendationId: `${profile.profileId}|reach|${FORECAST_DAYS}d`,
    sourceType: 'REACH_FORECAST',
    kind: 'strategic',
    goal: 'strategic',
    title:
      `${who} (${profile.countryCode}): ${money(to.spend, currency)} over ${FORECAST_DAYS} days reaches ${count(to.reach)} households, ` +
      `${gain === null ? 'more' : `${gain.toFixed(0)}% more`} than ${money(from.spend, currency)}`,
    description:
      `Amazon forecasts that spending ${money(from.spend, currency)} on Sponsored Display from ${period} reaches about ` +
      `${count(from.reach)} households, and ${money(to.spend, currency)} about ${count(to.reach)}: ${spendGain.toFixed(0)}% more budget ` +
      `for ${gain === null ? 'more' : `${gain.toFixed(0)}% more`} reach. Each extra unit of budget reaches fewer new households than the ` +
      'one before, so the curve shows where more budget stops paying for itself.',
    ...profileInsight(profile),
    // The reach is told, not counted as impact: households reached are no effect a person's change would make here,
    // and counted as one they would rank every forecast above the changes waiting for a decision.
    estimatedImpact: [],
    generatedAt: new Date(forecast.creationDateTime).toISOString(),
    expiresAt: null,
    raw: { request, forecast },
  };
}
