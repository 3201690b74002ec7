/**
 * Performance through HTTP on PGlite and the PostgreSQL server, against the embedded simulator: sync the reports,
 * apply a budget raise on a budget-capped campaign through the apply pipeline, advance the shared simulated clock,
 * sync again: the campaign's series shows the change as a marker on the day it was applied (who, what, values before
 * and after), and the numbers moved from the next day. Scope, validation and roles of the routes; a window is never
 * requested twice the same day.
 */
import type { SimulatorState } from '@recdesk/ads-simulator/state';
import {
  type PerformanceSeries,
  PerformanceSeriesSchema,
  type PerformanceSyncResult,
  PerformanceSyncResultSchema,
  SimulatorClockSchema,
} from '@recdesk/shared-types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { approveDirectly } from '../apply/apply-test-helpers.ts';
import { budgetChange } from '../lifecycle/recommendation-fixtures.ts';
import { recommendationIdOf } from '../lifecycle/recommendation-store.ts';
import { FAST_CLIENT, SP_TEST_TIMEOUT_MS } from '../sources/shared/sp-test-helpers.ts';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, TEST_ADMIN, type TestBff } from '../testing/test-runtime.ts';

const ENV = {
  ...FAST_CLIENT,
  PERFORMANCE_SYNC_SCHEDULE: 'off',
  PERFORMANCE_LOOKBACK_DAYS: '14',
  PERFORMANCE_REPORT_POLL_INTERVAL_MS: '5',
  IMPACT_JOB_SCHEDULE: 'off',
};
const DAY_MS = 86_400_000;
const day = (date: Date) => date.toISOString().slice(0, 10);
const addDays = (d: string, n: number) => day(new Date(Date.parse(`${d}T00:00:00Z`) + n * DAY_MS));

