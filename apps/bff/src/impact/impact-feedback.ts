/**
 * The feedback loop, pure: effectiveness per source, kind (and advertiser) from the measured items, and the factor it
 * multiplies into the priority of new items (lifecycle/priority.ts; docs/decisions/0004-priority.md).
 *
 * Each measured item of the applied cohorts (a person's or a rule's) scores what it paid: improved 1, no change 0.25,
 * worsened 0; an improvement the source had promised scores between 0.5 and 1 by how much of the promise it delivered
 * (half of it: 0.75), so a source that keeps over-promising loses weight too. A group's payoff is the mean score shrunk toward a prior of 0.5 with the weight of PRIOR_ITEMS items,
 * so three lucky items do not make a source look great; the factor is 0.5 + payoff, clamped to 0.5..1.5: 1 without
 * data, 1.5 when everything improved, 0.5 when everything worsened. An advertiser's factor is shrunk toward its source
 * and kind's payoff instead of 0.5, so it equals the group's until the advertiser has data of its own. Control items
 * (held back by a rule) are the comparison, not a payoff: they never count here.
 */
import type { ImpactAggregate, ImpactVerdict, RecommendationKind, RecommendationSource } from '@recdesk/shared-types';

export const PAYOFF_SCORE: Readonly<Record<ImpactVerdict, number>> = { improved: 1, no_change: 0.25, worsened: 0 };
export const PRIOR_PAYOFF = 0.5;
export const PRIOR_ITEMS = 5;
export const FACTOR_MIN = 0.5;
export const FACTOR_MAX = 1.5;

export interface MeasuredOutcome {
  source: RecommendationSource;
  kind: RecommendationKind;
  advertiserId: string;
  cohort: 'person' | 'rule' | 'control';
  state: string;
  verdict: ImpactVerdict | null;
  realisedTotal: number | null;
  promisedTotal: number | null;
  /** The currency of the totals (the campaign's); null when unknown. */
  currency?: string | null;
}

/** Brings an item's amount into the reporting currency, or null when no rate does (the item then leaves the totals). */
export type ConvertAmount = (amount: number, currency: string | null) => number | null;

export interface DecisionCount {
  source: RecommendationSource;
  kind: RecommendationKind;
  advertiserId: string;
  decided: number;
  applied: number;
}

/** What one measured item paid, 0..1 (see the module comment). */
export function payoffOf(outcome: Pick<MeasuredOutcome, 'verdict' | 'realisedTotal' | 'promisedTotal'>): number {
  if (outcome.verdict === null) return PRIOR_PAYOFF;
  const score = PAYOFF_SCORE[outcome.verdict];
  if (outcome.verdict !== 'improved' || outcome.realisedTotal === null || outcome.promisedTotal === null || outcome.promisedTotal <= 0)
    return score;
  return 0.5 + 0.5 * Math.min(1, Math.max(0, outcome.realisedTotal / outcome.promisedTotal));
}

const groupKey = (source: string, kind: string) => `${source}\u0000${kind}`;
const advertiserKey = (source: string, kind: string, advertiserId: string) => `${source}\u0000${kind}\u0000${advertiserId}`;

function shrunk(scoreSum: number, count: number, prior: number): number {
  return (scoreSum + PRIOR_ITEMS * prior) / (count + PRIOR_ITEMS);
}

function factorOf(payoff: number): number {
  return Math.min(FACTOR_MAX, Math.max(FACTOR_MIN, Math.round((0.5 + payoff) * 1000) / 1000));
}

/** The priority factors per source and kind, and per source, kind and advertiser; anything else is 1. */
export class PriorityFactorTable {
  private constructor(
    private readonly groups: ReadonlyMap<string, number>,
    private readonly advertisers: ReadonlyMap<string, number>,
  ) {}

  static neutral(): PriorityFactorTable {
    return new PriorityFactorTable(new Map(), new Map());
  }

