/**
 * The queue path on the PostgreSQL server: `POST /api/apply` puts the batch's chunks on pg-boss, and two started
 * workers (as the server and `worker:apply` would) take them from the queue; every item is applied exactly once.
 */
import type { SimulatorState } from '@recdesk/ads-simulator/state';
import type { ApplyBatch } from '@recdesk/shared-types';
import { describe, expect, it } from 'vitest';
import { FAST_CLIENT } from '../sources/shared/sp-test-helpers.ts';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff } from '../testing/test-runtime.ts';
import { applySeeded, ledgerCounts, seedKeywordBids } from './apply-test-helpers.ts';

const servers = databaseTargets.filter((target) => target.name !== 'PGlite');

describe.skipIf(servers.length === 0)('apply queue on the PostgreSQL server', () => {
  it('two queue workers share a batch and apply each item once', async () => {
    const bff = await startTestBff(await (servers[0] as (typeof servers)[number]).create(), FAST_CLIENT);
    try {
      const state = bff.runtime.simulator?.state as SimulatorState;
      await bff.runtime.apply.startWorker({ concurrency: 2, sweepMs: 60_000, worker: bff.runtime.apply.createWorker({ workerId: 'one' }) });
      await bff.runtime.apply.startWorker({ concurrency: 2, sweepMs: 60_000, worker: bff.runtime.apply.createWorker({ workerId: 'two' }) });
      const seeded = await seedKeywordBids(bff.runtime, 2300);
      const batchId = await applySeeded(bff.http, seeded);
      let batch: ApplyBatch;
      do {
        await new Promise((resolve) => setTimeout(resolve, 250));
        batch = (await bff.http.get(`/api/apply/${batchId}`).expect(200)).body;
      } while (!batch.finished);
      expect(batch.counts).toMatchObject({ applied: 2300, failed: 0 });
      const counts = ledgerCounts(state);
      for (const s of seeded) expect(counts.get(`keyword:${s.keywordId}`)).toBe(1);
    } finally {
      await bff.close();
    }
  }, 180_000);
});
