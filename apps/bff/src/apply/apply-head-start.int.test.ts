/**
 * Apply without a head start (issue 18, item 3): a batch's first (smallest) chunk is committed and queued before the
 * rest of its items are written; meanwhile the other chunks are held by the writer's lease, so no worker takes one
 * while it is empty and the batch cannot look finished. A writer that dies between the two writes lets that lease run
 * out: the empty chunks are closed, the batch finishes, and the items never written stay approved.
 */
import type { SimulatorState } from '@recdesk/ads-simulator/state';
import type { Actor } from '@recdesk/shared-types';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAST_CLIENT } from '../sources/shared/sp-test-helpers.ts';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';
import type { ApplyQueue } from './apply-queue.ts';
import { ApplyService } from './apply-service.ts';
import { ledgerCounts, type SeededKeyword, seedKeywordBids } from './apply-test-helpers.ts';

const ACTOR: Actor = { type: 'user', id: 'approver@recdesk.local', version: null };

describe.each(databaseTargets)('apply without a head start on $name', ({ create }) => {
  let bff: TestBff;

  beforeEach(async () => {
    bff = await startTestBff(await create(), FAST_CLIENT);
  });
  afterEach(async () => {
    await bff.close();
  });

  /** 1 item of one profile and 3 of another: two chunks, the smaller first. */
  async function seedTwoChunks(): Promise<{ small: SeededKeyword[]; large: SeededKeyword[] }> {
    const state = bff.runtime.simulator?.state as SimulatorState;
    const profiles = state.world.profiles.length;
    const groups: SeededKeyword[][] = [];
    for (let profileIndex = 0; groups.length < 2 && profileIndex < profiles; profileIndex++) {
      const some = await seedKeywordBids(bff.runtime, groups.length === 0 ? 3 : 1, { profileIndex }).catch(() => null);
      if (some) groups.push(some);
    }
    const [large, small] = groups as [SeededKeyword[], SeededKeyword[]];
    return { small, large };
  }

  const serviceWith = (queue: ApplyQueue, leaseMs = 60_000) =>
    new ApplyService({
      db: bff.runtime.db,
      client: bff.runtime.client,
      store: bff.runtime.store,
      lifecycle: bff.runtime.lifecycle,
      queue,
      log: pino({ level: 'silent' }),
      now: () => new Date(),
      leaseMs,
    });

  const itemsPerChunk = async (batchId: string) =>
    (
      await sql<{ items: number; lease_owner: string | null }>`
        SELECT count(i.id)::int AS items, c.lease_owner FROM apply_chunks c LEFT JOIN apply_items i ON i.chunk_id = c.id
        WHERE c.batch_id = ${batchId} GROUP BY c.id, c.lease_owner ORDER BY count(i.id)`.execute(bff.runtime.db)
    ).rows;

  it('queues the first chunk before the rest of the batch is written', async () => {
    const { small, large } = await seedTwoChunks();
    const seen: { chunks: number; state: Awaited<ReturnType<typeof itemsPerChunk>>; statuses: string[] }[] = [];
    let batchId = '';
    const queue: ApplyQueue = {
      enqueue: async (chunkIds) => {
        const batch = await sql<{ batch_id: string }>`SELECT batch_id FROM apply_chunks WHERE id = ${chunkIds[0]}`.execute(bff.runtime.db);
        batchId = batch.rows[0]?.batch_id ?? '';
        const statuses = await sql<{ status: string }>`
          SELECT status FROM recommendations WHERE id IN (${sql.join([...small, ...large].map((s) => s.recommendationId))}) ORDER BY status`.execute(
          bff.runtime.db,
        );
        seen.push({ chunks: chunkIds.length, state: await itemsPerChunk(batchId), statuses: statuses.rows.map((r) => r.status) });
      },
      work: async () => undefined,
      stop: async () => undefined,
    };
    const accepted = await serviceWith(queue).apply(
      [...large, ...small].map((s) => s.recommendationId),
      ACTOR,
    );
    expect(accepted).toMatchObject({ batchId, queued: 4, refused: [] });
    const writer = `batch-writer:${batchId}`;
    expect(seen).toEqual([
      // The small chunk alone is written and queued; the large one exists, empty, under the writer's lease.
      {
        chunks: 1,
        state: [
          { items: 0, lease_owner: writer },
          { items: 1, lease_owner: null },
        ],
        statuses: ['applying', 'approved', 'approved', 'approved'],
      },
      {
        chunks: 1,
        state: [
          { items: 1, lease_owner: null },
          { items: 3, lease_owner: null },
        ],
        statuses: ['applying', 'applying', 'applying', 'applying'],
      },
    ]);
  });

  it('a writer that died after the first chunk leaves a batch that finishes, its unwritten items still approved', async () => {
    const { small, large } = await seedTwoChunks();
    let calls = 0;
    const dying: ApplyQueue = {
      enqueue: async () => {
        calls++;
        throw new Error('simulated crash of the writer');
      },
      work: async () => undefined,
      stop: async () => undefined,
    };
    await expect(
      serviceWith(dying, 1_000).apply(
        [...large, ...small].map((s) => s.recommendationId),
        ACTOR,
      ),
    ).rejects.toThrow('simulated crash');
    expect(calls).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await bff.runtime.apply.createWorker().sweep();
    const batch = await sql<{ id: string; finished_at: Date | null }>`SELECT id, finished_at FROM apply_batches`.execute(bff.runtime.db);
    expect(batch.rows).toHaveLength(1);
    expect(batch.rows[0]?.finished_at).not.toBeNull();
    const counts = ledgerCounts(bff.runtime.simulator?.state as SimulatorState);
    for (const s of small) expect(counts.get(`keyword:${s.keywordId}`)).toBe(1);
    for (const s of large) expect(counts.get(`keyword:${s.keywordId}`)).toBeUndefined();
    const statuses = await sql<{ status: string }>`
      SELECT status FROM recommendations WHERE id IN (${sql.join(large.map((s) => s.recommendationId))})`.execute(bff.runtime.db);
    expect(statuses.rows.map((r) => r.status)).toEqual(['approved', 'approved', 'approved']);
  });
});
