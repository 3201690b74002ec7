import { DEFAULT_CREDENTIALS } from '@recdesk/ads-simulator/state';
import type { ActionableRecommendation, RecommendationPage, SourcesResponse, SyncSummary } from '@recdesk/shared-types';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { databaseTargets } from '../../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../../testing/test-runtime.ts';
import { MINIMUM_AFFINITY, OVERLAP_MEDIA_TYPE } from './ai-api.ts';
import { affinityOf } from './ai-normalise.ts';

// PGlite starts slowly on a loaded machine; these tests make real HTTP calls to the simulator and many queries.
vi.setConfig({ testTimeout: 120_000 });

async function insightItems(bff: TestBff): Promise<ActionableRecommendation[]> {
  const page: RecommendationPage = (
    await bff.http.get('/api/recommendations').query({ source: 'audience-insights', limit: 500 }).expect(200)
  ).body;
  return page.items as ActionableRecommendation[];
}

/** The overlaps the simulator's world holds at or above the minimum affinity, for every profile's own audience. */
async function expectedOverlaps(bff: TestBff): Promise<number> {
  const { overlapsOf } = await import('@recdesk/ads-simulator/audiences');
  const state = bff.runtime.simulator?.state;
  if (!state) throw new Error('no simulator');
  // One audience of its own customers per profile.
  return state.audiences
    .filter((a) => a.profileId !== null)
    .flatMap((seed) => overlapsOf(seed, state.audiences, state.brandMetrics))
    .filter((o) => o.affinity >= MINIMUM_AFFINITY).length;
}

