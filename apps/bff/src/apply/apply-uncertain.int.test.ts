/**
 * Uncertain writes are never retried blindly: the simulator applies the change and then loses its answer (a 5xx, a
 * reset connection, or no answer until the client's timeout). The worker must settle the items from a read-back of
 * the live values, and the ledger must show each change exactly once, with a single write sent. On PGlite and the
 * PostgreSQL server.
 */
import { setFaults } from '@recdesk/ads-simulator/faults';
import type { SimulatorState } from '@recdesk/ads-simulator/state';
import type { ApplyBatch } from '@recdesk/shared-types';
import { sql } from 'kysely';
import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FAST_CLIENT } from '../sources/shared/sp-test-helpers.ts';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';
import { applySeeded, ledgerCounts, seedKeywordBids } from './apply-test-helpers.ts';

describe.each(databaseTargets)('uncertain apply writes on $name', ({ create }) => {
  // One BFF for the cases (each seeds keywords of its own): starting one costs more than a case.
  let bff: TestBff;
  // PGlite starts slowly on a loaded machine.
  beforeAll(async () => {
    bff = await startTestBff(await create(), { ...FAST_CLIENT, ADS_REQUEST_TIMEOUT_MS: '1500' });
  }, 120_000);
  afterAll(async () => {
    await bff?.close();
  });
  afterEach(() => {
    const simulator = bff.runtime.simulator;
    simulator?.resetHandlers();
    if (simulator) setFaults(simulator.state as SimulatorState, null);
  });
  const putsTo = (state: SimulatorState, from: number) =>
    state.requestLog.slice(from).filter((r) => r.method === 'PUT' && r.path.endsWith('/sp/keywords'));

  it.each([
    ['a 503 after applying', '503' as const],
    ['a reset connection after applying', 'reset' as const],
    ['no answer until the timeout', 'hang' as const],
  ])(
    '%s: reconciled by reading back, never written twice',
    async (_label, as) => {
      const state = bff.runtime.simulator?.state as SimulatorState;
      const logFrom = state.requestLog.length;
      const seeded = await seedKeywordBids(bff.runtime, 30);
      setFaults(state, { lostAnswers: { share: 1, paths: ['/sp/keywords'], methods: ['PUT'], as, max: 1 } });
      const batchId = await applySeeded(bff.http, seeded);
      await bff.runtime.apply.createWorker().sweep();

      expect(state.faults.injected.lostAnswers).toBe(1);
      const batch: ApplyBatch = (await bff.http.get(`/api/apply/${batchId}`).expect(200)).body;
      expect(batch.counts).toMatchObject({ applied: 30, failed: 0, applying: 0, queued: 0 });
      expect(putsTo(state, logFrom)).toHaveLength(1);
      const counts = ledgerCounts(state);
      for (const s of seeded) expect(counts.get(`keyword:${s.keywordId}`)).toBe(1);
      // The record says how each item was settled: from the read-back, not from an answer.
      const outcomes = await sql<{ outcome: string; n: number }>`
      SELECT a.outcome, count(*)::int AS n FROM apply_attempts a JOIN apply_items i ON i.id = a.item_id
      WHERE i.batch_id = ${batchId} GROUP BY a.outcome`.execute(bff.runtime.db);
      expect(outcomes.rows).toEqual([{ outcome: 'reconciled_applied', n: 30 }]);
    },
    60_000,
  );

  it('a 503 for a write that did not take effect: the read-back says so, and only then is it sent again', async () => {
    const simulator = bff.runtime.simulator as NonNullable<TestBff['runtime']['simulator']>;
    const state = simulator.state as SimulatorState;
    const seeded = await seedKeywordBids(bff.runtime, 5);
    // The first write is refused in front of the real handler: nothing changed upstream.
    let refused = 0;
    simulator.use(
      http.put('*/sp/keywords', () => {
        if (refused > 0) return undefined;
        refused++;
        return HttpResponse.json({ code: 'SERVICE_UNAVAILABLE', details: 'try later' }, { status: 503 });
      }),
    );
    const batchId = await applySeeded(bff.http, seeded);
    await bff.runtime.apply.createWorker().sweep();

    expect(refused).toBe(1);
    const batch: ApplyBatch = (await bff.http.get(`/api/apply/${batchId}`).expect(200)).body;
    expect(batch.counts).toMatchObject({ applied: 5, failed: 0 });
    expect(batch.items.every((i) => i.attempts === 2)).toBe(true);
    const counts = ledgerCounts(state);
    for (const s of seeded) expect(counts.get(`keyword:${s.keywordId}`)).toBe(1);
    const outcomes = await sql<{ outcome: string; n: number }>`
      SELECT a.outcome, count(*)::int AS n FROM apply_attempts a JOIN apply_items i ON i.id = a.item_id
      WHERE i.batch_id = ${batchId} GROUP BY a.outcome ORDER BY a.outcome`.execute(bff.runtime.db);
    expect(outcomes.rows).toEqual([
      { outcome: 'reconciled_not_applied', n: 5 },
      { outcome: 'success', n: 5 },
    ]);
  }, 60_000);

  it('a 207 with 10 per-item failures in 1,000: 990 applied, 10 failed with the upstream reason, retry-failed sends just those', async () => {
    const state = bff.runtime.simulator?.state as SimulatorState;
    const logFrom = state.requestLog.length;
    const seeded = await seedKeywordBids(bff.runtime, 1000);
    setFaults(state, { seed: 5, itemErrors: { share: 0.03, paths: ['/sp/keywords'], max: 10 } });
    const batchId = await applySeeded(bff.http, seeded);
    await bff.runtime.apply.createWorker().sweep();
    expect(state.faults.injected.itemErrors).toBe(10);
    const batch: ApplyBatch = (await bff.http.get(`/api/apply/${batchId}`).expect(200)).body;
    expect(batch.counts).toMatchObject({ applied: 990, failed: 10 });
    const failed = batch.items.filter((i) => i.state === 'failed');
    for (const item of failed)
      expect(item).toMatchObject({ reasonCode: 'INTERNAL_ERROR', reason: expect.stringMatching(/nothing was changed/) });
    const counts = ledgerCounts(state);
    const failedIds = new Set(failed.map((i) => i.recommendationId));
    for (const s of seeded) expect(counts.get(`keyword:${s.keywordId}`)).toBe(failedIds.has(s.recommendationId) ? undefined : 1);

    setFaults(state, null);
    const retryFrom = state.requestLog.length;
    expect((await bff.http.post(`/api/apply/${batchId}/retry-failed`).expect(202)).body.requeued).toBe(10);
    await bff.runtime.apply.createWorker().sweep();
    expect((await bff.http.get(`/api/apply/${batchId}`).expect(200)).body.counts).toMatchObject({ applied: 1000, failed: 0 });
    const retryWrites = putsTo(state, retryFrom);
    expect(retryWrites).toHaveLength(1);
    const after = ledgerCounts(state);
    for (const s of seeded) expect(after.get(`keyword:${s.keywordId}`)).toBe(1);
    expect(putsTo(state, logFrom)).toHaveLength(2);
  }, 120_000);
});
