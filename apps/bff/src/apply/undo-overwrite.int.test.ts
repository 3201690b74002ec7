/**
 * Undo after an outside change, once the person has seen the three values and chosen to put the original back: on
 * PGlite and the PostgreSQL server, the undo expects the current value (not the one RecDesk applied), restores the
 * original exactly once, and still writes nothing if the value moves again before the write.
 */
import type { SimulatorState } from '@recdesk/ads-simulator/state';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST_CLIENT } from '../sources/shared/sp-test-helpers.ts';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';
import { ledgerCounts, seedKeywordBids } from './apply-test-helpers.ts';

describe.each(databaseTargets)('undo with overwrite on $name', ({ create }) => {
  let bff: TestBff;
  let state: SimulatorState;

  // One BFF for the file: each test seeds keywords of its own.
  beforeAll(async () => {
    bff = await startTestBff(await create(), FAST_CLIENT);
    state = bff.runtime.simulator?.state as SimulatorState;
  }, 120_000);
  afterAll(async () => {
    await bff?.close();
  });

  const keywordOf = (keywordId: string) => state.world.keywords.find((k) => k.keywordId === keywordId) as { bid: number };

  it('asks first, then on overwrite restores the original over the outside change, once', async () => {
    const seeded = await seedKeywordBids(bff.runtime, 2);
    const ids = seeded.map((s) => s.recommendationId);
    const { batchId } = (await bff.http.post('/api/apply').send({ ids }).expect(202)).body;
    await bff.runtime.apply.createWorker().sweep();
    const [touched, untouched] = seeded as [(typeof seeded)[number], (typeof seeded)[number]];
    keywordOf(touched.keywordId).bid = 1.5;

    // Without the person's say, nothing is undone.
    const asked = await bff.http.post('/api/undo').send({ batchId }).expect(409);
    expect(asked.body.changed).toEqual([{ id: touched.recommendationId, original: 1, applied: 1.25, current: 1.5 }]);
    const writesBefore = ledgerCounts(state);

    const undone = (await bff.http.post('/api/undo').send({ batchId, overwrite: true }).expect(202)).body;
    expect(undone.queued).toBe(2);
    await bff.runtime.apply.createWorker().sweep();
    const batch = (await bff.http.get(`/api/apply/${undone.batchId}`).expect(200)).body;
    expect(batch.counts).toMatchObject({ applied: 2, drifted: 0, failed: 0 });
    expect(batch.items.find((i: { recommendationId: string }) => i.recommendationId === touched.recommendationId)).toMatchObject({
      expectedValue: 1.5,
      targetValue: 1,
      valueBefore: 1.5,
      valueAfter: 1,
    });
    expect(keywordOf(touched.keywordId).bid).toBe(1);
    expect(keywordOf(untouched.keywordId).bid).toBe(1);
    const writesAfter = ledgerCounts(state);
    for (const s of seeded)
      expect((writesAfter.get(`keyword:${s.keywordId}`) ?? 0) - (writesBefore.get(`keyword:${s.keywordId}`) ?? 0)).toBe(1);
    // A second overwrite finds nothing applied to undo.
    const again = (await bff.http.post('/api/undo').send({ ids, overwrite: true }).expect(202)).body;
    expect(again.queued).toBe(0);
  });

  it('an overwriting undo still drifts, writing nothing, if the value moves again before the write', async () => {
    const [seeded] = await seedKeywordBids(bff.runtime, 1);
    if (!seeded) throw new Error('no keyword seeded');
    await bff.http
      .post('/api/apply')
      .send({ ids: [seeded.recommendationId] })
      .expect(202);
    await bff.runtime.apply.createWorker().sweep();
    keywordOf(seeded.keywordId).bid = 1.5;
    const undone = (
      await bff.http
        .post('/api/undo')
        .send({ ids: [seeded.recommendationId], overwrite: true })
        .expect(202)
    ).body;
    keywordOf(seeded.keywordId).bid = 1.7;
    const writes = ledgerCounts(state).get(`keyword:${seeded.keywordId}`);
    await bff.runtime.apply.createWorker().sweep();
    expect((await bff.http.get(`/api/apply/${undone.batchId}`).expect(200)).body.counts).toMatchObject({ drifted: 1, applied: 0 });
    expect(keywordOf(seeded.keywordId).bid).toBe(1.7);
    expect(ledgerCounts(state).get(`keyword:${seeded.keywordId}`)).toBe(writes);
  });

  it('undoes a change whose measurement settled (measured), with the undo action offered and the history saying so', async () => {
    const [seeded] = await seedKeywordBids(bff.runtime, 1);
    if (!seeded) throw new Error('no keyword seeded');
    const id = seeded.recommendationId;
    await bff.http
      .post('/api/apply')
      .send({ ids: [id] })
      .expect(202);
    await bff.runtime.apply.createWorker().sweep();
    // The measurement's step of the lifecycle, as the impact run takes it (the database allows applied → measured).
    await sql`UPDATE recommendations SET status = 'measured', version = version + 1 WHERE id = ${id}`.execute(bff.runtime.db);
    const measured = (await bff.http.get(`/api/recommendations/${id}`).expect(200)).body;
    expect(measured.status).toBe('measured');
    expect(measured.actions.undo).toMatchObject({ allowed: true });

    const undone = (
      await bff.http
        .post('/api/undo')
        .send({ ids: [id] })
        .expect(202)
    ).body;
    expect(undone).toMatchObject({ queued: 1, cannotUndo: [] });
    await bff.runtime.apply.createWorker().sweep();
    expect(keywordOf(seeded.keywordId).bid).toBe(1);
    expect((await bff.http.get(`/api/recommendations/${id}`).expect(200)).body.status).toBe('rolled_back');
    const history = (await bff.http.get(`/api/recommendations/${id}/history`).expect(200)).body.events;
    expect(history.at(-1)).toMatchObject({ from: 'measured', to: 'rolled_back' });
  });

  it('refuses an overwrite flag that is not true, like any unknown field', async () => {
    await bff.http
      .post('/api/undo')
      .send({ ids: ['00000000-0000-4000-8000-000000000001'], overwrite: false })
      .expect(400);
    await bff.http
      .post('/api/undo')
      .send({ ids: ['00000000-0000-4000-8000-000000000001'], force: true })
      .expect(400);
  });
});
