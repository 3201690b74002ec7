import { type AdvertiserPlan, AdvertiserPlanSchema, type RecommendationPage } from '@recdesk/shared-types';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { pgliteTarget } from '../testing/pglite-template.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';
import { PLAN_OVERLAPS } from './plan-service.ts';

vi.setConfig({ testTimeout: 120_000 });

let bff: TestBff;
beforeAll(async () => {
  bff = await startTestBff(pgliteTarget());
  for (const source of ['audience-insights', 'persona-builder', 'reach-forecasting']) {
    await bff.http.post(`/api/sync?source=${source}`).expect(200);
  }
}, 240_000);
afterAll(async () => {
  await bff?.close();
});

async function planOf(advertiserId: string): Promise<AdvertiserPlan> {
  return AdvertiserPlanSchema.parse((await bff.http.get(`/api/advertisers/${advertiserId}/plan`).expect(200)).body);
}

describe('the plan view of an advertiser', () => {
  it('shows, per profile, the persona, the top overlapping audiences best affinity first, and a reach curve', async () => {
    const state = bff.runtime.simulator?.state;
    const profile = state?.world.profiles[0];
    if (!state || !profile) throw new Error('no simulator');
    const plan = await planOf(profile.advertiser.entityId);
    const profiles = state.world.profiles.filter((p) => p.advertiser === profile.advertiser);
    expect(plan.profiles.map((p) => p.profileId).sort()).toEqual(profiles.map((p) => String(p.profileId)).sort());
    for (const view of plan.profiles) {
      expect(view.persona?.audienceName).toBe(`${profile.advertiser.brand} purchasers`);
      expect(view.persona?.categories.length).toBeGreaterThan(0);
      expect(view.overlaps.length).toBeGreaterThan(0);
      expect(view.overlaps.length).toBeLessThanOrEqual(PLAN_OVERLAPS);
      const affinities = view.overlaps.map((o) => o.affinity);
      expect(affinities).toEqual([...affinities].sort((a, b) => b - a));
      const points = view.forecast?.points ?? [];
      expect(points.length).toBeGreaterThan(3);
      for (let i = 1; i < points.length; i++) expect(points[i]?.reach).toBeGreaterThan(points[i - 1]?.reach ?? 0);
    }
  });

  it('leaves out an overlap a person dismissed', async () => {
    const profile = bff.runtime.simulator?.state.world.profiles[0];
    if (!profile) throw new Error('no profile');
    const before = await planOf(profile.advertiser.entityId);
    const top = before.profiles.find((p) => p.profileId === String(profile.profileId))?.overlaps[0];
    const page: RecommendationPage = (
      await bff.http.get('/api/recommendations').query({ source: 'audience-insights', limit: 500 }).expect(200)
    ).body;
    const item = page.items.find((i) => i.profileId === String(profile.profileId) && i.entity.targetId === top?.audienceId);
    if (!item) throw new Error('no overlap item');
    await bff.http.post(`/api/recommendations/${item.id}/dismiss`).send({ version: item.version, reason: 'not_relevant' }).expect(200);
    const after = await planOf(profile.advertiser.entityId);
    const overlaps = after.profiles.find((p) => p.profileId === String(profile.profileId))?.overlaps ?? [];
    expect(overlaps.map((o) => o.audienceId)).not.toContain(top?.audienceId);
  });
});