describe.each(databaseTargets)('performance on $name', ({ create }) => {
  let bff: TestBff;
  let state: SimulatorState;

  beforeEach(async () => {
    bff = await startTestBff(await create(), ENV);
    state = bff.runtime.simulator?.state as SimulatorState;
  }, SP_TEST_TIMEOUT_MS);
  afterEach(async () => {
    await bff?.close();
  });

  const sync = async (): Promise<PerformanceSyncResult> =>
    PerformanceSyncResultSchema.parse((await bff.http.post('/api/performance/sync').send({}).expect(200)).body);
  const series = async (query: string): Promise<PerformanceSeries> =>
    PerformanceSeriesSchema.parse((await bff.http.get(`/api/performance?${query}`).expect(200)).body);

  it(
    'shows an applied budget raise as a marker on its day, and the numbers move from the next day after the clock advances',
    async () => {
      const first = await sync();
      expect(first.errors).toEqual([]);
      expect(first.profiles).toBe(state.world.profiles.length);
      // One window per profile and report type (14 days fit in one; the clock advance below needs the look-back to reach the applied day), each requested once.
      expect(first.reportsRequested).toBe(state.world.profiles.length * 2);
      expect(first.reportsStored).toBe(first.reportsRequested);
      expect(first.rowsStored).toBeGreaterThan(0);
      expect(first.rowsQuarantined).toBe(0);
      const creates = () => state.requestLog.filter((r) => r.method === 'POST' && r.path.endsWith('/reporting/reports')).length;
      expect(creates()).toBe(first.reportsRequested);
      // The same day, nothing is requested again.
      const again = await sync();
      expect(again.reportsRequested + again.reportsReused).toBe(0);
      expect(creates()).toBe(first.reportsRequested);

      // The US campaign that spends the most of its budget: capped, so a raise lifts it.
      const today = day(bff.runtime.now());
      const us = state.world.profiles.find((p) => p.marketplace.code === 'US') as (typeof state.world.profiles)[number];
      let capped: { campaignId: string; utilisation: number } | null = null;
      for (const campaign of state.world.campaigns.filter((c) => c.profileId === us.profileId && c.state === 'ENABLED')) {
        const s = await series(`entity=campaign:${campaign.campaignId}&from=${addDays(today, -7)}&to=${addDays(today, -1)}`);
        const utilisation = s.days.reduce((sum, d) => sum + (d.budgetUtilization ?? 0), 0) / Math.max(1, s.days.length);
        if (!capped || utilisation > capped.utilisation) capped = { campaignId: campaign.campaignId, utilisation };
      }
      if (!capped) throw new Error('no enabled US campaign');
      expect(capped.utilisation).toBeGreaterThan(0.9);
      const campaign = state.world.campaigns.find((c) => c.campaignId === capped.campaignId) as (typeof state.world.campaigns)[number];
      const before = await series(`entity=campaign:${campaign.campaignId}`);
      expect(before.days.at(-1)?.date).toBe(addDays(today, -1));
      const sample = before.days.at(-1) as PerformanceSeries['days'][number];
      expect(sample.ctr).toBeCloseTo(sample.clicks / sample.impressions, 5);
      expect(sample.acos).toBeCloseTo(sample.cost / sample.sales, 5);
      expect(before.currency).toBe('USD');
      expect(before.markers).toEqual([]);

      // A budget raise through the apply pipeline.
      const oldBudget = campaign.dailyBudget;
      const newBudget = Math.round(oldBudget * 2);
      const now = bff.runtime.now();
      await bff.runtime.store.upsertMany([
        {
          ...budgetChange({
            id: 'perf-raise',
            source: 'sp-budget',
            advertiserId: us.advertiser.entityId,
            campaignId: campaign.campaignId,
            from: oldBudget,
            to: newBudget,
            generatedAt: now.toISOString(),
            expiresAt: new Date(now.getTime() + 7 * DAY_MS).toISOString(),
          }),
          profileId: String(us.profileId),
        },
      ]);
      const id = recommendationIdOf('sp-budget', 'perf-raise');
      await approveDirectly(bff.runtime, [id]);
      const { batchId } = (
        await bff.http
          .post('/api/apply')
          .send({ ids: [id] })
          .expect(202)
      ).body;
      await bff.runtime.apply.createWorker().sweep();
      expect((await bff.http.get(`/api/apply/${batchId}`).expect(200)).body.counts).toMatchObject({ applied: 1 });
      expect(campaign.dailyBudget).toBe(newBudget);

      // Ten days on: the clock moves for both, new days exist upstream, the sync stores them.
      const advanced = SimulatorClockSchema.parse((await bff.http.post('/api/simulator/clock').send({ advanceDays: 10 }).expect(200)).body);
      expect(advanced.offsetMs).toBe(10 * DAY_MS);
      expect(Math.abs(bff.runtime.now().getTime() - Date.parse(advanced.now))).toBeLessThan(60_000);
      expect(Math.abs(state.clock.now().getTime() - bff.runtime.now().getTime())).toBeLessThan(1_000);
      const later = await sync();
      expect(later.errors).toEqual([]);
      const after = await series(`entity=campaign:${campaign.campaignId}&from=${addDays(today, -7)}&to=${addDays(today, 9)}`);
      expect(after.days.at(-1)?.date).toBe(addDays(today, 9));

      // The marker: on the day it was applied, by whom, what, before and after.
      expect(after.markers).toHaveLength(1);
      expect(after.markers[0]).toMatchObject({
        date: today,
        recommendationId: id,
        appliedBy: TEST_ADMIN.email,
        source: 'sp-budget',
        kind: 'budget',
        field: 'dailyBudget',
        valueBefore: oldBudget,
        valueAfter: newBudget,
      });
      expect(after.markers[0]?.summary).toContain('→');

      // The applied day still ran on the old budget; from the next day the campaign buys more.
      const byDate = new Map(after.days.map((d) => [d.date, d]));
      const budgetOf = async (d: string) =>
        (await bff.runtime.performance.store.dailyFor([`campaign:${campaign.campaignId}`], d, d))[0]?.budget;
      expect(await budgetOf(today)).toBe(oldBudget);
      expect(await budgetOf(addDays(today, 1))).toBe(newBudget);
      const mean = (offsets: number[], pick: (d: PerformanceSeries['days'][number]) => number) =>
        offsets.reduce((sum, o) => sum + pick(byDate.get(addDays(today, o)) as PerformanceSeries['days'][number]), 0) / offsets.length;
      const beforeDays = [-7, -6, -5, -4, -3, -2, -1];
      const afterDays = [1, 2, 3, 4, 5, 6, 7];
      expect(mean(afterDays, (d) => d.impressions)).toBeGreaterThan(mean(beforeDays, (d) => d.impressions) * 1.15);
      expect(mean(afterDays, (d) => d.cost)).toBeGreaterThan(mean(beforeDays, (d) => d.cost) * 1.15);

      // An undo is a change too: its own marker, on its own day.
      const undo = (await bff.http.post('/api/undo').send({ batchId }).expect(202)).body;
      await bff.runtime.apply.createWorker().sweep();
      expect((await bff.http.get(`/api/apply/${undo.batchId}`).expect(200)).body.counts).toMatchObject({ applied: 1 });
      const undone = await series(`entity=campaign:${campaign.campaignId}&from=${today}&to=${addDays(today, 10)}`);
      expect(undone.markers).toHaveLength(2);
      expect(undone.markers[1]).toMatchObject({ date: addDays(today, 10), valueBefore: newBudget, valueAfter: oldBudget });
      expect(undone.markers[1]?.summary).toMatch(/^Undone: /);

      // The read API for other components.
      const campaigns = await bff.runtime.performance.store.campaignsOf(us.advertiser.entityId);
      expect(campaigns.map((c) => c.campaignId)).toContain(campaign.campaignId);
    },
    SP_TEST_TIMEOUT_MS,
  );

  it(
    'answers 404 out of scope and for unknown entities, 400 on unknown or bad query fields, and keeps sync and the clock to their roles',
    async () => {
      await sync();
      const campaign = state.world.campaigns.find((c) => c.state === 'ENABLED') as (typeof state.world.campaigns)[number];
      const key = `campaign:${campaign.campaignId}`;
      const s = await series(`entity=${key}&metrics=clicks,cost,acos`);
      // Derived metrics not asked for are null; those asked for and the measured ones are there.
      expect(s.days.some((d) => d.clicks > 0 && d.impressions > 0 && d.acos !== null)).toBe(true);
      expect(s.days.every((d) => d.ctr === null && d.cpc === null && d.budgetUtilization === null)).toBe(true);

      await bff.http.get(`/api/performance?entity=${key}&color=blue`).expect(400);
      await bff.http.get('/api/performance?entity=campaign').expect(400);
      await bff.http.get(`/api/performance?entity=${key}&metrics=clicks,bogus`).expect(400);
      await bff.http.get(`/api/performance?entity=${key}&from=2026-13-01`).expect(400);
      await bff.http.get('/api/performance?entity=campaign:999999999').expect(404);
      await bff.anonymous.get(`/api/performance?entity=${key}`).expect(401);
      await bff.http.post('/api/simulator/clock').send({ advanceDays: -1 }).expect(400);
      await bff.http.post('/api/simulator/clock').send({ advanceDays: 1, sideways: true }).expect(400);

      await bff.runtime.auth.users.create({
        email: 'scoped@recdesk.test',
        password: 'scoped-viewer-password',
        role: 'viewer',
        allAdvertisers: false,
        advertiserIds: ['SOME-OTHER-ADVERTISER'],
      });
      const viewer = await bff.signIn('scoped@recdesk.test', 'scoped-viewer-password');
      await viewer.get(`/api/performance?entity=${key}`).expect(404);
      await viewer.post('/api/performance/sync').send({}).expect(403);
      await viewer.get('/api/simulator/clock').expect(403);
      await viewer.post('/api/simulator/clock').send({ advanceDays: 1 }).expect(403);
      SimulatorClockSchema.parse((await bff.http.get('/api/simulator/clock').expect(200)).body);
    },
    SP_TEST_TIMEOUT_MS,
  );
});
