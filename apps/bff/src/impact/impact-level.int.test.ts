/**
 * Measure where the change acts (issue 19), through the measurement run and the API on PGlite and the PostgreSQL
 * server: a keyword bid change is measured on that keyword's own series (the keyword rows of its campaign's targeting
 * report), against the keywords of untouched campaigns, and says so; its campaign, whose other keyword lost what this
 * one gained, would have shown nothing. A keyword without rows falls back to its campaign, saying why.
 */
import { ItemImpactSchema } from '@recdesk/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bidChange } from '../lifecycle/recommendation-fixtures.ts';
import { recommendationIdOf } from '../lifecycle/recommendation-store.ts';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';
import { recordApplied, seedPerformance } from './impact-test-helpers.ts';

const APPLIED_AT = new Date('2026-05-10T09:30:00Z');
const BOUND_MS = 180_000;

describe.each(databaseTargets)('impact at the level a change acts on, on $name', ({ create }) => {
  let bff: TestBff;

  beforeAll(async () => {
    bff = await startTestBff(await create(), { IMPACT_JOB_SCHEDULE: 'off' }, { now: () => new Date('2026-05-27T06:00:00Z') });
    const { store, db } = bff.runtime;
    const raise = (id: string, keywordId: string) =>
      bidChange({
        id,
        source: 'sp-targeting',
        advertiserId: 'ADV1',
        campaignId: 'C1',
        keywordId,
        from: 1,
        to: 1.3,
        generatedAt: '2026-05-09T00:00:00.000Z',
        expiresAt: '2026-07-01T00:00:00.000Z',
      });
    await store.upsertMany([raise('on-k1', 'K1'), raise('on-k9', 'K9')]);
    for (const id of ['on-k1', 'on-k9'])
      await recordApplied(db, { recommendationId: recommendationIdOf('sp-targeting', id), advertiserId: 'ADV1', at: APPLIED_AT });
    const after = '2026-05-11';
    await seedPerformance(
      db,
      [
        // The campaign as a whole does not move: K1 gains 40 sales a day that K2 loses.
        { advertiserId: 'ADV1', campaignId: 'C1', sales: 500 },
        { advertiserId: 'ADV1', campaignId: 'C1', keywordId: 'K1', sales: 150, effect: 40, effectFrom: after },
        { advertiserId: 'ADV1', campaignId: 'C1', keywordId: 'K2', sales: 350, effect: -40, effectFrom: after },
        { advertiserId: 'ADV1', campaignId: 'B1', sales: 600 },
        { advertiserId: 'ADV1', campaignId: 'B1', keywordId: 'K3', sales: 250 },
        { advertiserId: 'ADV1', campaignId: 'B1', keywordId: 'K4', sales: 350 },
        { advertiserId: 'ADV1', campaignId: 'B2', sales: 400 },
      ],
      '2026-04-20',
      40,
    );
    await bff.runtime.impact.measureNow();
  }, BOUND_MS);
  afterAll(async () => {
    await bff?.close();
  });

  const item = async (sourceId: string) =>
    ItemImpactSchema.parse((await bff.http.get(`/api/impact/${recommendationIdOf('sp-targeting', sourceId)}`).expect(200)).body);

  it('measures a keyword bid change on that keyword, naming the level and why', async () => {
    const k1 = await item('on-k1');
    expect(k1).toMatchObject({ state: 'measured', entity: 'keyword:K1', level: 'keyword', verdict: 'improved', baselineCampaigns: 1 });
    expect(k1.levelReason).toMatch(/acts on one keyword: measured on that keyword's own targeting report/);
    const [sales] = k1.effects;
    expect(sales?.metric).toBe('sales');
    expect(sales?.lower).toBeLessThanOrEqual(40);
    expect(sales?.upper).toBeGreaterThanOrEqual(40);
    // The change marker on the keyword's own chart.
    const chart = (await bff.http.get('/api/performance?entity=keyword:K1&from=2026-05-01&to=2026-05-20').expect(200)).body;
    expect(chart.markers.map((m: { recommendationId: string }) => m.recommendationId)).toEqual([
      recommendationIdOf('sp-targeting', 'on-k1'),
    ]);
  });

  it('falls back to the campaign when the keyword has no rows, and says why', async () => {
    const k9 = await item('on-k9');
    expect(k9).toMatchObject({ state: 'measured', entity: 'campaign:C1', level: 'campaign' });
    expect(k9.levelReason).toMatch(/^measured on the campaign instead of the keyword: the keyword has 0 day\(s\) of data/);
  });
});
