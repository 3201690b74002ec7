/** Valid performance series and impact answers for component tests, parsed by their contracts. */
import {
  type ImpactAggregate,
  ImpactAggregateSchema,
  type ItemImpact,
  ItemImpactSchema,
  type PerformanceSeries,
  PerformanceSeriesSchema,
} from '@recdesk/shared-types';

export const CHANGE_ID = '11111111-1111-4111-8111-111111111111';

function day(date: string, i: number) {
  const impressions = 1000 + i * 10;
  const clicks = 40 + i;
  const cost = 20 + i / 2;
  const sales = i % 7 === 0 ? 0 : 60 + i * 2;
  return {
    date,
    impressions,
    clicks,
    cost,
    sales,
    orders: sales === 0 ? 0 : 3,
    ctr: clicks / impressions,
    cpc: cost / clicks,
    roas: sales === 0 ? null : sales / cost,
    acos: sales === 0 ? null : cost / sales,
    budgetUtilization: cost / 50,
  };
}

/** 20 days of Nov 2026 (the 5th missing: a gap), with one budget change applied on the 12th. */
export function aSeries(overrides: Partial<PerformanceSeries> = {}): PerformanceSeries {
  const days = [];
  for (let d = 1; d <= 20; d++) if (d !== 5) days.push(day(`2026-11-${String(d).padStart(2, '0')}`, d));
  return PerformanceSeriesSchema.parse({
    entity: 'campaign:123',
    entityName: 'Acme | tents | Exact | US',
    advertiserId: 'AADVERTISER0001',
    currency: 'USD',
    from: '2026-11-01',
    to: '2026-11-20',
    settledThrough: '2026-11-17',
    days,
    markers: [
      {
        date: '2026-11-12',
        appliedAt: '2026-11-12T09:30:00.000Z',
        recommendationId: CHANGE_ID,
        appliedBy: 'ana@agency.example',
        source: 'sp-budget',
        kind: 'budget',
        summary: 'Daily budget 50.00 → 75.00 USD',
        field: 'dailyBudget',
        valueBefore: 50,
        valueAfter: 75,
      },
    ],
    ...overrides,
  });
}

export function anItemImpact(overrides: Partial<ItemImpact> = {}): ItemImpact {
  return ItemImpactSchema.parse({
    recommendationId: CHANGE_ID,
    advertiserId: 'AADVERTISER0001',
    source: 'sp-budget',
    kind: 'budget',
    entity: 'campaign:123',
    appliedAt: '2026-11-12T09:30:00.000Z',
    appliedBy: 'ana@agency.example',
    cohort: 'person',
    state: 'measured',
    measuringUntil: '2026-11-29',
    windowDays: 7,
    before: { from: '2026-11-05', to: '2026-11-11' },
    after: { from: '2026-11-13', to: '2026-11-19' },
    targetMetric: 'sales',
    effects: [
      { metric: 'sales', estimate: 12.5, lower: 4, upper: 21, relative: 0.18 },
      { metric: 'cost', estimate: 3, lower: 1, upper: 5, relative: 0.1 },
    ],
    verdict: 'improved',
    promised: [{ metric: 'sales', lower: 10, upper: 30, unit: 'USD', periodDays: 7 }],
    baselineCampaigns: 4,
    measuredAt: '2026-11-30T06:00:00.000Z',
    ...overrides,
  });
}

export function anAggregate(overrides: Partial<ImpactAggregate> = {}): ImpactAggregate {
  return ImpactAggregateSchema.parse({
    source: 'sp-budget',
    kind: 'budget',
    advertiserId: null,
    applied: 8,
    decided: 10,
    shareApplied: 0.8,
    measured: 5,
    improved: 3,
    shareImproved: 0.6,
    realisedTotal: 87.5,
    promisedTotal: 140,
    priorityFactor: 0.85,
    ...overrides,
  });
}
