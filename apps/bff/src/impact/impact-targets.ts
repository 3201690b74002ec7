/**
 * What a change of each kind is meant to move, whether it moves a measurable entity at all, and which promise of the
 * source speaks of the same metric. Pure data and small functions, so the table can be read and argued with.
 */
import type { ImpactEstimate, ProposedAction, RecommendationKind } from '@recdesk/shared-types';
import type { MetricShape } from './did-estimator.ts';

export const IMPACT_METRICS = ['sales', 'impressions', 'clicks', 'cost', 'orders', 'acos', 'roas'] as const;
export type ImpactMetric = (typeof IMPACT_METRICS)[number];

/** How each metric is built from a day's row, and which way is better. */
export const METRIC_DEFINITIONS: Readonly<
  Record<ImpactMetric, { shape: MetricShape; numerator: DailyField; denominator?: DailyField; higherIsBetter: boolean }>
> = {
  impressions: { shape: { kind: 'level' }, numerator: 'impressions', higherIsBetter: true },
  clicks: { shape: { kind: 'level' }, numerator: 'clicks', higherIsBetter: true },
  // Spend alone is not success: less of it is better only when that is what the change was for (a bid cut).
  cost: { shape: { kind: 'level' }, numerator: 'cost', higherIsBetter: false },
  sales: { shape: { kind: 'level' }, numerator: 'sales', higherIsBetter: true },
  orders: { shape: { kind: 'level' }, numerator: 'orders', higherIsBetter: true },
  acos: { shape: { kind: 'ratio' }, numerator: 'cost', denominator: 'sales', higherIsBetter: false },
  roas: { shape: { kind: 'ratio' }, numerator: 'sales', denominator: 'cost', higherIsBetter: true },
};

export type DailyField = 'impressions' | 'clicks' | 'cost' | 'sales' | 'orders';

/**
 * The target metric per kind and direction. Why each:
 * - a budget raise lifts a campaign held back by its cap: the point is the sales it was missing, not the extra spend;
 * - a budget cut trims spend that did not sell: success is a lower ACOS (sales per unit of spend kept);
 * - a bid raise (or a new keyword or target) buys more traffic: success is the sales it brings;
 * - a bid cut lowers cost on traffic that does not convert: success is a lower ACOS, since cost falls by construction;
 * - a negative keyword or target removes wasteful traffic: lower ACOS;
 * - other bid changes (placement adjustments, bidding strategy) trade spend for sales: ROAS;
 * - creatives and audiences aim at more sales.
 */
export function targetMetricOf(kind: RecommendationKind, action: Pick<ProposedAction, 'type' | 'direction'>): ImpactMetric {
  if (action.type === 'add-negative') return 'acos';
  switch (kind) {
    case 'budget':
      return action.direction === 'decrease' ? 'acos' : 'sales';
    case 'bid':
      if (action.direction === 'decrease') return 'acos';
      if (action.direction === 'increase') return 'sales';
      return 'roas';
    case 'targeting':
      return action.direction === 'remove' ? 'acos' : 'sales';
    default:
      return 'sales';
  }
}

/** The effects reported per item: the target first, then the rest in a fixed order. */
export function effectMetricsOf(target: ImpactMetric): ImpactMetric[] {
  return [target, ...IMPACT_METRICS.filter((m) => m !== target)];
}

/**
 * Why an applied item cannot be measured, or null when it can: insights and strategic items move no entity, a new
 * campaign has no before window, and an item without a campaign has no series to read.
 */
export function unmeasurableReason(item: {
  kind: RecommendationKind;
  action: Pick<ProposedAction, 'type'>;
  campaignId: string | null;
}): string | null {
  if (item.kind === 'strategic') return 'a strategic insight changes no campaign';
  if (item.action.type === 'insight') return 'an insight changes no campaign';
  if (item.action.type === 'create-campaign') return 'a new campaign has no before window to compare with';
  if (!item.campaignId) return 'the change names no campaign whose performance could be read';
  return null;
}

/** Metric families of the sources' free-text promise names ("missed sales", "incremental clicks"...). */
const FAMILIES: readonly [RegExp, ImpactMetric][] = [
  [/acos/i, 'acos'],
  [/roas/i, 'roas'],
  [/sales|revenue/i, 'sales'],
  [/impression/i, 'impressions'],
  [/click/i, 'clicks'],
  [/order|conversion|purchase/i, 'orders'],
  [/cost|spend/i, 'cost'],
];

export function metricFamilyOf(name: string): ImpactMetric | null {
  return FAMILIES.find(([pattern]) => pattern.test(name))?.[1] ?? null;
}

/**
 * The promised effect on the target metric over `windowDays`, as the midpoint of the source's range brought to the
 * window's length (a range without a period is taken as meant for the window), or null when the source promised
 * nothing in that metric. Percent promises are left out: they cannot be added to amounts.
 */
export function promisedOverWindow(estimates: readonly ImpactEstimate[], target: ImpactMetric, windowDays: number): number | null {
  let total: number | null = null;
  for (const estimate of estimates) {
    if (estimate.unit === 'percent' || metricFamilyOf(estimate.metric) !== target) continue;
    const mid =
      estimate.lower !== null && estimate.upper !== null ? (estimate.lower + estimate.upper) / 2 : (estimate.lower ?? estimate.upper);
    if (mid === null) continue;
    const scaled = estimate.periodDays ? (mid * windowDays) / estimate.periodDays : mid;
    // Several promises in the same metric (the campaign's and the item's) overlap: the largest stands for them all.
    total = total === null ? scaled : Math.max(total, scaled);
  }
  return total;
}
