/**
 * Apply 2,000 approved bid changes against the simulator held to R requests per second (an msw handler in front of
 * the simulator answers 429 with Retry-After past R calls in any second, like Amazon's per-endpoint limits), with
 * the client configured for the same R. Reports the wall time from `POST /api/apply` to the finished batch against
 * the limit floor (the upstream calls made / R), the upstream 429s, and the items applied twice or lost (both must be
 * 0: the simulator's ledger records every change it receives). Goal: within 1.15× of the floor.
 */
import type { SimulatorState } from '@recdesk/ads-simulator/state';
import { sql } from 'kysely';
import { HttpResponse, http } from 'msw';
import { ledgerCounts, seedKeywordBids } from '../src/apply/apply-test-helpers.ts';
import { startTestBff } from '../src/testing/test-runtime.ts';
import { type Benchmark, type BenchResult, ratioOf } from './bench-report.ts';

const ITEMS = 2_000;
const RATE = Number(process.env.APPLY_BENCH_RATE ?? 2);

export const benchmark: Benchmark = {
  name: `apply ${ITEMS} approved items at ${RATE} requests/s`,
  async run(): Promise<BenchResult> {
    const bff = await startTestBff({ kind: 'pglite' }, { ADS_RATE_LIMIT_PER_SECOND: String(RATE), ADS_RATE_LIMIT_CONCURRENCY: '1' });
    try {
      const simulator = bff.runtime.simulator;
      if (!simulator) throw new Error('the benchmark needs the simulated Ads API');
      const state = simulator.state as SimulatorState;
      const seeded = await seedKeywordBids(bff.runtime, ITEMS);
      // Warm the token and the profile list, then hold every later Ads API call to RATE per second.
      await bff.runtime.apply.createWorker().profileOf(String(state.world.profiles.find((p) => p.marketplace.code === 'US')?.profileId));
      const recent: number[] = [];
      let throttled = 0;
      let firstCallAt: number | null = null;
      simulator.use(
        http.all('*', ({ request }) => {
          const path = new URL(request.url).pathname;
          if (path.startsWith('/_simulator') || path.startsWith('/auth')) return undefined;
          firstCallAt ??= performance.now();
          const now = Date.now();
          while (recent.length > 0 && (recent[0] as number) <= now - 1_000) recent.shift();
          if (recent.length >= RATE) {
            throttled++;
            return HttpResponse.json({ code: 'THROTTLED', details: 'Too many requests' }, { status: 429, headers: { 'retry-after': '1' } });
          }
          recent.push(now);
          return undefined;
        }),
      );
      const logBefore = state.requestLog.length;
      // A worker runs as in the server (the embedded queue hands it each chunk as it is queued), so the time from the
      // request to the first upstream call is the head start the apply takes.
      await bff.runtime.apply.startWorker({ sweepMs: 60_000 });

      const started = performance.now();
      const accepted = (
        await bff.http
          .post('/api/apply')
          .send({ ids: seeded.map((s) => s.recommendationId) })
          .expect(202)
      ).body;
      const queuedSeconds = (performance.now() - started) / 1000;
      for (;;) {
        const open = await sql<{ n: number }>`
          SELECT count(*)::int AS n FROM apply_items WHERE batch_id = ${accepted.batchId} AND state IN ('queued', 'applying')`.execute(
          bff.runtime.db,
        );
        if (open.rows[0]?.n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const wallSeconds = (performance.now() - started) / 1000;
      const firstCallSeconds = firstCallAt === null ? Number.NaN : (firstCallAt - started) / 1000;

      const batch = (await bff.http.get(`/api/apply/${accepted.batchId}`).expect(200)).body;
      const calls = state.requestLog
        .slice(logBefore)
        .filter((r) => !r.path.startsWith('/auth') && !r.path.startsWith('/_simulator')).length;
      const floorSeconds = calls / RATE;
      const counts = ledgerCounts(state);
      const twice = seeded.filter((s) => (counts.get(`keyword:${s.keywordId}`) ?? 0) > 1).length;
      const lost = ITEMS - (batch.counts.applied + batch.counts.failed + batch.counts.drifted);
      const ratio = ratioOf(wallSeconds, floorSeconds);
      return {
        name: benchmark.name,
        measurements: [
          {
            label: `wall time, ${calls} upstream calls`,
            value: wallSeconds,
            unit: 's',
            floor: floorSeconds,
            ratio,
            goal: '≤ 1.15× floor',
            met: ratio <= 1.15,
          },
          {
            label: 'POST /api/apply until the first upstream call',
            value: firstCallSeconds * 1000,
            unit: 'ms',
            goal: '≤ 100 ms',
            met: firstCallSeconds * 1000 <= 100,
          },
          { label: 'POST /api/apply until its 202 (plan, queue, approved → applying)', value: queuedSeconds, unit: 's' },
          { label: 'upstream 429s', value: throttled, unit: 'responses' },
          { label: 'items applied twice', value: twice, unit: 'items', goal: '0', met: twice === 0 },
          { label: 'items lost', value: lost, unit: 'items', goal: '0', met: lost === 0 },
          { label: 'items applied', value: batch.counts.applied, unit: 'items' },
        ],
        notes: [
          `PGlite in memory; SP keyword bid updates in chunks of ≤1000 (one live read, one write, one read back per chunk). APPLY_BENCH_RATE sets R (now ${RATE}).`,
        ],
      };
    } finally {
      await bff.close();
    }
  },
};
