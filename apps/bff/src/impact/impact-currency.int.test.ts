/**
 * One currency for totals (issue 19): measured items keep their campaign's currency; the list's totals are in the
 * reporting currency asked for, converted at the rates the answer shows (the admin's table, seeded in the embedded
 * default), and equal the sum of the items converted at those rates; an item no rate converts is left out and named,
 * never added in its own currency. Rates are read by anyone signed in and replaced by admins only.
 */
import { type ImpactList, ImpactListSchema } from '@recdesk/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budgetChange } from '../lifecycle/recommendation-fixtures.ts';
import { recommendationIdOf } from '../lifecycle/recommendation-store.ts';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';
import { recordApplied, seedPerformance } from './impact-test-helpers.ts';

const APPLIED_AT = new Date('2026-05-10T09:30:00Z');
const BOUND_MS = 180_000;

describe.each(databaseTargets)('impact totals in one currency on $name', ({ create }) => {
  let bff: TestBff;
  let clock: Date;

  beforeAll(async () => {
    clock = new Date('2026-05-27T06:00:00Z');
    bff = await startTestBff(await create(), { IMPACT_JOB_SCHEDULE: 'off' }, { now: () => clock });
    const { store, db } = bff.runtime;
    const raise = (id: string, advertiserId: string, campaignId: string, unit: string) => ({
      ...budgetChange({
        id,
        source: 'sp-budget',
        advertiserId,
        campaignId,
        from: 50,
        to: 75,
        generatedAt: '2026-05-09T00:00:00.000Z',
        expiresAt: '2026-07-01T00:00:00.000Z',
      }),
      estimatedImpact: [{ metric: 'missed sales', lower: 400, upper: 600, unit, periodDays: 7 }],
    });
    await store.upsertMany([raise('us', 'ADVU', 'U1', 'USD'), raise('uk', 'ADVG', 'G1', 'GBP'), raise('de', 'ADVE', 'E1', 'EUR')]);
    for (const [id, advertiserId] of [
      ['us', 'ADVU'],
      ['uk', 'ADVG'],
      ['de', 'ADVE'],
    ] as const)
      await recordApplied(db, { recommendationId: recommendationIdOf('sp-budget', id), advertiserId, at: APPLIED_AT });
    const after = '2026-05-11';
    await seedPerformance(
      db,
      [
        { advertiserId: 'ADVU', campaignId: 'U1', sales: 500, effect: 80, effectFrom: after },
        { advertiserId: 'ADVU', campaignId: 'U2', sales: 600 },
        { advertiserId: 'ADVG', campaignId: 'G1', sales: 400, effect: 60, effectFrom: after, currency: 'GBP' },
        { advertiserId: 'ADVG', campaignId: 'G2', sales: 700, currency: 'GBP' },
        { advertiserId: 'ADVE', campaignId: 'E1', sales: 300, effect: 40, effectFrom: after, currency: 'EUR' },
        { advertiserId: 'ADVE', campaignId: 'E2', sales: 500, currency: 'EUR' },
      ],
      '2026-04-20',
      40,
    );
    await bff.runtime.impact.measureNow();
  }, BOUND_MS);
  afterAll(async () => {
    await bff?.close();
  });

  const list = async (query: string): Promise<ImpactList> =>
    ImpactListSchema.parse((await bff.http.get(`/api/impact${query}`).expect(200)).body);

  it('converts the totals at the shown rates, which add up to the items converted', async () => {
    const answer = await list('?currency=EUR');
    expect(answer.items.map((i) => [i.state, i.currency]).sort()).toEqual([
      ['measured', 'EUR'],
      ['measured', 'GBP'],
      ['measured', 'USD'],
    ]);
    const reporting = answer.reporting;
    expect(reporting?.currency).toBe('EUR');
    expect(reporting?.unconvertible).toEqual([]);
    // The embedded default's seeded rates: both stored pairs into EUR, each with its day.
    expect(reporting?.rates).toEqual([
      { from: 'GBP', to: 'EUR', rate: 1.2, asOf: '2026-12-01', inverseOf: null },
      { from: 'USD', to: 'EUR', rate: 0.95, asOf: '2026-12-01', inverseOf: null },
    ]);
    const rateOf = (currency: string | null | undefined) =>
      currency === 'EUR' ? 1 : (reporting?.rates.find((r) => r.from === currency)?.rate ?? Number.NaN);
    const [total] = answer.aggregates;
    const sum = (field: 'realisedTotal' | 'promisedTotal') => answer.items.reduce((n, i) => n + (i[field] ?? 0) * rateOf(i.currency), 0);
    expect(total?.realisedTotal).toBeCloseTo(sum('realisedTotal'), 6);
    expect(total?.promisedTotal).toBeCloseTo(sum('promisedTotal'), 6);
    // Not a silent sum of the raw amounts.
    expect(total?.promisedTotal).not.toBeCloseTo(3000, 0);

    // In GBP the USD pair is used inverted, and the answer says which stored pair it came from.
    const gbp = await list('?currency=GBP');
    expect(gbp.reporting?.rates.find((r) => r.from === 'USD')).toEqual({
      from: 'USD',
      to: 'GBP',
      rate: 0.79,
      asOf: '2026-12-01',
      inverseOf: null,
    });
    expect(gbp.reporting?.rates.find((r) => r.from === 'EUR')).toMatchObject({ rate: 1 / 1.2, inverseOf: { from: 'GBP', to: 'EUR' } });
  });

  it('leaves out and names a currency no rate converts, after an admin replaced the rates', async () => {
    const before = (await bff.http.get('/api/exchange-rates').expect(200)).body.rates;
    expect(before).toHaveLength(3);
    await bff.http
      .put('/api/exchange-rates')
      .send({ rates: [{ from: 'USD', to: 'EUR', rate: 0.9, asOf: '2026-12-05' }] })
      .expect(200);
    const answer = await list('?currency=EUR');
    expect(answer.reporting?.unconvertible).toEqual(['GBP']);
    expect(answer.reporting?.rates).toEqual([{ from: 'USD', to: 'EUR', rate: 0.9, asOf: '2026-12-05', inverseOf: null }]);
    const [total] = answer.aggregates;
    expect(total?.unconverted).toBe(1);
    const us = answer.items.find((i) => i.currency === 'USD');
    const de = answer.items.find((i) => i.currency === 'EUR');
    expect(total?.promisedTotal).toBeCloseTo((us?.promisedTotal ?? 0) * 0.9 + (de?.promisedTotal ?? 0), 6);

    await bff.http
      .put('/api/exchange-rates')
      .send({
        rates: [
          { from: 'USD', to: 'EUR', rate: 0.9, asOf: '2026-12-05' },
          { from: 'EUR', to: 'USD', rate: 1.1, asOf: '2026-12-05' },
        ],
      })
      .expect(400);
    await bff.http.get('/api/impact?currency=euro').expect(400);
  });
});
