/**
 * Impact measurement through HTTP on PGlite and the PostgreSQL server, on synthetic series whose effects are known:
 * items stay measuring until window + settle days have passed, then each is measured against the advertiser's
 * untouched campaigns with a band that holds the true effect; aggregates add up; a source whose items worsened loses
 * priority for new and open items; the API is scoped, validated and idempotent.
 */
import { type ImpactList, ImpactListSchema, type ItemImpact, ItemImpactSchema } from '@recdesk/shared-types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { budgetChange, insight } from '../lifecycle/recommendation-fixtures.ts';
import { recommendationIdOf } from '../lifecycle/recommendation-store.ts';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';
import { recordApplied, seedPerformance } from './impact-test-helpers.ts';

const APPLIED_AT = new Date('2026-05-10T09:30:00Z');

/** PGlite on a loaded machine is slow to start and migrate: a bound for hangs, not a speed check. */
const BOUND_MS = 180_000;

describe.each(databaseTargets)('impact measurement on $name', ({ create }) => {
  let bff: TestBff;
  let clock: Date;

  beforeEach(async () => {
    clock = new Date('2026-05-15T12:00:00Z');
    // The clock jumps weeks ahead: the session must outlive it.
    bff = await startTestBff(
      await create(),
      { IMPACT_JOB_SCHEDULE: 'off', SESSION_IDLE_HOURS: '720', SESSION_MAX_AGE_HOURS: '2000' },
      { now: () => clock },
    );
  }, BOUND_MS);
  afterEach(async () => {
    await bff?.close();
  }, BOUND_MS);

  const budgetRaise = (id: string, source: 'sp-budget' | 'unified-recommendations', advertiserId: string, campaignId: string) =>
    budgetChange({
      id,
      source,
      advertiserId,
      campaignId,
      from: 50,
      to: 75,
      confidence: 0.8,
      impactScore: 6,
      generatedAt: '2026-05-09T00:00:00.000Z',
      expiresAt: '2026-07-01T00:00:00.000Z',
    });

  async function seedWorld() {
    const { store, db } = bff.runtime;
    // sp-budget's raise paid off (+80 sales a day); both of the Recommendations API's raises lost sales.
    await store.upsertMany([
      {
        ...budgetRaise('good', 'sp-budget', 'ADV1', 'C1'),
        estimatedImpact: [{ metric: 'missed sales', lower: 400, upper: 600, unit: 'USD', periodDays: 7 }],
      },
      budgetRaise('bad-1', 'unified-recommendations', 'ADV1', 'C2'),
      budgetRaise('bad-2', 'unified-recommendations', 'ADV1', 'C3'),
      insight({ id: 'insight', advertiserId: 'ADV1', campaignId: 'C9' }),
      budgetRaise('lonely', 'sp-budget', 'ADV2', 'C20'),
      budgetRaise('held', 'sp-budget', 'ADV1', 'H1'),
    ]);
    const id = (sourceId: string, source: Parameters<typeof recommendationIdOf>[0]) => recommendationIdOf(source, sourceId);
    const ids = {
      good: id('good', 'sp-budget'),
      bad1: id('bad-1', 'unified-recommendations'),
      bad2: id('bad-2', 'unified-recommendations'),
      insight: id('insight', 'partner-opportunities'),
      lonely: id('lonely', 'sp-budget'),
      held: id('held', 'sp-budget'),
    };
    // A rule in mode `on` held this one back as a control, and one in shadow mode another (no control: nothing applied).
    const decision = (recommendationId: string, mode: string) => ({
      rule_id: '7d1c1e52-8a55-4a4e-9d4c-1f2b3c4d5e6f',
      rule_version: 1,
      run_id: '2f1c1e52-8a55-4a4e-9d4c-1f2b3c4d5e6f',
      recommendation_id: recommendationId,
      advertiser_id: 'ADV1',
      mode,
      decision: 'hold',
      applied: false,
      spend_change: 25,
      trace: 'held back as control',
      batch_id: null,
      at: APPLIED_AT,
    });
    await db
      .withTables<{ rule_decisions: ReturnType<typeof decision> }>()
      .insertInto('rule_decisions')
      .values([decision(ids.held, 'on'), decision(ids.bad2, 'shadow')])
      .execute();
    await recordApplied(db, {
      recommendationId: ids.good,
      advertiserId: 'ADV1',
      at: APPLIED_AT,
      actor: { type: 'rule', id: 'budget-rule', version: 2 },
    });
    await recordApplied(db, { recommendationId: ids.bad1, advertiserId: 'ADV1', at: APPLIED_AT });
    await recordApplied(db, { recommendationId: ids.bad2, advertiserId: 'ADV1', at: APPLIED_AT });
    await recordApplied(db, { recommendationId: ids.insight, advertiserId: 'ADV1', at: APPLIED_AT });
    await recordApplied(db, { recommendationId: ids.lonely, advertiserId: 'ADV2', at: APPLIED_AT });
    const after = '2026-05-11';
    await seedPerformance(
      db,
      [
        { advertiserId: 'ADV1', campaignId: 'C1', sales: 500, effect: 80, effectFrom: after },
        { advertiserId: 'ADV1', campaignId: 'C2', sales: 400, effect: -90, effectFrom: after },
        { advertiserId: 'ADV1', campaignId: 'C3', sales: 300, effect: -70, effectFrom: after },
        { advertiserId: 'ADV1', campaignId: 'B1', sales: 600 },
        { advertiserId: 'ADV1', campaignId: 'B2', sales: 800 },
        { advertiserId: 'ADV1', campaignId: 'B3', sales: 300 },
        { advertiserId: 'ADV1', campaignId: 'H1', sales: 400 },
        // Another currency is no baseline for USD campaigns.
        { advertiserId: 'ADV1', campaignId: 'E1', sales: 900, currency: 'EUR' },
        { advertiserId: 'ADV2', campaignId: 'C20', sales: 200, effect: 30, effectFrom: after },
      ],
      '2026-04-20',
      40,
    );
    return ids;
  }

  const list = async (query = ''): Promise<ImpactList> =>
    ImpactListSchema.parse((await bff.http.get(`/api/impact${query}`).expect(200)).body);
  const item = async (id: string): Promise<ItemImpact> =>
    ItemImpactSchema.parse((await bff.http.get(`/api/impact/${id}`).expect(200)).body);

  it(
    'measures each applied item after window and settle days, with a band holding the known effect, and feeds priority back',
    async () => {
      const ids = await seedWorld();
      const { store, impact } = bff.runtime;
      // An open item of the source that is about to disappoint, and the priority a new one gets before any measurement.
      await store.upsertMany([budgetRaise('open-before', 'unified-recommendations', 'ADV1', 'C5')]);
      const openId = recommendationIdOf('unified-recommendations', 'open-before');
      const openBefore = (await store.getRow(openId))?.priority as number;

      await impact.measureNow();
      let all = await list();
      expect(all.items).toHaveLength(6);
      const measuring = all.items.filter((i) => i.state === 'measuring');
      expect(measuring).toHaveLength(5);
      for (const i of measuring) {
        expect(i.measuringUntil).toBe('2026-05-27');
        expect(i.before).toEqual({ from: '2026-04-26', to: '2026-05-09' });
        expect(i.after).toEqual({ from: '2026-05-11', to: '2026-05-24' });
        expect(i.effects).toEqual([]);
      }
      expect((await item(ids.insight)).state).toBe('not_measurable');

      // One day short of settled: still measuring.
      clock = new Date('2026-05-26T23:00:00Z');
      await impact.measureNow();
      expect((await item(ids.good)).state).toBe('measuring');

      clock = new Date('2026-05-27T06:00:00Z');
      const summary = await impact.measureNow();
      expect(summary.byState).toMatchObject({ measured: 4, insufficient_data: 1 });

      const good = await item(ids.good);
      expect(good).toMatchObject({
        state: 'measured',
        cohort: 'rule',
        appliedBy: 'rule:budget-rule v2',
        targetMetric: 'sales',
        verdict: 'improved',
      });
      // B1..B3 and the held-back H1; not E1 (another currency), not the changed C2 and C3.
      expect(good.baselineCampaigns).toBe(4);
      const sales = good.effects[0];
      expect(sales?.metric).toBe('sales');
      expect(sales?.lower).toBeLessThanOrEqual(80);
      expect(sales?.upper).toBeGreaterThanOrEqual(80);
      expect(sales?.lower).toBeGreaterThan(0);
      expect(good.promised).toEqual([{ metric: 'missed sales', lower: 400, upper: 600, unit: 'USD', periodDays: 7 }]);
      expect(good.promisedTotal).toBeCloseTo(1000, 6);
      expect(good.realisedTotal).toBeCloseTo((sales?.estimate ?? 0) * 14, 4);

      for (const id of [ids.bad1, ids.bad2]) {
        const bad = await item(id);
        expect(bad).toMatchObject({ state: 'measured', cohort: 'person', appliedBy: 'ann@agency.example', verdict: 'worsened' });
        expect(bad.effects[0]?.upper).toBeLessThan(0);
      }
      expect(await item(ids.lonely)).toMatchObject({ state: 'insufficient_data', baselineCampaigns: 0 });
      // The lifecycle's last step: measured items are `measured` (undo still offered), the rest stay `applied`.
      for (const id of [ids.good, ids.bad1, ids.bad2]) expect((await store.getRow(id))?.status).toBe('measured');
      expect((await store.getRow(ids.lonely))?.status).toBe('applied');
      const events = (await bff.http.get(`/api/recommendations/${ids.good}/history`).expect(200)).body.events;
      expect(events.at(-1)).toMatchObject({
        from: 'applied',
        to: 'measured',
        reason: 'measured: sales improved',
        actor: { type: 'system', id: 'impact' },
      });
      const audit = (await bff.http.get('/api/audit?action=recommendation.measured').expect(200)).body.items;
      expect(audit.map((e: { targetId: string }) => e.targetId).sort()).toEqual([ids.good, ids.bad1, ids.bad2].sort());
      const control = await item(ids.held);
      expect(control).toMatchObject({ state: 'measured', cohort: 'control', verdict: 'no_change' });
      expect(control.appliedBy).toMatch(/held back as control/);
      expect(control.effects[0]?.lower).toBeLessThanOrEqual(0);
      expect(control.effects[0]?.upper).toBeGreaterThanOrEqual(0);

      // Aggregates add up: per source and kind over all advertisers = the sum of the per-advertiser rows = the items.
      all = await list();
      const measured = all.items.filter((i) => i.state === 'measured' && i.cohort !== 'control');
      expect(all.aggregates.reduce((n, a) => n + a.measured, 0)).toBe(measured.length);
      expect(all.aggregates.reduce((n, a) => n + a.improved, 0)).toBe(measured.filter((i) => i.verdict === 'improved').length);
      const perAdvertiser = [...(await list('?advertiserId=ADV1')).aggregates, ...(await list('?advertiserId=ADV2')).aggregates];
      for (const total of all.aggregates) {
        const parts = perAdvertiser.filter((a) => a.source === total.source && a.kind === total.kind);
        for (const field of ['applied', 'decided', 'measured', 'improved'] as const)
          expect(parts.reduce((n, a) => n + a[field], 0)).toBe(total[field]);
      }
      const spBudget = all.aggregates.find((a) => a.source === 'sp-budget' && a.kind === 'budget');
      expect(spBudget).toMatchObject({
        applied: 2,
        decided: 2,
        shareApplied: 1,
        measured: 1,
        improved: 1,
        shareImproved: 1,
        promisedTotal: 1000,
        controlMeasured: 1,
        controlImproved: 0,
      });
      expect((await list('?cohort=control')).items.map((i) => i.recommendationId)).toEqual([ids.held]);
      const unified = all.aggregates.find((a) => a.source === 'unified-recommendations' && a.kind === 'budget');
      expect(unified).toMatchObject({ applied: 2, measured: 2, improved: 0, worsened: 2, shareImproved: 0 });
      // The open item is not decided: 2 applied of 2 decided.
      expect(unified?.decided).toBe(2);

      // The feedback loop: the source that lost sales weighs less, the one that paid off more.
      expect(unified?.priorityFactor).toBeLessThan(1);
      expect(spBudget?.priorityFactor).toBeGreaterThan(1);
      expect((await store.getRow(openId))?.priority as number).toBeLessThan(openBefore);
      await store.upsertMany([budgetRaise('new-after', 'unified-recommendations', 'ADV1', 'C6')]);
      const newAfter = (await store.getRow(recommendationIdOf('unified-recommendations', 'new-after')))?.priority as number;
      expect(newAfter).toBeLessThan(openBefore);

      // Idempotent: measuring everything again changes nothing a reader sees.
      await impact.measureNow({ all: true });
      expect(await list()).toEqual(all);
    },
    BOUND_MS,
  );

  it(
    'refuses unknown query fields and bad ids, answers an applied item at once, 404 for unapplied and out-of-scope items',
    async () => {
      const ids = await seedWorld();
      await bff.http.get('/api/impact?colour=blue').expect(400);
      await bff.http.get('/api/impact?state=done').expect(400);
      await bff.http.get('/api/impact/not-a-uuid').expect(400);
      await bff.http.get(`/api/impact/${ids.good}?x=1`).expect(400);
      await bff.anonymous.get('/api/impact').expect(401);
      // Never applied: nothing to measure.
      await bff.runtime.store.upsertMany([budgetRaise('idle', 'sp-budget', 'ADV1', 'C7')]);
      await bff.http.get(`/api/impact/${recommendationIdOf('sp-budget', 'idle')}`).expect(404);
      await bff.http.get('/api/impact/6c1d0c6e-1b1e-4e8e-9d5a-0a1b2c3d4e5f').expect(404);

      // Applied, and no measurement has run since: the request measures, and the item is measuring until D.
      expect(await item(ids.good)).toMatchObject({ state: 'measuring', measuringUntil: '2026-05-27', cohort: 'rule' });
      await bff.runtime.auth.users.create({
        email: 'adv2-viewer@recdesk.test',
        password: 'adv2-viewer-password',
        role: 'viewer',
        allAdvertisers: false,
        advertiserIds: ['ADV2'],
      });
      const viewer = await bff.signIn('adv2-viewer@recdesk.test', 'adv2-viewer-password');
      await viewer.get(`/api/impact/${ids.good}`).expect(404);
      const seen = ImpactListSchema.parse((await viewer.get('/api/impact').expect(200)).body);
      expect(seen.items.map((i) => i.advertiserId)).toEqual(['ADV2']);
      expect(seen.aggregates.map((a) => [a.source, a.applied])).toEqual([['sp-budget', 1]]);
      expect((await list('?state=not_measurable&limit=10')).items.map((i) => i.recommendationId)).toEqual([ids.insight]);
    },
    BOUND_MS,
  );
});
