/**
 * One comparable priority across sources, 0..100 (times the effectiveness factor), so a unified queue can be sorted
 * meaningfully. The formula and its reasons are in docs/decisions/0004-priority.md; in short:
 *
 *   value    = mean of the available signals among  impact (estimated ranges, normalised) and impactScore / 10
 *              (0.3 when a source gives neither)
 *   trust    = 0.5 + 0.5 × confidence              (confidence 0.6 when unknown)
 *   urgency  = exp(−hours to expiry / 72)           (0 without expiry, 1 when already due)
 *   priority = 100 × (0.8 × value × trust + 0.2 × urgency) × effectiveness(source, kind)
 *
 * Effectiveness is the measured payoff of a source and kind (and advertiser) from src/impact; 1 until items are measured.
 */
import type { ImpactEstimate, Recommendation } from '@recdesk/shared-types';

export type PrioritySubject = Pick<Recommendation, 'source' | 'kind' | 'confidence' | 'impactScore' | 'estimatedImpact'> & {
  expiresAt: Date | null;
  /** The advertiser's own measured effectiveness is used when it has one (src/impact/impact-feedback.ts). */
  advertiserId?: string;
};

/**
 * The measured effectiveness of a source and kind (and advertiser), a factor around 1 (0.5..1.5): the feedback loop
 * of src/impact (priority-factors.ts) supplies it from the measured items; 1 without measurements.
 */
export type EffectivenessOf = (source: string, kind: string, advertiserId?: string) => number;
export const NEUTRAL_EFFECTIVENESS: EffectivenessOf = () => 1;

/**
 * The size of an effect that counts as "large" per metric family (weekly): the estimate saturates towards 1 as it
 * grows past it. Chosen from the orders of magnitude the sources report (tens of clicks, thousands of impressions).
 */
const SCALE_BY_METRIC: readonly [RegExp, number][] = [
  [/impression/i, 5000],
  [/click/i, 100],
  [/conversion|order|purchase/i, 10],
  [/sales|revenue/i, 500],
];

const UNKNOWN_VALUE = 0.3;
const UNKNOWN_CONFIDENCE = 0.6;
const URGENCY_HOURS = 72;

function midpoint(estimate: ImpactEstimate): number | null {
  const { lower, upper } = estimate;
  if (lower !== null && upper !== null) return (lower + upper) / 2;
  return lower ?? upper;
}

/** Estimated impact ranges normalised to 0..1 (the largest over the item's estimates), or null without any. */
export function normalisedImpact(estimates: readonly ImpactEstimate[]): number | null {
  let best: number | null = null;
  for (const estimate of estimates) {
    // A ratio (an audience's affinity) is a signal about the item, not an effect of acting on it.
    if (estimate.unit === 'ratio') continue;
    const mid = midpoint(estimate);
    if (mid === null || mid <= 0) continue;
    const scale = estimate.unit === 'percent' ? 20 : (SCALE_BY_METRIC.find(([pattern]) => pattern.test(estimate.metric))?.[1] ?? 100);
    const weekly = estimate.periodDays ? (mid * 7) / estimate.periodDays : mid;
    const normalised = 1 - Math.exp(-weekly / scale);
    best = best === null ? normalised : Math.max(best, normalised);
  }
  return best;
}

export function urgencyOf(expiresAt: Date | null, now: Date): number {
  if (!expiresAt) return 0;
  const hours = (expiresAt.getTime() - now.getTime()) / 3_600_000;
  return hours <= 0 ? 1 : Math.exp(-hours / URGENCY_HOURS);
}

export function priorityOf(item: PrioritySubject, now: Date, effectiveness: EffectivenessOf = NEUTRAL_EFFECTIVENESS): number {
  const signals = [normalisedImpact(item.estimatedImpact), item.impactScore === null ? null : item.impactScore / 10].filter(
    (s): s is number => s !== null,
  );
  const value = signals.length === 0 ? UNKNOWN_VALUE : signals.reduce((sum, s) => sum + s, 0) / signals.length;
  const trust = 0.5 + 0.5 * (item.confidence ?? UNKNOWN_CONFIDENCE);
  const factor = Math.min(1.5, Math.max(0.5, effectiveness(item.source, item.kind, item.advertiserId)));
  const score = 100 * (0.8 * value * trust + 0.2 * urgencyOf(item.expiresAt, now)) * factor;
  return Math.round(score * 100) / 100;
}
