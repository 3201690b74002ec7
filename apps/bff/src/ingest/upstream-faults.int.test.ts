/**
 * The upstream failing under a running BFF, on PGlite and the PostgreSQL server, time compressed: retries and backoff
 * in milliseconds instead of seconds, hours of staleness by an injected clock. An outage across several backoff
 * cycles during a sync and an apply batch, slow answers, a 429 storm, malformed pages and a revoked refresh token:
 * nothing crashes, the admin sees what is wrong, nothing is applied twice or lost, and everything completes after.
 * (The 429 behaviour of a whole sync — every Retry-After waited out, attempts bounded — is ads-client/throttled-sync.)
 */
import { setFaults } from '@recdesk/ads-simulator/faults';
import type { SimulatorState } from '@recdesk/ads-simulator/state';
import {
  AlertsResponseSchema,
  ApplyBatchSchema,
  QuarantineResponseSchema,
  type SourceStatus,
  SourcesResponseSchema,
} from '@recdesk/shared-types';
import { afterEach, describe, expect, it } from 'vitest';
import { ledgerCounts, seedKeywordBids } from '../apply/apply-test-helpers.ts';
import { FAST_CLIENT } from '../sources/shared/sp-test-helpers.ts';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';

const HOUR = 3_600_000;
/** Retries in milliseconds: three attempts per call, 20-40 ms apart. */
const COMPRESSED = {
  ...FAST_CLIENT,
  ADS_RETRY_MAX_ATTEMPTS: '3',
  ADS_RETRY_BASE_DELAY_MS: '20',
  ADS_RETRY_MAX_DELAY_MS: '40',
  // Days pass on the injected clock: the test's session must outlive them.
  SESSION_IDLE_HOURS: '100',
};
/** A bound for hangs on a loaded machine, not a speed check. */
const TIMEOUT = 300_000;

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.each(databaseTargets)('upstream faults on $name', ({ create }) => {
  let bff: TestBff;
  let state: SimulatorState;
  /** The injected clock runs with the wall clock, `offset` ahead. */
  let offset = 0;

  const start = async (env: Record<string, string> = COMPRESSED) => {
    offset = 0;
    bff = await startTestBff(await create(), env, { now: () => new Date(Date.now() + offset) });
    state = bff.runtime.simulator?.state as SimulatorState;
  };
  afterEach(async () => {
    await bff?.close();
  });

  const poStatus = async (): Promise<SourceStatus> => {
    const { sources } = SourcesResponseSchema.parse((await bff.http.get('/api/sources').expect(200)).body);
    return sources.find((s) => s.source === 'partner-opportunities') as SourceStatus;
  };
  const syncPo = () => bff.http.post('/api/sync?source=partner-opportunities');
  const batchOf = async (batchId: string) => ApplyBatchSchema.parse((await bff.http.get(`/api/apply/${batchId}`).expect(200)).body);

  it(
    'an outage over several backoff cycles during a sync and an apply batch: stale and alerted, no crash; both complete after it, nothing lost or doubled',
    async () => {
      await start();
      expect((await syncPo().expect(200)).body.sources[0].status).toBe('succeeded');
      const stored = (await poStatus()).counts.recommendations;
      expect(stored).toBeGreaterThan(0);
      const seeded = await seedKeywordBids(bff.runtime, 20);
      await bff.runtime.apply.startWorker({ worker: bff.runtime.apply.createWorker({ leaseMs: 500 }), sweepMs: 200 });

      // Upstream answers 503 to everything; two days pass without a successful sync.
      setFaults(state, { serverErrors: { share: 1, statuses: [503] } });
      offset = 49 * HOUR;
      const { batchId } = (
        await bff.http
          .post('/api/apply')
          .send({ ids: seeded.map((s) => s.recommendationId) })
          .expect(202)
      ).body as { batchId: string };
      expect((await syncPo().expect(200)).body.sources[0].status).toBe('failed');
      const during = await poStatus();
      expect(during.freshness).toBe('stale');
      expect(during.lastError?.message).toMatch(/503/);
      const alerts = AlertsResponseSchema.parse((await bff.http.get('/api/alerts').expect(200)).body);
      expect(alerts.alerts.some((a) => a.kind === 'source_stale' && a.source === 'partner-opportunities')).toBe(true);

      // Several sweeps meet the outage (each call gives up after 3 attempts): nothing reaches upstream.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(state.faults.injected.serverErrors).toBeGreaterThan(6);
      expect((await batchOf(batchId)).finished).toBe(false);
      expect(state.ledger).toHaveLength(0);

      // Upstream is back: the batch completes, each change once; the next sync catches up and the source is fresh.
      setFaults(state, null);
      const batch = await until('the batch to finish', async () => {
        const b = await batchOf(batchId);
        return b.finished ? b : undefined;
      });
      expect(batch.counts).toMatchObject({ applied: 20, failed: 0, queued: 0, applying: 0, drifted: 0 });
      const counts = ledgerCounts(state);
      for (const s of seeded) expect(counts.get(`keyword:${s.keywordId}`)).toBe(1);
      expect((await syncPo().expect(200)).body.sources[0].status).toBe('succeeded');
      const after = await poStatus();
      expect(after.freshness).toBe('fresh');
      expect(after.counts.recommendations).toBe(stored);
      const open = AlertsResponseSchema.parse((await bff.http.get('/api/alerts').expect(200)).body);
      expect(open.alerts.some((a) => a.kind === 'source_stale' && a.source === 'partner-opportunities')).toBe(false);
    },
    TIMEOUT,
  );

  it(
    'a sync that failed in an outage is caught up on its own once upstream is back, without anyone asking again',
    async () => {
      await start({ ...COMPRESSED, INGEST_RETRY_FIRST_MS: '200', INGEST_RETRY_MAX_MS: '1000' });
      setFaults(state, { serverErrors: { share: 1, statuses: [503] } });
      expect((await syncPo().expect(200)).body.sources[0].status).toBe('failed');
      // The catch-ups meet the outage too, and wait longer each time.
      await until('a catch-up during the outage', async () => ((await poStatus()).lastRun?.trigger === 'retry' ? true : undefined));
      expect((await poStatus()).freshness).toBe('stale');

      setFaults(state, null);
      const caughtUp = await until('the catch-up after the outage', async () => {
        const status = await poStatus();
        return status.lastRun?.trigger === 'retry' && status.lastRun.status === 'succeeded' ? status : undefined;
      });
      expect(caughtUp.freshness).toBe('fresh');
      expect(caughtUp.counts.recommendations).toBeGreaterThan(0);
    },
    TIMEOUT,
  );

  it(
    'slow answers: calls past the timeout are abandoned and retried, and no write is doubled',
    async () => {
      await start({ ...COMPRESSED, ADS_RETRY_MAX_ATTEMPTS: '6', ADS_REQUEST_TIMEOUT_MS: '250' });
      const seeded = await seedKeywordBids(bff.runtime, 10);
      // Every other keyword call answers after 400 ms: past the client's 250 ms timeout.
      setFaults(state, { seed: 7, latency: { ms: 400, share: 0.5 }, paths: ['/sp/keywords'] });
      await bff.runtime.apply.startWorker({ worker: bff.runtime.apply.createWorker({ leaseMs: 1_000 }), sweepMs: 200 });
      const { batchId } = (
        await bff.http
          .post('/api/apply')
          .send({ ids: seeded.map((s) => s.recommendationId) })
          .expect(202)
      ).body as { batchId: string };
      const batch = await until('the batch to finish', async () => {
        const b = await batchOf(batchId);
        return b.finished ? b : undefined;
      });
      expect(state.faults.injected.delayed).toBeGreaterThan(0);
      expect(batch.counts.applied + batch.counts.failed).toBe(10);
      const counts = ledgerCounts(state);
      for (const s of seeded) expect(counts.get(`keyword:${s.keywordId}`) ?? 0).toBeLessThanOrEqual(1);
      expect([...counts.values()].reduce((sum, n) => sum + n, 0)).toBe(batch.counts.applied);
    },
    TIMEOUT,
  );

  it(
    'a 429 storm during an apply batch: every Retry-After waited out, attempts bounded, each change once',
    async () => {
      await start({ ...COMPRESSED, ADS_RETRY_MAX_ATTEMPTS: '10' });
      const seeded = await seedKeywordBids(bff.runtime, 10);
      setFaults(state, { seed: 3, throttle: { share: 0.6, retryAfterSeconds: 0.2 }, paths: ['/sp/keywords'] });
      const { batchId } = (
        await bff.http
          .post('/api/apply')
          .send({ ids: seeded.map((s) => s.recommendationId) })
          .expect(202)
      ).body as { batchId: string };
      await bff.runtime.apply.createWorker().sweep(batchId);
      const batch = await batchOf(batchId);
      expect(batch.counts).toMatchObject({ applied: 10, failed: 0 });
      const counts = ledgerCounts(state);
      for (const s of seeded) expect(counts.get(`keyword:${s.keywordId}`)).toBe(1);

      // One call at a time on one chunk: each request after a 429 came at least Retry-After later.
      const keywordCalls = state.requestLog.filter((r) => r.path.includes('/sp/keywords'));
      const throttled = keywordCalls.filter((r) => r.fault?.status === 429);
      expect(throttled.length).toBeGreaterThan(0);
      for (const [index, call] of keywordCalls.entries()) {
        const next = keywordCalls[index + 1];
        if (call.fault?.status === 429 && next) expect(next.at - call.at).toBeGreaterThanOrEqual(195);
      }
      // Bounded: no more 429s in a row on one call than the attempts allow.
      let run = 0;
      for (const call of keywordCalls) {
        run = call.fault?.status === 429 ? run + 1 : 0;
        expect(run).toBeLessThan(10);
      }
    },
    TIMEOUT,
  );

  it(
    'malformed pages: the bad items are quarantined with their reason and reported, the rest of the sync goes on',
    async () => {
      await start();
      setFaults(state, { seed: 5, malformedItems: { share: 0.5 }, paths: ['/partnerOpportunities'] });
      const response = await syncPo().expect(200);
      const summary = response.body.sources[0] as { status: string; quarantined: number; stored: number };
      expect(summary.quarantined).toBeGreaterThan(0);
      expect(summary.stored).toBeGreaterThan(0);
      const quarantine = QuarantineResponseSchema.parse(
        (await bff.http.get('/api/sources/partner-opportunities/quarantine').expect(200)).body,
      );
      expect(quarantine.total).toBe(summary.quarantined);
      expect(quarantine.items.every((item) => item.reason.length > 0 && item.raw !== undefined)).toBe(true);
      expect((await poStatus()).quarantined).toBe(summary.quarantined);
    },
    TIMEOUT,
  );

  it(
    'a revoked refresh token (invalid_grant): a clear error for the admin on the sources, and no retry storm on the token endpoint',
    async () => {
      await start();
      state.credentials.refreshToken = 'Atzr|revoked-by-the-advertiser';
      const tokenCalls = () => state.requestLog.filter((r) => r.path.endsWith('/auth/o2/token')).length;
      const response = await bff.http.post('/api/sync').expect(200);
      expect(response.body.sources.every((s: { status: string }) => s.status === 'failed')).toBe(true);
      const { sources } = SourcesResponseSchema.parse((await bff.http.get('/api/sources').expect(200)).body);
      const pulled = sources.filter((s) => s.enabled && s.delivery === 'scheduled');
      expect(pulled.length).toBeGreaterThan(1);
      for (const source of pulled) {
        expect(source.lastError?.message).toMatch(/refused the refresh token.*invalid_grant.*ADS_REFRESH_TOKEN/s);
      }
      // Every source of the sync failed on it, yet Login with Amazon was asked once; asking again at once gives the
      // same answer, so a second sync right after does not ask either.
      expect(tokenCalls()).toBe(1);
      await bff.http.post('/api/sync?source=partner-opportunities');
      expect(tokenCalls()).toBe(1);
    },
    TIMEOUT,
  );
});
