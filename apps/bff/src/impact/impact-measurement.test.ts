import type { ProposedAction } from '@recdesk/shared-types';
import { describe, expect, it } from 'vitest';
import { type MeasureSubject, measureSubject } from './impact-measurement.ts';
import { targetMetricOf } from './impact-targets.ts';
import { addDays } from './impact-windows.ts';

const config = { windowDays: 7, settleDays: 3 };
const appliedAt = new Date('2026-05-10T15:00:00Z');
const raise: ProposedAction = {
  type: 'set-budget',
  field: 'dailyBudget',
  from: 50,
  to: 75,
  unit: 'currency',
  currency: 'USD',
  direction: 'increase',
};

const subject = (over: Partial<MeasureSubject> = {}): MeasureSubject => ({
  id: 'apply:1',
  recommendationId: '00000000-0000-4000-8000-000000000001',
  advertiserId: 'A1',
  source: 'sp-budget',
  kind: 'budget',
  campaignId: 'T',
  action: raise,
  estimatedImpact: [],
  cohort: 'person',
  appliedAt,
  appliedBy: 'ann@agency.example',
  undoneAt: null,
  ...over,
});

/** Daily rows from 05-01 to 05-20: T gains `lift` sales a day after the change day; B1 and B2 are untouched. */
function rows(lift: number, options: { missingTreatedDays?: number } = {}) {
  const out = [];
  for (let d = 0; d < 20; d++) {
    const date = addDays('2026-05-01', d);
    const wave = 1 + 0.1 * Math.sin(d);
    const jitter = 1 + 0.02 * Math.cos(3 * d);
    for (const [campaign, level] of [
      ['T', 300],
      ['B1', 500],
      ['B2', 700],
    ] as const) {
      if (campaign === 'T' && options.missingTreatedDays && d >= 20 - options.missingTreatedDays) continue;
      const base = level * wave * (campaign === 'T' ? jitter : 1);
      const sales = base + (campaign === 'T' && date > '2026-05-10' ? lift : 0);
      out.push({
        campaign_id: campaign,
        date,
        currency: 'USD',
        impressions: base * 40,
        clicks: base / 2,
        cost: base * 0.3,
        sales,
        orders: sales / 25,
      });
    }
  }
  return out;
}

const now = new Date('2026-05-21T00:00:00Z');
const settled = { today: '2026-05-20', config, rows: rows(60), changeDays: new Map<string, string[]>([['T', ['2026-05-10']]]), now };

describe('measureSubject', () => {
  it('keeps an item measuring until the after window and the settle days have passed', () => {
    const row = measureSubject(subject(), { ...settled, today: '2026-05-19' });
    expect(row).toMatchObject({
      state: 'measuring',
      measuring_until: '2026-05-20',
      before_from: '2026-05-03',
      before_to: '2026-05-09',
      after_from: '2026-05-11',
      after_to: '2026-05-17',
      verdict: null,
      measured_at: null,
    });
  });

  it('measures a budget raise on sales against the untouched campaigns, with the promise over the window', () => {
    const row = measureSubject(
      subject({ estimatedImpact: [{ metric: 'missed sales', lower: 280, upper: 420, unit: 'USD', periodDays: 7 }] }),
      settled,
    );
    expect(row).toMatchObject({
      state: 'measured',
      target_metric: 'sales',
      verdict: 'improved',
      baseline_campaigns: 2,
      promised_total: 350,
    });
    const effects = JSON.parse(row.effects) as { metric: string; estimate: number; lower: number; upper: number }[];
    expect(effects.map((e) => e.metric)).toEqual(['sales', 'impressions', 'clicks', 'cost', 'orders', 'acos', 'roas']);
    const sales = effects[0] as (typeof effects)[number];
    expect(sales.lower).toBeLessThanOrEqual(60);
    expect(sales.upper).toBeGreaterThanOrEqual(60);
    expect(row.realised_total).toBeCloseTo(sales.estimate * 7, 4);
  });

  it('calls an item that moves nothing measurable not_measurable, whatever the clock', () => {
    const insight: ProposedAction = { ...raise, type: 'insight', direction: 'none' };
    expect(measureSubject(subject({ kind: 'strategic', action: insight }), settled).state).toBe('not_measurable');
    expect(measureSubject(subject({ action: insight }), { ...settled, today: '2026-05-11' }).state).toBe('not_measurable');
    expect(measureSubject(subject({ campaignId: null }), settled)).toMatchObject({ state: 'not_measurable', entity: null });
    expect(measureSubject(subject({ action: { ...raise, type: 'create-campaign' } }), settled).state).toBe('not_measurable');
  });

  it('needs untouched comparable campaigns and enough days', () => {
    const touched = new Map([
      ['T', ['2026-05-10']],
      ['B1', ['2026-05-12']],
      ['B2', ['2026-05-04']],
    ]);
    expect(measureSubject(subject(), { ...settled, changeDays: touched })).toMatchObject({
      state: 'insufficient_data',
      baseline_campaigns: 0,
    });
    // A change to B1 before the before window leaves it comparable.
    const earlier = new Map([['B1', ['2026-04-20']]]);
    expect(measureSubject(subject(), { ...settled, changeDays: earlier })).toMatchObject({ state: 'measured', baseline_campaigns: 2 });
    const sparse = measureSubject(subject(), { ...settled, rows: rows(60, { missingTreatedDays: 8 }) });
    expect(sparse).toMatchObject({ state: 'insufficient_data', baseline_campaigns: 0 });
    expect(sparse.note).toMatch(/day\(s\) of data/);
  });

  it('leaves out an item undone inside its after window', () => {
    const row = measureSubject(subject({ undoneAt: new Date('2026-05-14T08:00:00Z') }), settled);
    expect(row).toMatchObject({ state: 'insufficient_data', note: expect.stringContaining('undone on 2026-05-14') });
    expect(measureSubject(subject({ undoneAt: new Date('2026-05-19T08:00:00Z') }), settled).state).toBe('measured');
  });

  it('measures a held-back control as if applied at the decision, and only while its campaign stayed untouched', () => {
    const control = subject({ id: 'hold:7', cohort: 'control', appliedBy: 'rule:r v1 (held back as control)' });
    const flat = measureSubject(control, { ...settled, rows: rows(0), changeDays: new Map() });
    expect(flat).toMatchObject({ state: 'measured', cohort: 'control', verdict: 'no_change' });
    expect(measureSubject(control, { ...settled, rows: rows(0) })).toMatchObject({
      state: 'insufficient_data',
      note: expect.stringContaining('no control'),
    });
  });

  it('judges a bid cut on ACOS, lower being better', () => {
    const cut: ProposedAction = {
      type: 'set-bid',
      field: 'bid',
      from: 1,
      to: 0.8,
      unit: 'currency',
      currency: 'USD',
      direction: 'decrease',
    };
    expect(targetMetricOf('bid', cut)).toBe('acos');
    // Same cost, 60 more sales a day: ACOS falls, which is an improvement.
    const row = measureSubject(subject({ kind: 'bid', action: cut }), settled);
    expect(row).toMatchObject({ target_metric: 'acos', verdict: 'improved', promised_total: null, realised_total: null });
  });
});

