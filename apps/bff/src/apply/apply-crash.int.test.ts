/**
 * The apply worker as a real process (`apply-worker-main.ts`, what `worker:apply` runs), SIGKILLed at random points
 * of a 500-item batch three times and restarted each time, against a simulated Ads API served over HTTP from this
 * test (so its ledger, the record of every change it received, is read here directly). At the end every item is
 * applied or failed with a reason, and the ledger shows each change exactly once. Two worker processes finish the
 * batch side by side.
 *
 * PostgreSQL server only: the worker is another process, and a PGlite directory can be opened by one process at a
 * time (the embedded default runs its worker inside the server).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { setFaults } from '@recdesk/ads-simulator/faults';
import { startSimulator } from '@recdesk/ads-simulator/server';
import type { ApplyBatch } from '@recdesk/shared-types';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { FAST_CLIENT } from '../sources/shared/sp-test-helpers.ts';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff } from '../testing/test-runtime.ts';
import { ledgerCounts, type SeededKeyword, seedKeywordBids } from './apply-test-helpers.ts';

const servers = databaseTargets.filter((target) => target.name !== 'PGlite');
const BFF_DIR = path.resolve(import.meta.dirname, '../..');

interface Worker {
  child: ChildProcess;
  started: Promise<void>;
  exited: Promise<NodeJS.Signals | number | null>;
}

function startWorker(env: Record<string, string>): Worker {
  // tsx as a loader of this very process (not its CLI, which runs the program in a child that a SIGKILL would miss).
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/apply/apply-worker-main.ts'], {
    cwd: BFF_DIR,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const started = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (data: Buffer) => {
      output += data.toString();
      if (output.includes('apply worker started')) resolve();
    });
    child.stderr?.on('data', (data: Buffer) => {
      output += data.toString();
    });
    child.once('exit', (code) => reject(new Error(`the worker exited (${code}) before it started:\n${output.slice(-2000)}`)));
    child.once('error', reject);
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ?? code));
    child.once('error', () => resolve(null));
  });
  return { child, started, exited };
}

describe.skipIf(servers.length === 0)('apply worker process killed mid-batch (PostgreSQL server)', () => {
  const workers: Worker[] = [];
  // Also after a timeout, when the test body is abandoned: no worker process outlives the test.
  afterAll(() => {
    for (const worker of workers) if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
  });

  it('500 items, SIGKILLed three times and restarted: every item applied or failed with a reason, each change once upstream', async () => {
    const simulator = await startSimulator();
    const target = await (servers[0] as (typeof servers)[number]).create();
    if (target.kind !== 'postgres') throw new Error('a PostgreSQL target was expected');
    const bff = await startTestBff(target, { ...FAST_CLIENT, ADS_SIMULATOR_URL: simulator.url });
    try {
      const state = simulator.state;
      // Five profiles, five upstream calls of 100: kills land between, before and after calls.
      const seeded: SeededKeyword[] = [];
      for (let profileIndex = 0; profileIndex < 5; profileIndex++)
        seeded.push(...(await seedKeywordBids(bff.runtime, 100, { state, profileIndex })));
      // Ten of them upstream refuses (archived keywords): they must end failed, with upstream's reason.
      const refused = seeded.filter((_, i) => i % 50 === 13);
      for (const s of refused) (state.world.keywords.find((k) => k.keywordId === s.keywordId) as { state: string }).state = 'ARCHIVED';
      // A slow upstream keeps each call in flight long enough for a kill to land in it.
      setFaults(state, { latency: { ms: 1_000, share: 1 }, paths: ['/sp/keywords'] });

      const { batchId, queued } = (
        await bff.http
          .post('/api/apply')
          .send({ ids: seeded.map((s) => s.recommendationId) })
          .expect(202)
      ).body;
      expect(queued).toBe(500);

      const env = {
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        DATABASE_URL: target.url,
        DATABASE_SCHEMA: target.schema ?? '',
        DATABASE_POOL_SIZE: '4',
        ADS_API_MODE: 'simulated',
        ADS_SIMULATOR_URL: simulator.url,
        APPLY_LEASE_MS: '1500',
        SYNC_ON_START: 'false',
        ...FAST_CLIENT,
      };
      const kills: string[] = [];
      const openChunks = async () =>
        (await sql<{ n: number }>`SELECT count(*)::int AS n FROM apply_chunks WHERE NOT done`.execute(bff.runtime.db)).rows[0]?.n ?? 0;
      const intents = async () =>
        (await sql<{ n: number }>`SELECT count(*)::int AS n FROM apply_attempts`.execute(bff.runtime.db)).rows[0]?.n ?? 0;
      for (let kill = 0; kill < 3; kill++) {
        const intentsBefore = await intents();
        const worker = startWorker(env);
        workers.push(worker);
        await worker.started;
        // Once this worker has recorded an intent (it is inside the batch), a random moment within the next 1.5 s:
        // with each call taking 1 s upstream, kills land before, during and after calls, and between chunks.
        while ((await intents()) === intentsBefore && (await openChunks()) > 0) await new Promise((resolve) => setTimeout(resolve, 50));
        const after = Math.floor(Math.random() * 1500);
        await new Promise((resolve) => setTimeout(resolve, after));
        worker.child.kill('SIGKILL');
        expect(await worker.exited).toBe('SIGKILL');
        const progress = await sql<{ state: string; n: number }>`
          SELECT state, count(*)::int AS n FROM apply_items GROUP BY state ORDER BY state`.execute(bff.runtime.db);
        kills.push(`${after} ms: ${progress.rows.map((r) => `${r.n} ${r.state}`).join(', ')}`);
      }
      // Two worker processes finish the batch side by side (as a fleet would): still each change exactly once.
      const last = [startWorker(env), startWorker(env)];
      workers.push(...last);
      await Promise.all(last.map((w) => w.started));
      let batch: ApplyBatch;
      const deadline = Date.now() + 45_000;
      do {
        await new Promise((resolve) => setTimeout(resolve, 250));
        batch = (await bff.http.get(`/api/apply/${batchId}`).expect(200)).body;
      } while (!batch.finished && Date.now() < deadline);

      expect(batch.finished, `killed after ${kills.join('; ')}`).toBe(true);
      expect(batch.counts).toMatchObject({ applied: 490, failed: 10, queued: 0, applying: 0, drifted: 0 });
      const failed = batch.items.filter((i) => i.state === 'failed');
      expect(failed.map((i) => i.recommendationId).sort()).toEqual(refused.map((s) => s.recommendationId).sort());
      for (const item of failed)
        expect(item).toMatchObject({ reasonCode: 'ARCHIVED_ENTITY_CANNOT_BE_MODIFIED', reason: expect.any(String) });

      const counts = ledgerCounts(state);
      const refusedIds = new Set(refused.map((s) => s.keywordId));
      for (const s of seeded) {
        const keyword = state.world.keywords.find((k) => k.keywordId === s.keywordId);
        if (refusedIds.has(s.keywordId)) {
          expect(counts.get(`keyword:${s.keywordId}`)).toBeUndefined();
          expect(keyword?.bid).toBe(1);
        } else {
          expect(counts.get(`keyword:${s.keywordId}`), `keyword ${s.keywordId}`).toBe(1);
          expect(keyword?.bid).toBe(1.25);
        }
      }
      // Each item's intent was recorded once per attempt, and none is left without an outcome.
      const open = await sql<{ n: number }>`SELECT count(*)::int AS n FROM apply_attempts WHERE outcome IS NULL`.execute(bff.runtime.db);
      expect(open.rows[0]?.n).toBe(0);
    } finally {
      for (const worker of workers) if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
      await Promise.all(workers.map((w) => w.exited));
      await bff.close();
      await simulator.close();
    }
    // A bound for hangs, not a speed check: four process starts (each imports the runtime through tsx) dominate.
  }, 240_000);
});
