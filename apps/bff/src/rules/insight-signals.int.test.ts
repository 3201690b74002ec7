/**
 * Rules over the insight signals, end to end on the seeded world: `audience.affinity` (Audience Insights) and a brand
 * signal against its category benchmark (Brand Metrics and Brand Benchmarks). The expected matches are computed from
 * the simulator's data, not counted by hand: a preview must name exactly those items as matched. They are insights
 * (nothing to apply), so neither the preview nor a backtest over the stored history takes any of them.
 */
import { overlapsOf } from '@recdesk/ads-simulator/audiences';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { recommendationIdOf } from '../lifecycle/recommendation-store.ts';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';

vi.setConfig({ testTimeout: 180_000 });

interface PreviewDecision {
  recommendationId: string;
  trace: string;
}

/** The items whose condition matched (taken, or skipped only for what the gate adds: an insight is never applied). */
function matchedIds(preview: { taken: PreviewDecision[]; skipped: PreviewDecision[] }): string[] {
  return [...preview.taken, ...preview.skipped.filter((d) => /^draft (matched|skipped: matched)/.test(d.trace))]
    .map((d) => d.recommendationId)
    .sort();
}

describe.each(databaseTargets)('rules over insight signals on $name', ({ create }) => {
  let bff: TestBff | undefined;
  afterEach(async () => {
    await bff?.close();
    bff = undefined;
  });

  it('previews and backtests audience.affinity > 2.5 and a brand signal under its category median with the matches the world implies', async () => {
    // Brand Metrics reports polled a few ms apart: they are ready on the second poll.
    bff = await startTestBff(await create(), { BRAND_METRICS_POLL_INTERVAL_MS: '5' });
    const state = bff.runtime.simulator?.state;
    if (!state) throw new Error('no simulator');
    for (const source of ['audience-insights', 'brand-metrics', 'brand-benchmarks'])
      await bff.http.post(`/api/sync?source=${source}`).expect(200);
    const scope = { advertiserIds: [], sources: ['audience-insights'] };

    // affinity: every overlap of a profile's own audience above 2.5 (the source reads those of 2 and more).
    const highAffinity = state.world.profiles
      .flatMap((profile) => {
        const own = state.audiences.find((a) => a.profileId === profile.profileId);
        if (!own) return [];
        return overlapsOf(own, state.audiences, state.brandMetrics)
          .filter((o) => o.affinity > 2.5)
          .map((o) => recommendationIdOf('audience-insights', [profile.profileId, own.audienceId, o.audience.audienceId].join('|')));
      })
      .sort();
    expect(highAffinity.length).toBeGreaterThan(0);
    const affinityRule = "kind = 'audience' AND audience.affinity > 2.5";
    const affinityPreview = (await bff.http.post('/api/rules/preview').send({ expression: affinityRule, scope }).expect(200)).body;
    expect(matchedIds(affinityPreview)).toEqual(highAffinity);
    expect(affinityPreview.taken).toEqual([]);

    // Brand signal under the category median: the advertiser's first Brand Metrics row (its first profile, first
    // category, as rules read it), against the p50 of that category, which Brand Metrics' median equals.
    const firstProfileOf = new Map<string, number>();
    for (const p of state.world.profiles)
      if (!firstProfileOf.has(p.advertiser.entityId)) firstProfileOf.set(p.advertiser.entityId, p.profileId);
    const under = [...firstProfileOf].filter(([, profileId]) => {
      const [first] = state.brandMetrics
        .filter((r) => r.profileId === profileId)
        .sort(
          (a, b) =>
            a.metadata.categoryNodeTreeName.localeCompare(b.metadata.categoryNodeTreeName) ||
            a.metadata.categoryNodeName.localeCompare(b.metadata.categoryNodeName),
        );
      return first && Number(first.metrics.newToBrandCustomerRate) < Number(first.metrics.newToBrandCustomerRateCategoryMedian);
    });
    const underAdvertisers = new Set(under.map(([advertiserId]) => advertiserId));
    const inScope = (await bff.http.get('/api/recommendations').query({ source: 'audience-insights', limit: 500 }).expect(200)).body
      .items as {
      id: string;
      advertiserId: string;
    }[];
    const expectedUnder = inScope
      .filter((i) => underAdvertisers.has(i.advertiserId))
      .map((i) => i.id)
      .sort();
    // The world has brands on both sides of their median, so the rule is not trivially all or nothing.
    expect(underAdvertisers.size).toBeGreaterThan(0);
    expect(underAdvertisers.size).toBeLessThan(firstProfileOf.size);
    const benchmarkRule = 'advertiser.newToBrandCustomerRate < advertiser.category.newToBrandCustomerRate.p50';
    const benchmarkPreview = (await bff.http.post('/api/rules/preview').send({ expression: benchmarkRule, scope }).expect(200)).body;
    expect(matchedIds(benchmarkPreview)).toEqual(expectedUnder);
    expect(benchmarkPreview.skipped.find((d: PreviewDecision) => expectedUnder.includes(d.recommendationId))?.trace).toMatch(
      /newToBrandCustomerRate [\d.]+ < categoryNewToBrandCustomerRateP50 [\d.]+/,
    );

    expect(benchmarkPreview.taken).toEqual([]);

    // Backtests over the stored history go through the same gate: matched insights are still not taken
    // (`audience.affinity >= 2` matches every stored overlap, and took them all before the backtest used the gate).
    for (const expression of [affinityRule, benchmarkRule, 'audience.affinity >= 2']) {
      const rule = (await bff.http.post('/api/rules').send({ name: expression, expression, mode: 'shadow', scope }).expect(201)).body;
      const backtest = (await bff.http.post(`/api/rules/${rule.id}/backtest`).expect(200)).body;
      expect(backtest).toMatchObject({ considered: inScope.length, wouldTake: 0, outcomes: {} });
    }
  });
});