describe('measureSubject where the change acts', () => {
  const bidRaise: ProposedAction = { ...raise, type: 'set-bid', field: 'bid', from: 1, to: 1.3 };
  /**
   * Keyword rows from 05-01 to 05-20: K1 (in T) gains `lift` sales a day after the change, taken from its sibling K2
   * (the campaign's sales shift between its keywords); K3 and K4 sit in the untouched campaign B1.
   */
  function keywordRows(lift: number) {
    const out = [];
    for (let d = 0; d < 20; d++) {
      const date = addDays('2026-05-01', d);
      const wave = 1 + 0.1 * Math.sin(d);
      const jitter = 1 + 0.02 * Math.cos(3 * d);
      const after = date > '2026-05-10';
      for (const [campaign, key, level] of [
        ['T', 'keyword:K1', 100],
        ['T', 'keyword:K2', 200],
        ['B1', 'keyword:K3', 150],
        ['B1', 'target:X4', 250],
      ] as const) {
        const base = level * wave * (key === 'keyword:K1' ? jitter : 1);
        const sales = base + (after && key === 'keyword:K1' ? lift : 0) - (after && key === 'keyword:K2' ? lift / 2 : 0);
        out.push({
          campaign_id: campaign,
          entity_key: key,
          date,
          currency: 'USD',
          impressions: base * 40,
          clicks: base / 2,
          cost: base * 0.3,
          sales,
          orders: sales / 25,
        });
      }
    }
    return out;
  }
  const keywordSubject = (over: Partial<MeasureSubject> = {}) =>
    subject({ kind: 'bid', action: bidRaise, targeting: { level: 'keyword', id: 'K1' }, entityLevel: 'keyword', ...over });

  it('measures a keyword bid change on that keyword, against keywords and targets of untouched campaigns, and says so', () => {
    const row = measureSubject(keywordSubject(), { ...settled, targetingRows: keywordRows(30) });
    expect(row).toMatchObject({ state: 'measured', entity: 'keyword:K1', measured_level: 'keyword', baseline_campaigns: 1 });
    expect(row.level_reason).toMatch(/acts on one keyword: measured on that keyword's own targeting report/);
    const [sales] = JSON.parse(row.effects) as { metric: string; estimate: number; lower: number; upper: number }[];
    expect(sales?.metric).toBe('sales');
    expect(sales?.lower).toBeLessThanOrEqual(30);
    expect(sales?.upper).toBeGreaterThanOrEqual(30);
    expect(sales?.lower).toBeGreaterThan(0);
  });

  it('falls back to the campaign, saying why, when the keyword has no report to compare', () => {
    const row = measureSubject(keywordSubject({ targeting: { level: 'keyword', id: 'K9' } }), {
      ...settled,
      targetingRows: keywordRows(30),
    });
    expect(row).toMatchObject({ state: 'measured', entity: 'campaign:T', measured_level: 'campaign' });
    expect(row.level_reason).toBe(
      'measured on the campaign instead of the keyword: the keyword has 0 day(s) of data before and 0 after; 4 of each are needed',
    );
  });

  it('measures a budget change on its campaign, and an ad group change on its campaign with the reason', () => {
    expect(measureSubject(subject(), settled)).toMatchObject({
      measured_level: 'campaign',
      level_reason: expect.stringMatching(/acts on the whole campaign/),
    });
    expect(measureSubject(subject({ entityLevel: 'ad-group' }), settled).level_reason).toMatch(/ad group, which has no report of its own/);
  });
});
