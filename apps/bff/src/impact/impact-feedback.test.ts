import { describe, expect, it } from 'vitest';
import { priorityOf } from '../lifecycle/priority.ts';
import { aggregatesOf, type DecisionCount, type MeasuredOutcome, PriorityFactorTable, payoffOf } from './impact-feedback.ts';

const outcome = (over: Partial<MeasuredOutcome>): MeasuredOutcome => ({
  source: 'sp-budget',
  kind: 'budget',
  advertiserId: 'A1',
  cohort: 'person',
  state: 'measured',
  verdict: 'improved',
  realisedTotal: null,
  promisedTotal: null,
  ...over,
});

const many = (count: number, over: Partial<MeasuredOutcome>) => Array.from({ length: count }, () => outcome(over));

describe('PriorityFactorTable', () => {
  it('is neutral without measurements', () => {
    expect(PriorityFactorTable.from([]).factorOf('sp-budget', 'budget', 'A1')).toBe(1);
  });

  it('drops for a source whose items worsened, rises for one whose items improved, within 0.5..1.5', () => {
    const table = PriorityFactorTable.from([
      ...many(6, { source: 'unified-recommendations', verdict: 'worsened' }),
      ...many(6, { source: 'sp-budget', verdict: 'improved' }),
    ]);
    const worse = table.factorOf('unified-recommendations', 'budget');
    const better = table.factorOf('sp-budget', 'budget');
    expect(worse).toBeLessThan(1);
    expect(better).toBeGreaterThan(1);
    expect(worse).toBeGreaterThanOrEqual(0.5);
    expect(better).toBeLessThanOrEqual(1.5);
    // Another kind of the same source has no data of its own: neutral.
    expect(table.factorOf('unified-recommendations', 'bid')).toBe(1);
    const subject = {
      source: 'unified-recommendations' as const,
      kind: 'budget' as const,
      confidence: 0.8,
      impactScore: 6,
      estimatedImpact: [],
      expiresAt: null,
    };
    const now = new Date('2026-06-01T00:00:00Z');
    expect(priorityOf(subject, now, (s, k, a) => table.factorOf(s, k, a))).toBeLessThan(priorityOf(subject, now));
  });

  it('shrinks small samples toward 1 and trusts large ones, never leaving the clamp', () => {
    const oneBad = PriorityFactorTable.from(many(1, { verdict: 'worsened' })).factorOf('sp-budget', 'budget');
    const tenBad = PriorityFactorTable.from(many(10, { verdict: 'worsened' })).factorOf('sp-budget', 'budget');
    const thousandBad = PriorityFactorTable.from(many(1000, { verdict: 'worsened' })).factorOf('sp-budget', 'budget');
    expect(oneBad).toBeLessThan(1);
    expect(oneBad).toBeGreaterThan(0.9);
    expect(tenBad).toBeLessThan(oneBad);
    expect(thousandBad).toBeGreaterThanOrEqual(0.5);
    expect(thousandBad).toBeLessThan(0.51);
    expect(PriorityFactorTable.from(many(1000, {})).factorOf('sp-budget', 'budget')).toBeLessThanOrEqual(1.5);
  });

  it('counts "no change" as a weak payoff: a source that moves nothing drops too, less than one that harms', () => {
    const flat = PriorityFactorTable.from(many(8, { verdict: 'no_change' })).factorOf('sp-budget', 'budget');
    const harmful = PriorityFactorTable.from(many(8, { verdict: 'worsened' })).factorOf('sp-budget', 'budget');
    expect(flat).toBeLessThan(1);
    expect(harmful).toBeLessThan(flat);
  });

  it('scores an improvement by how much of its promise it delivered', () => {
    expect(payoffOf({ verdict: 'improved', realisedTotal: 1200, promisedTotal: 1000 })).toBe(1);
    expect(payoffOf({ verdict: 'improved', realisedTotal: 500, promisedTotal: 1000 })).toBe(0.75);
    expect(payoffOf({ verdict: 'improved', realisedTotal: null, promisedTotal: null })).toBe(1);
    expect(payoffOf({ verdict: 'no_change', realisedTotal: 5, promisedTotal: 1000 })).toBe(0.25);
    const kept = PriorityFactorTable.from(many(6, { realisedTotal: 1000, promisedTotal: 1000 })).factorOf('sp-budget', 'budget');
    const overPromised = PriorityFactorTable.from(many(6, { realisedTotal: 50, promisedTotal: 1000 })).factorOf('sp-budget', 'budget');
    expect(overPromised).toBeLessThan(kept);
    expect(overPromised).toBeGreaterThan(1);
  });

  it('gives an advertiser its own factor, shrunk toward its source and kind, and ignores control items', () => {
    const table = PriorityFactorTable.from([
      ...many(8, { advertiserId: 'A1', verdict: 'improved' }),
      ...many(8, { advertiserId: 'A2', verdict: 'worsened' }),
      ...many(50, { advertiserId: 'A2', cohort: 'control', verdict: 'improved' }),
      ...many(5, { advertiserId: 'A3', state: 'measuring', verdict: null }),
    ]);
    const group = table.factorOf('sp-budget', 'budget');
    expect(table.factorOf('sp-budget', 'budget', 'A1')).toBeGreaterThan(group);
    expect(table.factorOf('sp-budget', 'budget', 'A2')).toBeLessThan(group);
    expect(table.factorOf('sp-budget', 'budget', 'A3')).toBe(group);
    expect(table.factorOf('sp-budget', 'budget', 'A9')).toBe(group);
    // 8 improved and 8 worsened over the group: half and half is the prior.
    expect(group).toBeCloseTo(1, 6);
  });
});

