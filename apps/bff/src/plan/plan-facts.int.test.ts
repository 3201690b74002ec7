import { type AdvertiserPlan, AdvertiserPlanSchema } from '@recdesk/shared-types';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';

vi.setConfig({ testTimeout: 180_000 });

describe.each(databaseTargets)('the plan view’s benchmarks and persona facts on $name', ({ create }) => {
  let bff: TestBff | undefined;
  afterEach(async () => {
    await bff?.close();
    bff = undefined;
  });

  async function planOf(advertiserId: string): Promise<AdvertiserPlan> {
    return AdvertiserPlanSchema.parse((await bff?.http.get(`/api/advertisers/${advertiserId}/plan`).expect(200))?.body);
  }

  it('shows the brand’s funnel against its category, and the persona’s size, demographics and top audiences by name', async () => {
    bff = await startTestBff(await create(), { BRAND_METRICS_POLL_INTERVAL_MS: '5' });
    for (const source of ['persona-builder', 'brand-metrics', 'brand-benchmarks'])
      await bff.http.post(`/api/sync?source=${source}`).expect(200);
    const state = bff.runtime.simulator?.state;
    const home = state?.world.profiles[0];
    if (!state || !home) throw new Error('no simulator');
    const plan = await planOf(home.advertiser.entityId);
    const view = plan.profiles.find((p) => p.profileId === String(home.profileId));
    const records = state.brandMetrics.filter((r) => r.profileId === home.profileId);
    expect(view?.benchmarks?.map((b) => b.category).sort()).toEqual(records.map((r) => r.metadata.categoryNodeName).sort());
    for (const benchmarks of view?.benchmarks ?? []) {
      expect(benchmarks.brand).toBe(home.advertiser.brand);
      expect(benchmarks.metrics.map((m) => m.stage)).toEqual(expect.arrayContaining(['awareness', 'consideration', 'purchase']));
      const record = records.find((r) => r.metadata.categoryNodeName === benchmarks.category);
      const ccr = benchmarks.metrics.find((m) => m.key === 'customerConversionRate');
      expect(ccr?.value).toBeCloseTo(Number(record?.metrics.customerConversionRate), 4);
      expect(ccr?.p50).toBeCloseTo(Number(record?.metrics.customerConversionRateCategoryMedian), 4);
      for (const m of benchmarks.metrics) expect(m.p25 <= m.p50 && m.p50 <= m.p75 && m.p75 <= m.p90).toBe(true);
    }
    const facts = view?.personaFacts;
    expect(facts?.size?.min).toBeGreaterThan(0);
    expect(facts?.demographics.map((d) => d.dimension)).toEqual(['Age', 'Gender', 'Household income', 'Education']);
    const names = new Map(state.audiences.map((a) => [a.audienceId, a.audienceName]));
    expect(facts?.topAudiences.length).toBeGreaterThan(0);
    for (const audience of facts?.topAudiences ?? []) expect(audience.name).toBe(names.get(audience.audienceId));
    const affinities = facts?.topAudiences.map((a) => a.affinity) ?? [];
    expect(affinities).toEqual([...affinities].sort((a, b) => b - a));
    // A profile outside the advertiser's Brand View Pro marketplace has a persona but no benchmarks.
    const other = plan.profiles.find((p) => p.profileId !== String(home.profileId));
    if (other) expect(other.benchmarks).toEqual([]);
  });
});