  static from(outcomes: readonly MeasuredOutcome[]): PriorityFactorTable {
    const groupSums = new Map<string, { sum: number; count: number }>();
    const advertiserSums = new Map<string, { sum: number; count: number; group: string }>();
    for (const outcome of outcomes) {
      if (outcome.cohort === 'control' || outcome.state !== 'measured' || outcome.verdict === null) continue;
      const score = payoffOf(outcome);
      const group = groupKey(outcome.source, outcome.kind);
      const g = groupSums.get(group) ?? { sum: 0, count: 0 };
      groupSums.set(group, { sum: g.sum + score, count: g.count + 1 });
      const key = advertiserKey(outcome.source, outcome.kind, outcome.advertiserId);
      const a = advertiserSums.get(key) ?? { sum: 0, count: 0, group };
      advertiserSums.set(key, { sum: a.sum + score, count: a.count + 1, group });
    }
    const groupPayoff = new Map([...groupSums].map(([key, { sum, count }]) => [key, shrunk(sum, count, PRIOR_PAYOFF)]));
    const groups = new Map([...groupPayoff].map(([key, payoff]) => [key, factorOf(payoff)]));
    const advertisers = new Map(
      [...advertiserSums].map(([key, { sum, count, group }]) => [
        key,
        factorOf(shrunk(sum, count, groupPayoff.get(group) ?? PRIOR_PAYOFF)),
      ]),
    );
    return new PriorityFactorTable(groups, advertisers);
  }

  /** The factor for a new item: its advertiser's when known, else its source and kind's, else 1. */
  factorOf(source: string, kind: string, advertiserId?: string | null): number {
    if (advertiserId) {
      const own = this.advertisers.get(advertiserKey(source, kind, advertiserId));
      if (own !== undefined) return own;
    }
    return this.groups.get(groupKey(source, kind)) ?? 1;
  }
}

type Totals = Omit<ImpactAggregate, 'source' | 'kind' | 'advertiserId' | 'shareApplied' | 'shareImproved' | 'priorityFactor'>;

/**
 * Aggregates per source and kind, for one advertiser (`advertiserId`) or over all the given ones (null). Counts and
 * totals are plain sums over the items and decisions given, so the rows of all groups add up to the totals of their
 * union. Realised and promised totals are summed over the items where both exist, so they compare like with like.
 */
export function aggregatesOf(
  outcomes: readonly MeasuredOutcome[],
  decisions: readonly DecisionCount[],
  factors: PriorityFactorTable,
  advertiserId: string | null,
  convert: ConvertAmount = (amount) => amount,
): ImpactAggregate[] {
  const rows = new Map<string, { source: RecommendationSource; kind: RecommendationKind; totals: Totals }>();
  const rowOf = (source: RecommendationSource, kind: RecommendationKind) => {
    const key = groupKey(source, kind);
    let row = rows.get(key);
    if (!row) {
      row = {
        source,
        kind,
        totals: {
          applied: 0,
          decided: 0,
          measured: 0,
          improved: 0,
          worsened: 0,
          realisedTotal: null,
          promisedTotal: null,
          controlMeasured: 0,
          controlImproved: 0,
          unconverted: 0,
        },
      };
      rows.set(key, row);
    }
    return row.totals;
  };
  for (const d of decisions) {
    if (advertiserId !== null && d.advertiserId !== advertiserId) continue;
    const totals = rowOf(d.source, d.kind);
    totals.decided += d.decided;
    totals.applied += d.applied;
  }
  for (const o of outcomes) {
    if (advertiserId !== null && o.advertiserId !== advertiserId) continue;
    const totals = rowOf(o.source, o.kind);
    if (o.state !== 'measured') continue;
    if (o.cohort === 'control') {
      totals.controlMeasured = (totals.controlMeasured ?? 0) + 1;
      if (o.verdict === 'improved') totals.controlImproved = (totals.controlImproved ?? 0) + 1;
      continue;
    }
    totals.measured += 1;
    if (o.verdict === 'improved') totals.improved += 1;
    if (o.verdict === 'worsened') totals.worsened = (totals.worsened ?? 0) + 1;
    if (o.realisedTotal !== null && o.promisedTotal !== null) {
      // Both in the item's currency; converted together or not at all, so realised and promised stay comparable.
      const realised = convert(o.realisedTotal, o.currency ?? null);
      const promised = convert(o.promisedTotal, o.currency ?? null);
      if (realised === null || promised === null) {
        totals.unconverted = (totals.unconverted ?? 0) + 1;
        continue;
      }
      totals.realisedTotal = (totals.realisedTotal ?? 0) + realised;
      totals.promisedTotal = (totals.promisedTotal ?? 0) + promised;
    }
  }
  return [...rows.values()]
    .sort((a, b) => a.source.localeCompare(b.source) || a.kind.localeCompare(b.kind))
    .map(({ source, kind, totals }) => ({
      source,
      kind,
      advertiserId,
      ...totals,
      shareApplied: totals.decided > 0 ? Math.min(1, totals.applied / totals.decided) : null,
      shareImproved: totals.measured > 0 ? totals.improved / totals.measured : null,
      priorityFactor: factors.factorOf(source, kind, advertiserId),
    }));
}
