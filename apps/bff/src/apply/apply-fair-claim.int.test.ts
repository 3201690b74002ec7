/**
 * Fair claiming (issue 18, item 5): a worker leases a chunk only when it is free to run it. A worker handed every
 * chunk of a batch at once (as a queue delivering its messages would) runs one and leaves the others unleased, so a
 * second worker takes them meanwhile; every item is still applied exactly once.
 */
import type { SimulatorState } from '@recdesk/ads-simulator/state';
import type { ApplyBatch } from '@recdesk/shared-types';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAST_CLIENT } from '../sources/shared/sp-test-helpers.ts';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';
import { applySeeded, ledgerCounts, type SeededKeyword, seedKeywordBids } from './apply-test-helpers.ts';

describe.each(databaseTargets)('fair chunk claiming on $name', ({ create }) => {
  let bff: TestBff;

  beforeEach(async () => {
    bff = await startTestBff(await create(), FAST_CLIENT);
  });
  afterEach(async () => {
    await bff.close();
  });

  it('a busy worker holds one chunk; another worker takes the rest of the batch', async () => {
    const state = bff.runtime.simulator?.state as SimulatorState;
    // Three profiles: three upstream calls, three chunks.
    const seeded: SeededKeyword[] = [];
    for (let profileIndex = 0, profiles = 0; profiles < 3 && profileIndex < state.world.profiles.length; profileIndex++) {
      const some = await seedKeywordBids(bff.runtime, 2, { profileIndex }).catch(() => null);
      if (some) {
        seeded.push(...some);
        profiles++;
      }
    }
    expect(seeded).toHaveLength(6);
    const batchId = await applySeeded(bff.http, seeded);
    const chunks = await sql<{ id: string }>`SELECT id FROM apply_chunks WHERE batch_id = ${batchId}`.execute(bff.runtime.db);
    expect(chunks.rows).toHaveLength(3);

    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calledBack: () => void = () => undefined;
    const busy = new Promise<void>((resolve) => {
      calledBack = resolve;
    });
    const first = bff.runtime.apply.createWorker({
      workerId: 'first',
      hooks: {
        beforeCall: async () => {
          calledBack();
          await gate;
        },
      },
    });
    const firstRuns = chunks.rows.map((chunk) => first.runChunk(chunk.id));
    await busy;
    const leased = await sql<{ lease_owner: string | null }>`SELECT lease_owner FROM apply_chunks WHERE batch_id = ${batchId}`.execute(
      bff.runtime.db,
    );
    expect(leased.rows.filter((row) => row.lease_owner === 'first')).toHaveLength(1);

    const secondRan = await bff.runtime.apply.createWorker({ workerId: 'second' }).sweep(batchId);
    release();
    const firstRan = (await Promise.all(firstRuns)).filter(Boolean).length;
    expect({ firstRan, secondRan }).toEqual({ firstRan: 1, secondRan: 2 });

    const batch: ApplyBatch = (await bff.http.get(`/api/apply/${batchId}`).expect(200)).body;
    expect(batch.finished).toBe(true);
    expect(batch.counts).toMatchObject({ applied: 6, failed: 0 });
    const counts = ledgerCounts(state);
    for (const s of seeded) expect(counts.get(`keyword:${s.keywordId}`)).toBe(1);
  });
});
