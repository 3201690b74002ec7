import { DEFAULT_CREDENTIALS } from '@recdesk/ads-simulator/state';
import type { ActionableRecommendation, RecommendationPage, SyncSummary } from '@recdesk/shared-types';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { databaseTargets } from '../../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../../testing/test-runtime.ts';

// PGlite starts slowly on a loaded machine; these tests make real HTTP calls to the simulator and many queries.
vi.setConfig({ testTimeout: 120_000 });

async function forecastItems(bff: TestBff): Promise<ActionableRecommendation[]> {
  const page: RecommendationPage = (
    await bff.http.get('/api/recommendations').query({ source: 'reach-forecasting', limit: 500 }).expect(200)
  ).body;
  return page.items as ActionableRecommendation[];
}

describe.each(databaseTargets)('Reach Forecasting sync on $name', ({ create }) => {
  let bff: TestBff | undefined;
  afterEach(async () => {
    await bff?.close();
    bff = undefined;
  });

  it('asks one forecast per profile and keeps one strategic insight each, replaced (not piled up) on the next sync', async () => {
    bff = await startTestBff(await create());
    const state = bff.runtime.simulator?.state;
    if (!state) throw new Error('no simulator');
    const summary: SyncSummary = (await bff.http.post('/api/sync?source=reach-forecasting').expect(200)).body;
    expect(summary.sources[0]).toMatchObject({
      source: 'reach-forecasting',
      status: 'succeeded',
      quarantined: 0,
      stored: state.world.profiles.length,
    });

    const calls = state.requestLog.filter((r) => r.method === 'POST' && r.path.endsWith('/mediaPlan/v1/reachForecasts'));
    expect(calls).toHaveLength(state.world.profiles.length);
    for (const call of calls) {
      expect(call.headers).toMatchObject({
        'content-type': 'application/json',
        'amazon-advertising-api-clientid': DEFAULT_CREDENTIALS.clientId,
      });
      expect(call.headers['amazon-advertising-api-scope']).toMatch(/^\d+$/);
    }

    const items = await forecastItems(bff);
    expect(items).toHaveLength(state.world.profiles.length);
    for (const item of items) {
      expect(item).toMatchObject({ kind: 'strategic', goal: 'strategic', applicable: false, freshness: 'fresh' });
      expect(item.title).toMatch(/over 30 days reaches [\d,]+ households, \d+% more than/);
      expect(item.actions.approve.allowed).toBe(false);
      expect(item.actions.acknowledge.allowed).toBe(true);
      // Diminishing returns, as the simulated world forecasts: more budget reaches more, but less than in proportion.
      const [, gain] = item.title.match(/households, (\d+)% more than/) ?? [];
      expect(Number(gain)).toBeGreaterThan(0);
      expect(Number(gain)).toBeLessThan(100);
      const detail = (await bff.http.get(`/api/recommendations/${item.id}`).expect(200)).body as {
        raw: { forecast: { dataPoints: unknown[] } };
      };
      expect(detail.raw.forecast.dataPoints.length).toBeGreaterThan(3);
    }

    await bff.http.post('/api/sync?source=reach-forecasting').expect(200);
    expect(await forecastItems(bff)).toHaveLength(state.world.profiles.length);
  });

  it('quarantines a forecast upstream refused and keeps the others', async () => {
    bff = await startTestBff(await create());
    const simulator = bff.runtime.simulator;
    if (!simulator) throw new Error('no simulator');
    const refusedProfile = simulator.state.world.profiles[0];
    const { http, HttpResponse } = await import('msw');
    simulator.use(
      http.post('*/mediaPlan/v1/reachForecasts', ({ request }) =>
        request.headers.get('amazon-advertising-api-scope') === String(refusedProfile?.profileId)
          ? HttpResponse.json(
              { success: [], error: [{ index: 0, error: { code: 'TARGETING_TOO_NARROW', message: 'Too narrow' } }] },
              { status: 207 },
            )
          : undefined,
      ),
    );
    const summary: SyncSummary = (await bff.http.post('/api/sync?source=reach-forecasting').expect(200)).body;
    expect(summary.sources[0]).toMatchObject({ status: 'succeeded', quarantined: 1, stored: simulator.state.world.profiles.length - 1 });
    const quarantine = (await bff.http.get('/api/sources/reach-forecasting/quarantine').expect(200)).body;
    expect(quarantine.items).toEqual([expect.objectContaining({ reason: 'forecast refused: TARGETING_TOO_NARROW Too narrow' })]);
  });
});
