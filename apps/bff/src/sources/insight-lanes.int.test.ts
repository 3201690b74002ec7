/**
 * The insight services after one full sync, as a person finds them: Audience Insights in the growth lane, Reach
 * Forecasting, Persona Builder, Brand Benchmarks and Historic Reach in the strategic lane, each with freshness, an explanation and no Approve; each on
 * the status page; and the changes waiting for a decision still lead the queue (insights never crowd them out).
 */
import type { ActionableRecommendation, RecommendationPage, SourcesResponse, SyncSummary } from '@recdesk/shared-types';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { pgliteTarget } from '../testing/pglite-template.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';

vi.setConfig({ testTimeout: 240_000 });

const INSIGHT_SOURCES = {
  'audience-insights': 'growth',
  'reach-forecasting': 'strategic',
  'persona-builder': 'strategic',
  'brand-benchmarks': 'strategic',
  'historic-reach': 'strategic',
} as const;

let bff: TestBff;
beforeAll(async () => {
  bff = await startTestBff(pgliteTarget(), { BRAND_METRICS_POLL_INTERVAL_MS: '1' });
  const summary: SyncSummary = (await bff.http.post('/api/sync').expect(200)).body;
  expect(summary.sources.filter((s) => s.status !== 'succeeded')).toEqual([]);
}, 240_000);
afterAll(async () => {
  await bff?.close();
});

async function lane(goal: string): Promise<ActionableRecommendation[]> {
  const page: RecommendationPage = (await bff.http.get('/api/recommendations').query({ goal, limit: 500 }).expect(200)).body;
  return page.items as ActionableRecommendation[];
}

describe('insight services after a full sync', () => {
  it.each(Object.entries(INSIGHT_SOURCES))(
    '%s is in the %s lane: fresh, explained, acknowledge or dismiss, never Approve',
    async (source, goal) => {
      const items = (await lane(goal)).filter((i) => i.source === source);
      expect(items.length).toBeGreaterThan(0);
      for (const item of items) {
        expect(item).toMatchObject({ applicable: false, freshness: 'fresh' });
        expect(item.description?.length).toBeGreaterThan(40);
        expect(item.advertiserName).toBeTruthy();
        expect(item.actions.approve.allowed).toBe(false);
        expect(item.actions.acknowledge.allowed).toBe(true);
        expect(item.actions.dismiss.allowed).toBe(true);
      }
    },
  );

  it('lists each insight service on the status page with its freshness', async () => {
    const { sources }: SourcesResponse = (await bff.http.get('/api/sources').expect(200)).body;
    for (const source of Object.keys(INSIGHT_SOURCES)) {
      expect(sources.find((s) => s.source === source)).toMatchObject({
        enabled: true,
        freshness: 'fresh',
        lastRun: { status: 'succeeded' },
      });
    }
  });

  it('leaves the top of the queue by priority to changes a person can approve', async () => {
    const page: RecommendationPage = (
      await bff.http
        .get('/api/recommendations')
        .query({ status: 'validated', conflicted: 'false', sort: 'priority', limit: 25 })
        .expect(200)
    ).body;
    const insights = page.items.filter((i) => i.source in INSIGHT_SOURCES);
    expect(insights).toEqual([]);
  });
});
