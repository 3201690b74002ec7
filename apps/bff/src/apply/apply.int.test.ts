/**
 * The apply pipeline against the simulator, on PGlite and the PostgreSQL server: only approved items are applied,
 * each exactly once (the simulator's ledger records every change it receives), partial failures stay per item and
 * are retried alone, a worker that dies between intent and outcome is reconciled before anything is sent again, two
 * workers share a batch, drift is caught before writing, and undo restores or asks.
 */
import type { SimulatorState } from '@recdesk/ads-simulator/state';
import type { ApplyBatch } from '@recdesk/shared-types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAST_CLIENT } from '../sources/shared/sp-test-helpers.ts';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';
import { applySeeded, ledgerCounts, seedKeywordBids } from './apply-test-helpers.ts';

describe.each(databaseTargets)('apply pipeline on $name', ({ create }) => {
  let bff: TestBff;
  let state: SimulatorState;

  beforeEach(async () => {
    bff = await startTestBff(await create(), FAST_CLIENT);
    state = bff.runtime.simulator?.state as SimulatorState;
  });
  afterEach(async () => {
    await bff.close();
  });

  const keywordOf = (keywordId: string) => state.world.keywords.find((k) => k.keywordId === keywordId);
  const batchOf = async (batchId: string): Promise<ApplyBatch> => (await bff.http.get(`/api/apply/${batchId}`).expect(200)).body;
  const writesTo = (path: string) => state.requestLog.filter((r) => r.method === 'PUT' && r.path.endsWith(path) && !r.fault);

  it('applies approved items once, refuses the others, and a second click queues nothing', async () => {
    const approved = await seedKeywordBids(bff.runtime, 5);
    const unapproved = await seedKeywordBids(bff.runtime, 2, { approved: false });
    const ids = [...approved, ...unapproved].map((s) => s.recommendationId);

    const accepted = (await bff.http.post('/api/apply').send({ ids }).expect(202)).body;
    expect(accepted.queued).toBe(5);
    expect(accepted.refused.map((r: { id: string; code: string }) => [r.id, r.code])).toEqual(
      unapproved.map((s) => [s.recommendationId, 'not_approved']),
    );
    const again = await bff.http.post('/api/apply').send({ ids }).expect(409);
    expect(again.body.refused.filter((r: { code: string }) => r.code === 'already_queued')).toHaveLength(5);

    await bff.runtime.apply.createWorker().sweep();
    const batch = await batchOf(accepted.batchId);
    expect(batch.finished).toBe(true);
    expect(batch.counts).toMatchObject({ applied: 5, failed: 0, queued: 0, applying: 0 });
    const counts = ledgerCounts(state);
    for (const s of approved) {
      expect(counts.get(`keyword:${s.keywordId}`)).toBe(1);
      expect(keywordOf(s.keywordId)?.bid).toBe(1.25);
    }
    for (const s of unapproved) {
      expect(counts.get(`keyword:${s.keywordId}`)).toBeUndefined();
      expect(keywordOf(s.keywordId)?.bid).toBe(1);
    }
    const first = approved[0]?.recommendationId as string;
    // After the read-back the item's current value is the applied one; the proposal's start stays beside it.
    expect((await bff.http.get(`/api/recommendations/${first}`).expect(200)).body).toMatchObject({
      status: 'applied',
      liveValue: { value: 1.25 },
      action: { from: 1 },
      actions: { undo: { allowed: true }, approve: { allowed: false, reason: 'state' } },
    });
    const history = (await bff.http.get(`/api/recommendations/${first}/history`).expect(200)).body.events;
    const appliedEvent = history.find((e: { to: string }) => e.to === 'applied');
    expect(appliedEvent).toMatchObject({
      from: 'applying',
      actor: { type: 'system', id: 'apply-worker' },
      before: { bid: 1 },
      after: { bid: 1.25 },
    });
    // Approved in SQL by the helper: the apply path's own events follow.
    expect(history.map((e: { to: string }) => e.to).slice(-2)).toEqual(['applying', 'applied']);
  });

  it('a 207 with 10 failures in 1,000: 990 applied, 10 failed with the upstream reason, retry-failed retries just those', async () => {
    const seeded = await seedKeywordBids(bff.runtime, 1000);
    const archived = seeded.filter((_, i) => i % 100 === 7);
    for (const s of archived) (keywordOf(s.keywordId) as { state: string }).state = 'ARCHIVED';

    const batchId = await applySeeded(bff.http, seeded);
    await bff.runtime.apply.createWorker().sweep();
    const batch = await batchOf(batchId);
    expect(batch.counts).toMatchObject({ applied: 990, failed: 10 });
    const failed = batch.items.filter((i) => i.state === 'failed');
    expect(failed.map((i) => i.recommendationId).sort()).toEqual(archived.map((s) => s.recommendationId).sort());
    for (const item of failed) {
      expect(item.reasonCode).toBe('ARCHIVED_ENTITY_CANNOT_BE_MODIFIED');
      expect(item.reason).toMatch(/archived keyword cannot be modified/i);
    }
    expect(writesTo('/sp/keywords')).toHaveLength(1);

    for (const s of archived) (keywordOf(s.keywordId) as { state: string }).state = 'ENABLED';
    const retried = (await bff.http.post(`/api/apply/${batchId}/retry-failed`).expect(202)).body;
    expect(retried.requeued).toBe(10);
    await bff.runtime.apply.createWorker().sweep();
    expect((await batchOf(batchId)).counts).toMatchObject({ applied: 1000, failed: 0 });
    const retryCall = writesTo('/sp/keywords')[1];
    expect(writesTo('/sp/keywords')).toHaveLength(2);
    expect(retryCall).toBeDefined();
    const counts = ledgerCounts(state);
    for (const s of seeded) expect(counts.get(`keyword:${s.keywordId}`)).toBe(1);
  }, 120_000);

  it('an item whose live value changed since the recommendation is drifted, not written', async () => {
    const seeded = await seedKeywordBids(bff.runtime, 3);
    const moved = seeded[1] as (typeof seeded)[number];
    (keywordOf(moved.keywordId) as { bid: number }).bid = 2;
    const batchId = await applySeeded(bff.http, seeded);
    await bff.runtime.apply.createWorker().sweep();
    const batch = await batchOf(batchId);
    expect(batch.counts).toMatchObject({ applied: 2, drifted: 1 });
    expect(batch.items.find((i) => i.recommendationId === moved.recommendationId)).toMatchObject({ state: 'drifted', valueBefore: 2 });
    expect(ledgerCounts(state).get(`keyword:${moved.keywordId}`)).toBeUndefined();
    expect((await bff.http.get(`/api/recommendations/${moved.recommendationId}`).expect(200)).body.status).toBe('drifted');
  });

  it.each([
    ['after the call reached upstream', 'afterCall' as const],
    ['before the call was sent', 'beforeCall' as const],
  ])('a worker that dies between intent and outcome (%s) is reconciled and nothing is applied twice', async (_label, hook) => {
    const seeded = await seedKeywordBids(bff.runtime, 20);
    const batchId = await applySeeded(bff.http, seeded);
    const crashing = bff.runtime.apply.createWorker({
      leaseMs: 0,
      hooks: {
        [hook]: () => {
          throw new Error('simulated crash');
        },
      },
    });
    await expect(crashing.sweep()).rejects.toThrow('simulated crash');
    const stuck = await batchOf(batchId);
    expect(stuck.counts.applying).toBe(20);

    await bff.runtime.apply.createWorker().sweep();
    const batch = await batchOf(batchId);
    expect(batch.counts).toMatchObject({ applied: 20, applying: 0, failed: 0 });
    expect(writesTo('/sp/keywords')).toHaveLength(1);
    const counts = ledgerCounts(state);
    for (const s of seeded) expect(counts.get(`keyword:${s.keywordId}`)).toBe(1);
  });

  it('a worker paused past its lease writes nothing once another worker has taken the chunk over', async () => {
    const seeded = await seedKeywordBids(bff.runtime, 20);
    const batchId = await applySeeded(bff.http, seeded);
    const takeover = bff.runtime.apply.createWorker();
    // The paused worker's lease runs out while its call is answered; the other one takes over and settles the items.
    const paused = bff.runtime.apply.createWorker({
      leaseMs: 0,
      hooks: { afterCall: async () => void (await takeover.sweep()) },
    });
    await expect(paused.sweep()).rejects.toThrow(/lease/);

    const batch = await batchOf(batchId);
    expect(batch).toMatchObject({ finished: true, counts: { applied: 20, applying: 0, queued: 0, failed: 0 } });
    expect(writesTo('/sp/keywords')).toHaveLength(1);
    for (const s of seeded) expect(ledgerCounts(state).get(`keyword:${s.keywordId}`)).toBe(1);
  });

  it('two workers share a batch and apply no item twice', async () => {
    const seeded = await seedKeywordBids(bff.runtime, 2500);
    const batchId = await applySeeded(bff.http, seeded);
    const [a, b] = [bff.runtime.apply.createWorker({ workerId: 'a' }), bff.runtime.apply.createWorker({ workerId: 'b' })];
    await Promise.all([a.sweep(batchId), b.sweep(batchId)]);
    const batch = await batchOf(batchId);
    expect(batch.counts).toMatchObject({ applied: 2500 });
    expect(writesTo('/sp/keywords')).toHaveLength(3);
    const counts = ledgerCounts(state);
    for (const s of seeded) expect(counts.get(`keyword:${s.keywordId}`)).toBe(1);
  }, 120_000);

  it('undo restores the previous values; after an outside change it asks with the three values and changes nothing', async () => {
    const seeded = await seedKeywordBids(bff.runtime, 3);
    const batchId = await applySeeded(bff.http, seeded);
    await bff.runtime.apply.createWorker().sweep();

    const touched = seeded[0] as (typeof seeded)[number];
    (keywordOf(touched.keywordId) as { bid: number }).bid = 1.5;
    const refused = await bff.http.post('/api/undo').send({ batchId }).expect(409);
    expect(refused.body.changed).toEqual([{ id: touched.recommendationId, original: 1, applied: 1.25, current: 1.5 }]);
    const ledgerBefore = state.ledger.length;
    await bff.runtime.apply.createWorker().sweep();
    expect(state.ledger.length).toBe(ledgerBefore);

    const rest = seeded.slice(1);
    const undone = (
      await bff.http
        .post('/api/undo')
        .send({ ids: rest.map((s) => s.recommendationId) })
        .expect(202)
    ).body;
    expect(undone.queued).toBe(2);
    await bff.runtime.apply.createWorker().sweep();
    for (const s of rest) expect(keywordOf(s.keywordId)?.bid).toBe(1);
    expect((await batchOf(undone.batchId)).counts).toMatchObject({ applied: 2 });
    for (const s of rest)
      expect((await bff.http.get(`/api/recommendations/${s.recommendationId}`).expect(200)).body.status).toBe('rolled_back');
    expect(keywordOf(touched.keywordId)?.bid).toBe(1.5);
  });
});