describe('aggregatesOf', () => {
  const outcomes: MeasuredOutcome[] = [
    outcome({ advertiserId: 'A1', verdict: 'improved', realisedTotal: 900, promisedTotal: 1000 }),
    outcome({ advertiserId: 'A1', verdict: 'no_change', realisedTotal: 10, promisedTotal: null }),
    outcome({ advertiserId: 'A2', verdict: 'worsened', realisedTotal: -300, promisedTotal: 500 }),
    outcome({ advertiserId: 'A2', state: 'measuring', verdict: null }),
    outcome({ advertiserId: 'A2', cohort: 'control', verdict: 'no_change' }),
    outcome({ advertiserId: 'A1', source: 'sp-consolidated', kind: 'bid', verdict: 'improved' }),
    outcome({ advertiserId: 'A3', source: 'sp-consolidated', kind: 'bid', state: 'not_measurable', verdict: null }),
  ];
  const decisions: DecisionCount[] = [
    { source: 'sp-budget', kind: 'budget', advertiserId: 'A1', decided: 4, applied: 2 },
    { source: 'sp-budget', kind: 'budget', advertiserId: 'A2', decided: 3, applied: 2 },
    { source: 'sp-consolidated', kind: 'bid', advertiserId: 'A1', decided: 1, applied: 1 },
    { source: 'sp-consolidated', kind: 'bid', advertiserId: 'A3', decided: 2, applied: 1 },
  ];
  const factors = PriorityFactorTable.from(outcomes);

  it('adds up: the per-advertiser rows of every group sum to the all-advertiser row', () => {
    const totals = aggregatesOf(outcomes, decisions, factors, null);
    const parts = ['A1', 'A2', 'A3'].flatMap((advertiser) => aggregatesOf(outcomes, decisions, factors, advertiser));
    expect(totals).toHaveLength(2);
    for (const total of totals) {
      const mine = parts.filter((p) => p.source === total.source && p.kind === total.kind);
      for (const field of ['applied', 'decided', 'measured', 'improved', 'worsened', 'controlMeasured'] as const)
        expect(mine.reduce((n, p) => n + (p[field] ?? 0), 0)).toBe(total[field]);
      const sum = (field: 'realisedTotal' | 'promisedTotal') =>
        mine.some((p) => p[field] !== null) ? mine.reduce((n, p) => n + (p[field] ?? 0), 0) : null;
      expect(sum('realisedTotal')).toBe(total.realisedTotal);
      expect(sum('promisedTotal')).toBe(total.promisedTotal);
    }
  });

  it('computes shares and compares realised with promised only where both exist', () => {
    const [budget, bid] = aggregatesOf(outcomes, decisions, factors, null);
    expect(bid).toMatchObject({ source: 'sp-consolidated', applied: 2, decided: 3, measured: 1, improved: 1, shareImproved: 1 });
    expect(budget).toMatchObject({
      source: 'sp-budget',
      advertiserId: null,
      applied: 4,
      decided: 7,
      measured: 3,
      improved: 1,
      worsened: 1,
      controlMeasured: 1,
      controlImproved: 0,
      realisedTotal: 600,
      promisedTotal: 1500,
    });
    expect(budget?.shareApplied).toBeCloseTo(4 / 7, 10);
    expect(budget?.shareImproved).toBeCloseTo(1 / 3, 10);
    expect(budget?.priorityFactor).toBe(factors.factorOf('sp-budget', 'budget'));
  });

  it('answers null shares for groups without decisions or measurements', () => {
    const [row] = aggregatesOf([outcome({ state: 'measuring', verdict: null })], [], factors, null);
    expect(row).toMatchObject({ decided: 0, shareApplied: null, measured: 0, shareImproved: null, realisedTotal: null });
  });
});
