import { DEFAULT_CREDENTIALS } from '@recdesk/ads-simulator/state';
import type { ActionableRecommendation, RecommendationPage, SyncSummary } from '@recdesk/shared-types';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { databaseTargets } from '../../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../../testing/test-runtime.ts';
import { TOP_CATEGORIES_INPUT, TOP_CATEGORIES_OUTPUT } from './pb-api.ts';

// PGlite starts slowly on a loaded machine; these tests make real HTTP calls to the simulator and many queries.
vi.setConfig({ testTimeout: 120_000 });

async function personaItems(bff: TestBff): Promise<ActionableRecommendation[]> {
  const page: RecommendationPage = (await bff.http.get('/api/recommendations').query({ source: 'persona-builder', limit: 500 }).expect(200))
    .body;
  return page.items as ActionableRecommendation[];
}

describe.each(databaseTargets)('Persona Builder sync on $name', ({ create }) => {
  let bff: TestBff | undefined;
  afterEach(async () => {
    await bff?.close();
    bff = undefined;
  });

  it('makes one persona per profile in the strategic lane, with the spec’s media types, replaced on the next sync', async () => {
    bff = await startTestBff(await create());
    const state = bff.runtime.simulator?.state;
    if (!state) throw new Error('no simulator');
    const summary: SyncSummary = (await bff.http.post('/api/sync?source=persona-builder').expect(200)).body;
    expect(summary.sources[0]).toMatchObject({
      source: 'persona-builder',
      status: 'succeeded',
      quarantined: 0,
      stored: state.world.profiles.length,
    });
    const calls = state.requestLog.filter((r) => r.path.endsWith('/insights/topCategoriesPurchased'));
    expect(calls).toHaveLength(state.world.profiles.length);
    for (const call of calls) {
      expect(call.headers).toMatchObject({
        'content-type': TOP_CATEGORIES_INPUT,
        accept: TOP_CATEGORIES_OUTPUT,
        'amazon-advertising-api-clientid': DEFAULT_CREDENTIALS.clientId,
      });
      expect(call.search).toMatch(/advertiserId=ENTITY/);
    }
    const items = await personaItems(bff);
    expect(items).toHaveLength(state.world.profiles.length);
    for (const item of items) {
      expect(item).toMatchObject({ kind: 'audience', goal: 'strategic', applicable: false, freshness: 'fresh' });
      expect(item.title).toMatch(/ purchasers \(\w\w\) also buy /);
      expect(item.actions.approve.allowed).toBe(false);
      expect(item.actions.dismiss.allowed).toBe(true);
      // The persona follows the world: the categories named are those the profile sells in (its Brand Metrics).
      const sold = state.brandMetrics.filter((r) => String(r.profileId) === item.profileId).map((r) => r.metadata.categoryNodeName);
      const detail = (await bff.http.get(`/api/recommendations/${item.id}`).expect(200)).body as {
        raw: { retailCategories: { path: { browseNodeName: string }[] }[] };
      };
      for (const category of detail.raw.retailCategories) expect(sold).toContain(category.path[0]?.browseNodeName);
    }
    await bff.http.post('/api/sync?source=persona-builder').expect(200);
    expect(await personaItems(bff)).toHaveLength(state.world.profiles.length);
  });

  it('quarantines a malformed category and makes the persona of the others', async () => {
    bff = await startTestBff(await create());
    const state = bff.runtime.simulator?.state;
    if (!state) throw new Error('no simulator');
    // A category upstream sends without a path in every persona that names it.
    const { topCategoriesOf } = await import('@recdesk/ads-simulator/audiences');
    const seed = state.audiences.find((a) => a.profileId === state.world.profiles[0]?.profileId);
    if (!seed) throw new Error('no audience');
    const first = topCategoriesOf(seed, state.brandMetrics)[0];
    const { http, HttpResponse } = await import('msw');
    bff.runtime.simulator?.use(
      http.post('*/insights/topCategoriesPurchased', ({ request }) =>
        request.headers.get('amazon-advertising-api-scope') === String(seed.profileId)
          ? HttpResponse.json(
              {
                retailCategories: [
                  { id: first?.id, name: first?.name, insightMetrics: { affinity: 3, overlapPercentage: 20 } },
                  { id: 'rc-ok', name: 'Aquarium', path: [], insightMetrics: { affinity: 2, overlapPercentage: 10 } },
                ],
              },
              { headers: { 'content-type': TOP_CATEGORIES_OUTPUT } },
            )
          : undefined,
      ),
    );
    const summary: SyncSummary = (await bff.http.post('/api/sync?source=persona-builder').expect(200)).body;
    expect(summary.sources[0]).toMatchObject({ status: 'succeeded', quarantined: 1, stored: state.world.profiles.length });
    const persona = (await personaItems(bff)).find((i) => i.profileId === String(seed.profileId));
    expect(persona?.title).toMatch(/also buy Aquarium \(2\.0×\)$/);
  });
});
