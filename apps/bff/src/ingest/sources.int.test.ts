import type { SourceStatus, SourcesResponse } from '@recdesk/shared-types';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';

// PGlite starts slowly on a loaded machine; these tests make real HTTP calls to the simulator and many queries.
vi.setConfig({ testTimeout: 120_000 });

const HOUR = 3_600_000;

/** No schedule here fires by itself during a test: each is set to midnight on 1 January. */
const QUIET_SCHEDULES = {
  INGEST_SCHEDULE_PARTNER_OPPORTUNITIES: '0 0 1 1 *',
  INGEST_SCHEDULE_UNIFIED_RECOMMENDATIONS: '0 0 1 1 *',
  INGEST_SCHEDULE_BRAND_METRICS: 'off',
};

/** Read through the service: once the test moves the clock by days, an HTTP session would have ended. */
async function statusOf(bff: TestBff, source: string): Promise<SourceStatus> {
  const body: SourcesResponse = await bff.runtime.sourceStatus.list();
  const status = body.sources.find((s) => s.source === source);
  if (!status) throw new Error(`${source} is not listed`);
  return status;
}

describe.each(databaseTargets)('source status and scheduling on $name', ({ create }) => {
  let bff: TestBff | undefined;
  afterEach(async () => {
    await bff?.close();
    bff = undefined;
  });

  it('reports freshness from the last successful run against the policy, next runs, counts and the last error', async () => {
    // A clock the test moves: freshness and next runs are read from it.
    let now = new Date();
    bff = await startTestBff(await create(), QUIET_SCHEDULES, { now: () => now });

    const listed: SourcesResponse = (await bff.http.get('/api/sources').expect(200)).body;
    expect(listed.sources.map((s) => s.source)).toContain('unified-recommendations');
    const before = await statusOf(bff, 'unified-recommendations');
    expect(before).toMatchObject({
      enabled: true,
      delivery: 'scheduled',
      schedule: '0 0 1 1 *',
      lastRun: null,
      lastSuccessAt: null,
      freshness: 'stale',
    });
    expect(before.nextRunAt).toBe(new Date(Date.UTC(now.getUTCFullYear() + 1, 0, 1)).toISOString());
    expect(await statusOf(bff, 'brand-metrics')).toMatchObject({ enabled: false, schedule: null, nextRunAt: null });

    await bff.http.post('/api/sync?source=unified-recommendations').expect(200);
    const after = await statusOf(bff, 'unified-recommendations');
    const total = bff.runtime.simulator?.state.unifiedRecommendations.length;
    expect(after).toMatchObject({
      freshness: 'fresh',
      lastRun: { trigger: 'api', status: 'succeeded', stored: total },
      counts: { recommendations: total, runs: 1 },
      lastError: null,
      quarantined: 0,
    });

    const policy = after.freshnessPolicy;
    now = new Date(now.getTime() + policy.freshForMs + HOUR);
    expect((await statusOf(bff, 'unified-recommendations')).freshness).toBe('aging');
    now = new Date(now.getTime() + policy.staleAfterMs);
    expect((await statusOf(bff, 'unified-recommendations')).freshness).toBe('stale');

    // A failing run is reported as the last error, and freshness still counts from the last success.
    const { http, HttpResponse } = await import('msw');
    bff.runtime.simulator?.use(
      http.post('*/recommendations/list', () => HttpResponse.json({ code: '400', message: 'Bad filter' }, { status: 400 })),
    );
    await bff.runtime.sync.sync({ source: 'unified-recommendations', trigger: 'api' });
    const failed = await statusOf(bff, 'unified-recommendations');
    expect(failed).toMatchObject({
      lastRun: { status: 'failed' },
      lastError: { message: expect.stringContaining('Bad filter') },
      freshness: 'stale',
    });
    expect(failed.lastSuccessAt).toBe(after.lastSuccessAt);
  });

  it('runs a source when its schedule fires, on its own, beside the others', async () => {
    bff = await startTestBff(await create(), QUIET_SCHEDULES);
    const { scheduler } = bff.runtime;
    scheduler.start();
    await scheduler.trigger('unified-recommendations');
    const runs = await bff.runtime.db.selectFrom('ingestion_runs').select(['source', 'trigger', 'status']).execute();
    expect(runs).toEqual([{ source: 'unified-recommendations', trigger: 'schedule', status: 'succeeded' }]);
    expect(await statusOf(bff, 'unified-recommendations')).toMatchObject({ lastRun: { trigger: 'schedule' }, freshness: 'fresh' });
    // Partner Opportunities never ran: its own schedule has not fired.
    expect(await statusOf(bff, 'partner-opportunities')).toMatchObject({ lastRun: null, freshness: 'stale' });
  });

  it('runs a single source beside an unrelated sync under way, and joins a request for the same source', async () => {
    bff = await startTestBff(await create(), QUIET_SCHEDULES);
    const other = bff.runtime.sync.sync({ source: 'partner-opportunities', trigger: 'api' });
    const single = bff.runtime.sync.sync({ source: 'unified-recommendations', trigger: 'schedule' });
    expect(single).not.toBe(other);
    expect(bff.runtime.sync.sync({ source: 'unified-recommendations', trigger: 'schedule' })).toBe(single);
    const [otherSummary, singleSummary] = await Promise.all([other, single]);
    expect(otherSummary.sources.map((s) => s.source)).toEqual(['partner-opportunities']);
    expect(singleSummary.sources).toEqual([expect.objectContaining({ source: 'unified-recommendations', status: 'succeeded' })]);
    const runs = await bff.runtime.db.selectFrom('ingestion_runs').select(['source', 'trigger']).orderBy('source').execute();
    expect(runs).toEqual([
      { source: 'partner-opportunities', trigger: 'api' },
      { source: 'unified-recommendations', trigger: 'schedule' },
    ]);
  });

  it('answers the quarantine of an unknown source with a problem', async () => {
    bff = await startTestBff(await create(), QUIET_SCHEDULES);
    await bff.http.get('/api/sources/nope/quarantine').expect(400);
    await bff.http.get('/api/sources/partner-opportunities/quarantine?limit=0').expect(400);
    expect((await bff.http.get('/api/sources/partner-opportunities/quarantine').expect(200)).body).toEqual({
      source: 'partner-opportunities',
      total: 0,
      items: [],
    });
  });
});
