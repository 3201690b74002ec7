/**
 * The portfolio's groups (source × kind, per advertiser when the answer is split by one) as rows for the chart and
 * the table: realised impact as a share of what was promised, with a 90 % band built from the measured items of the
 * group (their bands combined as independent: the half-widths add in quadrature).
 */
import { type ImpactAggregate, type ImpactList, type ItemImpact, SOURCE_LABELS } from '@recdesk/shared-types';

export interface PortfolioRow {
  key: string;
  label: string;
  aggregate: ImpactAggregate;
  /** realisedTotal / promisedTotal, null when either is missing or nothing was promised. */
  realisedShare: number | null;
  /** The band of realisedShare as [below, above] distances, for an error bar; null without measured bands. */
  shareError: [number, number] | null;
  /** The realised total's band in the target metric, null without measured bands. */
  band: { lower: number; upper: number } | null;
  /** How many measured items the band was built from. */
  bandItems: number;
}

function belongs(item: ItemImpact, aggregate: ImpactAggregate): boolean {
  return (
    item.source === aggregate.source &&
    item.kind === aggregate.kind &&
    (aggregate.advertiserId === null || item.advertiserId === aggregate.advertiserId) &&
    item.cohort !== 'control'
  );
}

/**
 * The rate from an item's currency into the totals' reporting currency (the answer's `reporting`), null when none
 * converts it: such an item is out of the totals, so it stays out of their band too. Without `reporting` (an older
 * server) amounts are taken as they are.
 */
export function rateLookup(reporting: ImpactList['reporting']): (currency: string | null | undefined) => number | null {
  if (!reporting) return () => 1;
  return (currency) => {
    if (!currency) return null;
    if (currency === reporting.currency) return 1;
    return reporting.rates.find((r) => r.from === currency)?.rate ?? null;
  };
}

export function portfolioRows(
  aggregates: ImpactAggregate[],
  items: ItemImpact[],
  rateOf: (currency: string | null | undefined) => number | null = () => 1,
): PortfolioRow[] {
  return aggregates.map((aggregate) => {
    let halfWidthSquares = 0;
    let bandItems = 0;
    for (const item of items) {
      if (item.state !== 'measured' || !belongs(item, aggregate)) continue;
      const effect = item.effects.find((e) => e.metric === item.targetMetric);
      if (!effect) continue;
      const rate = rateOf(item.currency);
      if (rate === null) continue;
      const halfWidth = ((effect.upper - effect.lower) / 2) * item.windowDays * rate;
      halfWidthSquares += halfWidth * halfWidth;
      bandItems++;
    }
    const { realisedTotal, promisedTotal } = aggregate;
    const halfWidth = Math.sqrt(halfWidthSquares);
    const band = realisedTotal !== null && bandItems > 0 ? { lower: realisedTotal - halfWidth, upper: realisedTotal + halfWidth } : null;
    const realisedShare = realisedTotal !== null && promisedTotal !== null && promisedTotal !== 0 ? realisedTotal / promisedTotal : null;
    const shareError: [number, number] | null =
      band && realisedShare !== null && promisedTotal ? [halfWidth / Math.abs(promisedTotal), halfWidth / Math.abs(promisedTotal)] : null;
    const who = aggregate.advertiserId ? ` · ${aggregate.advertiserId}` : '';
    return {
      key: `${aggregate.source}|${aggregate.kind}|${aggregate.advertiserId ?? ''}`,
      label: `${SOURCE_LABELS[aggregate.source]} · ${aggregate.kind}${who}`,
      aggregate,
      realisedShare,
      shareError,
      band,
      bandItems,
    };
  });
}
