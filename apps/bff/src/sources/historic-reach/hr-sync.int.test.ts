import { DEFAULT_CREDENTIALS } from '@recdesk/ads-simulator/state';
import type { ActionableRecommendation, RecommendationPage, SyncSummary } from '@recdesk/shared-types';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { databaseTargets } from '../../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../../testing/test-runtime.ts';
import { CURVE_DAYS, HISTORIC_REACH_PATH } from './hr-api.ts';

vi.setConfig({ testTimeout: 120_000 });
/** Polls a few ms apart: the simulator's curves are ready on the third status call. */
const ENV = { PERFORMANCE_REPORT_POLL_INTERVAL_MS: '5' };

async function reachItems(bff: TestBff): Promise<ActionableRecommendation[]> {
  const page: RecommendationPage = (await bff.http.get('/api/recommendations').query({ source: 'historic-reach', limit: 500 }).expect(200))
    .body;
  return page.items as ActionableRecommendation[];
}

describe.each(databaseTargets)('Historic Reach sync on $name', ({ create }) => {
  let bff: TestBff | undefined;
  afterEach(async () => {
    await bff?.close();
    bff = undefined;
  });

  it('makes one curve per profile as documented (headers, JSON both ways, limits), polled until COMPLETED, replaced on the next sync', async () => {
    bff = await startTestBff(await create(), ENV);
    const state = bff.runtime.simulator?.state;
    if (!state) throw new Error('no simulator');
    const summary: SyncSummary = (await bff.http.post('/api/sync?source=historic-reach').expect(200)).body;
    // Every simulated marketplace (US, UK as GB, DE) is a Historic Reach geography.
    expect(summary.sources[0]).toMatchObject({
      source: 'historic-reach',
      status: 'succeeded',
      quarantined: 0,
      stored: state.world.profiles.length,
    });
    const creates = state.requestLog.filter((r) => r.method === 'POST' && r.path.endsWith(HISTORIC_REACH_PATH));
    expect(creates).toHaveLength(state.world.profiles.length);
    for (const call of state.requestLog.filter((r) => r.path.includes(HISTORIC_REACH_PATH))) {
      const profile = state.world.profiles.find((p) => String(p.profileId) === call.headers['amazon-advertising-api-scope']);
      expect(call.headers).toMatchObject({
        accept: 'application/json',
        'amazon-advertising-api-clientid': DEFAULT_CREDENTIALS.clientId,
        'amazon-ads-accountid': profile?.advertiser.entityId,
      });
      if (call.method === 'POST') expect(call.headers['content-type']).toBe('application/json');
    }
    expect(state.requestLog.some((r) => r.path.endsWith('/status'))).toBe(true);
    const items = await reachItems(bff);
    expect(items).toHaveLength(state.world.profiles.length);
    for (const item of items) {
      expect(item).toMatchObject({ kind: 'strategic', goal: 'strategic', applicable: false, freshness: 'fresh' });
      expect(item.title).toMatch(/households of .+ purchasers were reachable on Streaming TV over 12 weeks$/);
      expect(item.actions.approve.allowed).toBe(false);
      const detail = (await bff.http.get(`/api/recommendations/${item.id}`).expect(200)).body as {
        raw: { request: { startDate: string; endDate: string }; dataPoints: { totalReach: number }[] };
      };
      const { startDate, endDate } = detail.raw.request;
      expect((Date.parse(endDate) - Date.parse(startDate)) / 86_400_000 + 1).toBe(CURVE_DAYS);
      expect(Date.parse(endDate)).toBeLessThanOrEqual(state.clock.now().getTime() - 7 * 86_400_000);
      const reach = detail.raw.dataPoints.map((p) => p.totalReach);
      expect(reach).toEqual([...reach].sort((a, b) => a - b));
    }
    await bff.http.post('/api/sync?source=historic-reach').expect(200);
    expect(await reachItems(bff)).toHaveLength(state.world.profiles.length);
  });

  it('quarantines a malformed data point and reports a failed curve after the other profiles', async () => {
    bff = await startTestBff(await create(), ENV);
    const state = bff.runtime.simulator?.state;
    if (!state) throw new Error('no simulator');
    const [failing, broken] = state.world.profiles;
    const { http, HttpResponse } = await import('msw');
    bff.runtime.simulator?.use(
      http.get('*/mediaPlan/v2/historicalReachCurves/:reportId/status', ({ request, params }) =>
        request.headers.get('amazon-advertising-api-scope') === String(failing?.profileId)
          ? HttpResponse.json({ status: 'FAILED', reportId: params.reportId, message: 'insufficient sample size' })
          : undefined,
      ),
      http.get('*/mediaPlan/v2/historicalReachCurves/:reportId', ({ request }) => {
        if (request.headers.get('amazon-advertising-api-scope') !== String(broken?.profileId)) return undefined;
        const point = (endDate: string, totalReach: unknown) => ({
          supplyPackage: 'STV',
          demographic: 'P2_PLUS',
          startDate: '2026-09-01',
          endDate,
          impressions: 90_000,
          totalReach,
          frequencyThresholdReach: [{ frequencyThreshold: 1, reach: 50_000 }],
          geography: 'US',
          reachType: 'HOUSEHOLDS',
        });
        return HttpResponse.json({ totalResults: 2, dataPoints: [point('2026-09-07', 'many'), point('2026-09-14', 50_000)] });
      }),
    );
    const summary: SyncSummary = (await bff.http.post('/api/sync?source=historic-reach').expect(200)).body;
    expect(summary.sources[0]).toMatchObject({ status: 'partial', quarantined: 1, stored: state.world.profiles.length - 1 });
  });
});
