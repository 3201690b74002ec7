/**
 * Issue 15's second acceptance point through HTTP, on PGlite and the PostgreSQL server, against the simulator: a
 * person drafts a budget change from an advertiser's reach forecast; it is queued as an ordinary recommendation
 * (source `plan`, planned by them, the forecast attached), drafting it again folds into it, another value is refused;
 * it is approved, applied once through the apply path (the simulator's campaign has the new budget), and after the
 * simulated clock passes the measurement window the plan answers its measured impact beside its forecast. An audience
 * target is drafted too, and waits as a change RecDesk cannot write (no_writer).
 */
import {
  ItemImpactSchema,
  type PlanCampaigns,
  PlanCampaignsSchema,
  PlanDraftAnswerSchema,
  type PlanDraftBody,
  PlanDraftRawSchema,
  PlanDraftsSchema,
  RecommendationDetailSchema,
} from '@recdesk/shared-types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAST_CLIENT } from '../sources/shared/sp-test-helpers.ts';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, TEST_ADMIN, type TestBff } from '../testing/test-runtime.ts';

const BOUND_MS = 240_000;

describe.each(databaseTargets)('plan drafts on $name', ({ create }) => {
  let bff: TestBff;

  beforeEach(async () => {
    bff = await startTestBff(await create(), {
      ...FAST_CLIENT,
      IMPACT_JOB_SCHEDULE: 'off',
      PERFORMANCE_SYNC_SCHEDULE: 'off',
      PERFORMANCE_LOOKBACK_DAYS: '19',
      PERFORMANCE_REPORT_POLL_INTERVAL_MS: '5',
      SESSION_IDLE_HOURS: '720',
      SESSION_MAX_AGE_HOURS: '2000',
    });
  }, BOUND_MS);
  afterEach(async () => {
    await bff?.close();
  }, BOUND_MS);

  it(
    'drafts a budget change from a forecast, folds a second draft, applies it once and measures it beside its forecast',
    async () => {
      const { http, runtime } = bff;
      for (const source of ['audience-insights', 'persona-builder', 'reach-forecasting'])
        await http.post(`/api/sync?source=${source}`).send({}).expect(200);
      await http.post('/api/performance/sync').send({}).expect(200);
      const state = runtime.simulator?.state;
      if (!state) throw new Error('the test needs the embedded simulator');
      const profile = state.world.profiles[0];
      if (!profile) throw new Error('no profile');
      const advertiserId = profile.advertiser.entityId;
      const profileId = String(profile.profileId);

      const campaigns: PlanCampaigns = PlanCampaignsSchema.parse(
        (await http.get(`/api/advertisers/${advertiserId}/plan/campaigns`).expect(200)).body,
      );
      const listed = campaigns.profiles.find((p) => p.profileId === profileId);
      const campaign = listed?.campaigns.find((c) => c.adProduct === 'SP' && c.state === 'ENABLED');
      if (!listed || !campaign) throw new Error('no enabled SP campaign listed for the profile');
      const live = state.world.campaigns.find((c) => c.campaignId === campaign.campaignId);
      expect(campaign.dailyBudget).toBe(live?.dailyBudget);

      const plan = (await http.get(`/api/advertisers/${advertiserId}/plan`).expect(200)).body;
      const forecast = plan.profiles.find((p: { profileId: string }) => p.profileId === profileId)?.forecast;
      const to = Math.round(campaign.dailyBudget * 120) / 100;
      const body: PlanDraftBody = {
        forecast: { profileId, startDate: forecast.startDate, endDate: forecast.endDate, audienceIds: [] },
        change: { type: 'budget', campaignId: campaign.campaignId, dailyBudget: to },
        note: 'more reach before the holidays',
      };
      const drafted = PlanDraftAnswerSchema.parse(
        (await http.post(`/api/advertisers/${advertiserId}/plan/drafts`).send(body).expect(201)).body,
      );
      const item = drafted.item;
      expect(item).toMatchObject({ source: 'plan', kind: 'budget', status: 'validated', advertiserId, profileId });
      expect(item.action).toMatchObject({ type: 'set-budget', from: campaign.dailyBudget, to, direction: 'increase' });
      expect(item.title).toMatch(/^Plan: raise the daily budget of /);
      expect(item.description).toContain(`Planned by ${TEST_ADMIN.email} from a reach forecast`);
      expect(item.actions.approve.allowed).toBe(true);

      const detail = RecommendationDetailSchema.parse((await http.get(`/api/recommendations/${item.id}`).expect(200)).body);
      const raw = PlanDraftRawSchema.parse(detail.raw);
      expect(raw.plannedBy).toBe(TEST_ADMIN.email);
      expect(raw.forecast.inputs).toMatchObject({ profileId, startDate: forecast.startDate, endDate: forecast.endDate });
      expect(raw.forecast.planned.spend).toBeGreaterThan(raw.forecast.baseline.spend);
      expect(raw.forecast.planned.reach).toBeGreaterThanOrEqual(raw.forecast.baseline.reach);
      expect(raw.forecast.planned.impressions).toBeGreaterThan(raw.forecast.baseline.impressions);

      // The same change again folds into the pending item; another value for it is refused, naming the pending one.
      const again = PlanDraftAnswerSchema.parse(
        (await http.post(`/api/advertisers/${advertiserId}/plan/drafts`).send(body).expect(200)).body,
      );
      expect(again).toMatchObject({ folded: true, item: { id: item.id } });
      const other = await http
        .post(`/api/advertisers/${advertiserId}/plan/drafts`)
        .send({ ...body, change: { ...body.change, dailyBudget: to + 5 } })
        .expect(409);
      expect(other.body.pendingId).toBe(item.id);
      const pending = await runtime.db.selectFrom('recommendations').select('id').where('source', '=', 'plan').execute();
      expect(pending).toHaveLength(1);
      const audit = await runtime.db
        .selectFrom('audit_log')
        .select(['actor', 'target_id'])
        .where('action', '=', 'recommendation.planned')
        .execute();
      expect(audit).toEqual([
        { actor: TEST_ADMIN.email, target_id: item.id },
        { actor: TEST_ADMIN.email, target_id: item.id },
      ]);

      // A new audience target: queued like any change, but waiting for a hand in Amazon Ads (no SD target writer).
      const sd = listed.campaigns.find((c) => c.adProduct === 'SD');
      const audienceId = plan.profiles.find((p: { profileId: string }) => p.profileId === profileId)?.overlaps[0]?.audienceId;
      if (!sd || !audienceId) throw new Error('the profile has no SD campaign or no overlapping audience');
      {
        const audience = PlanDraftAnswerSchema.parse(
          (
            await http
              .post(`/api/advertisers/${advertiserId}/plan/drafts`)
              .send({ forecast: body.forecast, change: { type: 'audience', campaignId: sd.campaignId, audienceId } })
              .expect(201)
          ).body,
        );
        expect(audience.item).toMatchObject({ source: 'plan', kind: 'audience', goal: 'growth' });
        expect(audience.item.actions.approve).toMatchObject({ allowed: false, reason: 'no_writer' });
        const audienceRaw = PlanDraftRawSchema.parse(
          RecommendationDetailSchema.parse((await http.get(`/api/recommendations/${audience.item.id}`).expect(200)).body).raw,
        );
        expect(audienceRaw.forecast.inputs.audienceIds).toContain(audienceId);
      }

      // Approve and apply through the one apply path: the simulator's campaign gets the planned budget, once.
      await http.post(`/api/recommendations/${item.id}/approve`).send({ version: item.version }).expect(200);
      const accepted = (
        await http
          .post('/api/apply')
          .send({ ids: [item.id] })
          .expect(202)
      ).body;
      await runtime.apply.createWorker().sweep();
      const batch = (await http.get(`/api/apply/${accepted.batchId}`).expect(200)).body;
      expect(batch.counts.applied).toBe(1);
      expect(state.world.campaigns.find((c) => c.campaignId === campaign.campaignId)?.dailyBudget).toBe(to);

      // Past the window and the settle days: the measured impact, beside the forecast it was drafted from.
      const days = runtime.env.IMPACT_WINDOW_DAYS + runtime.env.IMPACT_ATTRIBUTION_SETTLE_DAYS + 1;
      await http.post('/api/simulator/clock').send({ advanceDays: days }).expect(200);
      await http.post('/api/performance/sync').send({}).expect(200);
      await runtime.impact.measureNow();
      const drafts = PlanDraftsSchema.parse((await http.get(`/api/advertisers/${advertiserId}/plan/drafts`).expect(200)).body);
      const measured = drafts.items.find((d) => d.item.id === item.id);
      expect(measured?.plan.forecast).toEqual(raw.forecast);
      expect(measured?.impact).toMatchObject({ recommendationId: item.id, state: 'measured', source: 'plan' });
      const impressions = measured?.impact?.effects.find((e) => e.metric === 'impressions');
      expect(impressions?.lower).toBeLessThanOrEqual(impressions?.estimate as number);
      expect(impressions?.upper).toBeGreaterThanOrEqual(impressions?.estimate as number);
      const impact = ItemImpactSchema.parse((await http.get(`/api/impact/${item.id}`).expect(200)).body);
      expect(impact.promised.map((p) => p.metric)).toEqual(['forecast impressions', 'forecast reach (households)']);
    },
    BOUND_MS * 2,
  );
});