describe.each(databaseTargets)('Audience Insights sync on $name', ({ create }) => {
  let bff: TestBff | undefined;
  afterEach(async () => {
    await bff?.close();
    bff = undefined;
  });

  it('reads each profile’s own audience and its overlaps into growth-lane insights: no Approve, folded on the next sync', async () => {
    bff = await startTestBff(await create());
    const state = bff.runtime.simulator?.state;
    if (!state) throw new Error('no simulator');
    const expected = await expectedOverlaps(bff);
    expect(expected).toBeGreaterThan(0);

    const summary: SyncSummary = (await bff.http.post('/api/sync?source=audience-insights').expect(200)).body;
    expect(summary.sources[0]).toMatchObject({ source: 'audience-insights', status: 'succeeded', quarantined: 0, stored: expected });

    const lists = state.requestLog.filter((r) => r.method === 'POST' && r.path.endsWith('/audiences/list'));
    expect(lists.length).toBe(state.world.profiles.length);
    for (const call of lists) {
      expect(call.headers).toMatchObject({
        'content-type': 'application/json',
        accept: 'application/json',
        'amazon-advertising-api-clientid': DEFAULT_CREDENTIALS.clientId,
      });
      expect(call.search).toMatch(/advertiserId=ENTITY/);
    }
    const overlaps = state.requestLog.filter((r) => r.path.includes('/overlappingAudiences'));
    expect(overlaps.length).toBeGreaterThanOrEqual(state.world.profiles.length);
    for (const call of overlaps) {
      expect(call.headers).toMatchObject({ accept: OVERLAP_MEDIA_TYPE, 'amazon-advertising-api-clientid': DEFAULT_CREDENTIALS.clientId });
      expect(call.headers['amazon-advertising-api-scope']).toMatch(/^\d+$/);
      expect(call.search).toMatch(/adType=DSP/);
    }

    const items = await insightItems(bff);
    expect(items).toHaveLength(expected);
    for (const item of items) {
      expect(item).toMatchObject({ kind: 'audience', goal: 'growth', applicable: false, action: { type: 'insight' } });
      expect(item.advertiserName).toBeTruthy();
      expect(item.description).toMatch(/times as likely as the average Amazon shopper/);
      expect(item.freshness).toBe('fresh');
      expect(item.actions.approve.allowed).toBe(false);
      expect(item.actions.acknowledge.allowed).toBe(true);
      expect(item.actions.dismiss.allowed).toBe(true);
      expect(affinityOf(item)).toBeGreaterThanOrEqual(MINIMUM_AFFINITY);
    }
    const growth: RecommendationPage = (
      await bff.http.get('/api/recommendations').query({ goal: 'growth', source: 'audience-insights', limit: 500 }).expect(200)
    ).body;
    expect(growth.items).toHaveLength(expected);

    // The same overlaps at the next sync update the items in place.
    const again: SyncSummary = (await bff.http.post('/api/sync?source=audience-insights').expect(200)).body;
    expect(again.sources[0]).toMatchObject({ status: 'succeeded' });
    expect(await insightItems(bff)).toHaveLength(expected);

    // The status page lists the source with its freshness.
    const sources: SourcesResponse = (await bff.http.get('/api/sources').expect(200)).body;
    expect(sources.sources.find((s) => s.source === 'audience-insights')).toMatchObject({
      enabled: true,
      freshness: 'fresh',
      lastRun: { status: 'succeeded' },
    });
  });

  it('quarantines a malformed overlap and keeps the others', async () => {
    bff = await startTestBff(await create());
    const state = bff.runtime.simulator?.state;
    if (!state) throw new Error('no simulator');
    const before = await expectedOverlaps(bff);
    // An audience upstream sends without a name: every overlap with it is malformed, the others are not.
    const broken = state.audiences.find((a) => a.category === 'Lifestyle');
    if (!broken) throw new Error('no lifestyle audience');
    const { overlapsOf } = await import('@recdesk/ads-simulator/audiences');
    const malformed = state.audiences
      .filter((a) => a.profileId !== null)
      .flatMap((seed) => overlapsOf(seed, state.audiences, state.brandMetrics))
      .filter((o) => o.audience === broken && o.affinity >= MINIMUM_AFFINITY).length;
    expect(malformed).toBeGreaterThan(0);
    broken.audienceName = '';
    const summary: SyncSummary = (await bff.http.post('/api/sync?source=audience-insights').expect(200)).body;
    expect(summary.sources[0]).toMatchObject({ status: 'succeeded', quarantined: malformed, stored: before - malformed });
    const quarantine = (await bff.http.get('/api/sources/audience-insights/quarantine').expect(200)).body;
    expect(quarantine.items).toHaveLength(malformed);
    expect(quarantine.items[0]).toMatchObject({
      reason: expect.stringMatching(/^overlapping audience does not match the published schema/),
    });
  });

  it('a rule on audience.affinity previews and backtests with the overlaps above the threshold', async () => {
    bff = await startTestBff(await create());
    await bff.http.post('/api/sync?source=audience-insights').expect(200);
    const items = await insightItems(bff);
    const strong = items.filter((i) => (affinityOf(i) ?? 0) > 3).map((i) => i.id);
    expect(strong.length).toBeGreaterThan(0);
    expect(strong.length).toBeLessThan(items.length);

    const expression = "kind = 'audience' AND audience.affinity > 3";
    const scope = { advertiserIds: [], sources: ['audience-insights'] };
    const preview = (await bff.http.post('/api/rules/preview').send({ expression, scope }).expect(200)).body as {
      taken: unknown[];
      skipped: { recommendationId: string; trace: string }[];
    };
    // Insights are never applied, so a rule takes none: the matches are the ones it names as matched.
    expect(preview.taken).toEqual([]);
    const matched = preview.skipped.filter((d) => d.trace.includes('matched (')).map((d) => d.recommendationId);
    expect(matched.sort()).toEqual([...strong].sort());
    for (const decision of preview.skipped.filter((d) => strong.includes(d.recommendationId))) {
      expect(decision.trace).toMatch(/audienceAffinity \d+(\.\d+)? > 3\) but not applicable upstream/);
    }

    const rule = (await bff.http.post('/api/rules').send({ name: 'Strong overlaps', expression, scope, mode: 'shadow' }).expect(201)).body;
    const backtest = (await bff.http.post(`/api/rules/${rule.id}/backtest`).expect(200)).body;
    // The backtest decides through the same gate as the preview: an insight is never taken, however strong the match.
    expect(backtest).toMatchObject({ considered: items.length, wouldTake: 0 });
  });
});
