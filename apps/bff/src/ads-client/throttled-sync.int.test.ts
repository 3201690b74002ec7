/**
 * A full sync through an upstream that throttles 30% of calls (429 with Retry-After) and fails 5% (503): it must
 * finish with exactly what a clean sync stores, no attempt may come before its Retry-After has passed, and no call
 * may take more than the bounded number of attempts. Timing is checked from the simulator's request log (arrival
 * timestamps), never from the test's wall clock. The access token also expires mid-sync: exactly one refresh. Retry-After and backoff are shortened through configuration only.
 */
import { setFaults } from '@recdesk/ads-simulator/faults';
import type { RequestLogEntry } from '@recdesk/ads-simulator/state';
import { beforeAll, describe, type ExpectStatic, expect, it } from 'vitest';
import { databaseTargets } from '../testing/database-targets.ts';
import { pgliteTarget } from '../testing/pglite-template.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';

const MAX_ATTEMPTS = 12;
const RETRY_AFTER_SECONDS = 0.05;

/** Short waits, generous limits: the test measures behaviour, not Amazon's pace. */
const ENV = {
  ADS_RETRY_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
  ADS_RETRY_BASE_DELAY_MS: '5',
  ADS_RETRY_MAX_DELAY_MS: '50',
  ADS_RATE_LIMIT_PER_SECOND: '1000',
  ADS_RATE_LIMIT_CONCURRENCY: '20',
  BRAND_METRICS_POLL_INTERVAL_MS: '20',
};

type Stored = { source: string; sourceRecommendationId: string; contentHash: string };

async function storedItems(bff: TestBff): Promise<Stored[]> {
  const rows = await bff.runtime.db
    .selectFrom('recommendations')
    .select(['source', 'source_recommendation_id', 'content_hash'])
    .orderBy('source')
    .orderBy('source_recommendation_id')
    .execute();
  return rows.map((r) => ({ source: r.source, sourceRecommendationId: r.source_recommendation_id, contentHash: r.content_hash }));
}

// One call is one method, path and query for one profile, made by one job: calls for several profiles, and the same
// call of two sources synced at once (each lists the ad groups it joins), go out side by side.
const keyOf = (entry: RequestLogEntry) =>
  `${entry.method} ${entry.path}${entry.search} ${entry.headers['amazon-advertising-api-scope'] ?? ''} ${entry.headers['x-recdesk-job-id'] ?? ''}`;

/** Consecutive attempts of one call: entries of one key up to and including the first that was not faulted. */
function attemptRuns(log: readonly RequestLogEntry[]): RequestLogEntry[][] {
  const open = new Map<string, RequestLogEntry[]>();
  const runs: RequestLogEntry[][] = [];
  for (const entry of log) {
    const run = open.get(keyOf(entry)) ?? [];
    run.push(entry);
    if (entry.fault) open.set(keyOf(entry), run);
    else {
      open.delete(keyOf(entry));
      runs.push(run);
    }
  }
  runs.push(...open.values());
  return runs;
}

let clean: Stored[];
beforeAll(async () => {
  const bff = await startTestBff(pgliteTarget(), ENV);
  try {
    const summary = (await bff.http.post('/api/sync').expect(200)).body as { sources: { status: string }[] };
    expect(summary.sources.every((s) => s.status === 'succeeded')).toBe(true);
    clean = await storedItems(bff);
    expect(clean.length).toBeGreaterThan(100);
  } finally {
    await bff.close();
  }
}, 240_000);

// The two databases' runs go side by side: each mostly waits out Retry-Afters, on a simulator of its own.
describe.concurrent.each(databaseTargets)('a full sync through a throttling, failing upstream on $name', ({ create }) => {
  it('loses nothing, waits out every Retry-After, stays within the bounded attempts, and refreshes an expired token once', async ({
    expect,
  }) => {
    const bff = await startTestBff(await create(), ENV);
    try {
      await fullSyncThroughFaults(bff, expect);
    } finally {
      await bff.close();
    }
  }, 300_000);
});

async function fullSyncThroughFaults(bff: TestBff, expect: ExpectStatic): Promise<void> {
  const simulator = bff.runtime.simulator;
  if (!simulator) throw new Error('the simulated mode starts a simulator');
  setFaults(simulator.state, {
    seed: 2026,
    throttle: { share: 0.3, retryAfterSeconds: RETRY_AFTER_SECONDS },
    serverErrors: { share: 0.05, statuses: [503] },
    // And the access token dies in the middle of the run: that must cost exactly one refresh.
    expireTokensAtRequest: 60,
  });

  const summary = (await bff.http.post('/api/sync').expect(200)).body as {
    sources: { source: string; status: string; errors: string[] }[];
  };
  expect(summary.sources.filter((s) => s.status !== 'succeeded')).toEqual([]);
  expect(await storedItems(bff)).toEqual(clean);

  const log = simulator.state.requestLog;
  const injected = simulator.state.faults.injected;
  expect(injected.throttled).toBeGreaterThan(20);
  expect(injected.serverErrors).toBeGreaterThan(0);

  // No attempt before the Retry-After of the 429 that preceded it (arrival times, both taken by the simulator).
  const runs = attemptRuns(log);
  const early: string[] = [];
  for (const run of runs) {
    for (const [i, attempt] of run.entries()) {
      const next = run[i + 1];
      if (attempt.fault?.status === 429 && next && next.at - attempt.at < (attempt.fault.retryAfterSeconds ?? 0) * 1000) {
        early.push(`${keyOf(next)} came ${next.at - attempt.at} ms after a 429 asking for ${attempt.fault.retryAfterSeconds} s`);
      }
    }
  }
  expect(early).toEqual([]);
  expect(runs.some((run) => run.length > 1)).toBe(true);

  // Every call ended in an answer that was not a fault, within the bounded attempts.
  expect(runs.filter((run) => run.length > MAX_ATTEMPTS).map((run) => keyOf(run[0] as RequestLogEntry))).toEqual([]);
  expect(runs.filter((run) => run.at(-1)?.fault).map((run) => keyOf(run[0] as RequestLogEntry))).toEqual([]);

  // One refresh for the token that expired mid-sync (its attempts may themselves have been throttled).
  expect(injected.tokensExpired).toBe(1);
  expect(bff.runtime.tokens.refreshCount).toBe(2);
  expect(runs.filter((run) => run[0]?.path.endsWith('/auth/o2/token'))).toHaveLength(2);

  // Each source run recorded what it cost upstream.
  const recorded = await bff.runtime.db.selectFrom('ingestion_runs').select(['source', 'upstream_calls', 'throttled', 'retried']).execute();
  const totals = recorded.reduce((sum, r) => ({ throttled: sum.throttled + r.throttled, retried: sum.retried + r.retried }), {
    throttled: 0,
    retried: 0,
  });
  expect(recorded.every((r) => r.upstream_calls > 0)).toBe(true);
  expect(totals.throttled).toBeGreaterThan(0);
  expect(totals.retried).toBeGreaterThanOrEqual(totals.throttled);
}
