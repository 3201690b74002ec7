/**
 * PostgreSQL going away under a running BFF: the connections are cut through a TCP proxy (every open connection
 * reset, new ones refused, as when the server restarts), never by restarting the machine's real server (other tests
 * use it at the same time). The process must not crash, must reconnect when the server is back, and an apply batch
 * caught in the middle must complete after it, each change applied upstream exactly once (the simulator's ledger).
 * PostgreSQL server only: PGlite runs inside the process and has no connection to lose.
 */
import { setFaults } from '@recdesk/ads-simulator/faults';
import type { SimulatorState } from '@recdesk/ads-simulator/state';
import { ApplyBatchSchema, SourcesResponseSchema } from '@recdesk/shared-types';
import { afterEach, describe, expect, it } from 'vitest';
import { ledgerCounts, seedKeywordBids } from '../apply/apply-test-helpers.ts';
import { FAST_CLIENT } from '../sources/shared/sp-test-helpers.ts';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTcpProxy, type TcpProxy } from '../testing/tcp-proxy.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';

const servers = databaseTargets.filter((t) => t.name !== 'PGlite');

async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  if (process.env.DEBUG_FAULTS) console.info(new Date().toISOString(), 'waiting for', what);
  for (;;) {
    const value = await Promise.resolve(check()).catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.each(servers)('database connection loss on $name', ({ create }) => {
  let bff: TestBff | undefined;
  let proxy: TcpProxy | undefined;
  afterEach(async () => {
    proxy?.restore();
    await bff?.close();
    await proxy?.close();
  });

  it('PostgreSQL restarted during an apply batch: no crash, the process reconnects, the batch completes, each change once', async () => {
    const target = await create();
    if (target.kind !== 'postgres') throw new Error('a server target was expected');
    const server = new URL(target.url);
    proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
    bff = await startTestBff({ ...target, url: proxy.urlFor(target.url) }, FAST_CLIENT);
    const state = bff.runtime.simulator?.state as SimulatorState;
    const seeded = await seedKeywordBids(bff.runtime, 30);

    // Every keyword call takes 1.5 s, so that the cut lands while the write is on its way upstream: after the intent
    // was committed and before the outcome can be.
    setFaults(state, { latency: { ms: 1_500, share: 1 }, paths: ['/sp/keywords'] });
    const worker = bff.runtime.apply.createWorker({ leaseMs: 2_000 });
    await bff.runtime.apply.startWorker({ worker, sweepMs: 300 });
    const { batchId } = (
      await bff.http
        .post('/api/apply')
        .send({ ids: seeded.map((s) => s.recommendationId) })
        .expect(202)
    ).body as { batchId: string };

    // The live values read (1), then the write (2) is in flight: cut now, for 3 s.
    await until('the write upstream', () => (state.faults.injected.delayed >= 2 ? true : undefined));
    const acceptedBefore = proxy.accepted;
    proxy.cut();
    // Meanwhile the API answers with an error at once (a problem document), it neither hangs nor crashes.
    expect((await bff.http.get('/api/sources')).status).toBeGreaterThanOrEqual(500);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    proxy.restore();
    setFaults(state, null);

    // Back: the same process answers again, over new connections, and the batch completes.
    const sources = SourcesResponseSchema.parse(
      (
        await until('the API to answer again', async () => {
          const response = await bff?.http.get('/api/sources');
          return response?.status === 200 ? response : undefined;
        })
      ).body,
    );
    expect(sources.sources.length).toBeGreaterThan(0);
    const batch = await until('the batch to finish', async () => {
      const parsed = ApplyBatchSchema.parse((await bff?.http.get(`/api/apply/${batchId}`).expect(200))?.body);
      return parsed.finished ? parsed : undefined;
    });
    expect(proxy.accepted).toBeGreaterThan(acceptedBefore);
    expect(batch.counts).toMatchObject({ applied: 30, failed: 0, queued: 0, applying: 0, drifted: 0 });

    const counts = ledgerCounts(state);
    for (const s of seeded) {
      expect(counts.get(`keyword:${s.keywordId}`)).toBe(1);
      expect(state.world.keywords.find((k) => k.keywordId === s.keywordId)?.bid).toBe(1.25);
    }
    // The write went out once: the item left `applying` by the cut was reconciled from a read, not sent again.
    const writes = state.requestLog.filter((r) => r.method === 'PUT' && r.path.endsWith('/sp/keywords') && !r.fault);
    expect(writes).toHaveLength(1);
  }, 180_000);
});
