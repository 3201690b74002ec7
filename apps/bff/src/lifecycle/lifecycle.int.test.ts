import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  BulkActionResultSchema,
  type NormalisedRecommendation,
  type Recommendation,
  RecommendationHistorySchema,
  StaleVersionProblemExtraSchema,
} from '@recdesk/shared-types';
import { sql } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';
import { bidChange, budgetChange, insight } from './recommendation-fixtures.ts';
import { recommendationIdOf } from './recommendation-store.ts';

const HOUR = 3_600_000;

// Each case starts a whole BFF (simulator, database, sign-in); on a busy machine that alone can take seconds.
vi.setConfig({ testTimeout: 120_000 });
const START = new Date('2026-06-01T12:00:00Z');

describe.each(databaseTargets)('recommendation lifecycle on $name', ({ create }) => {
  let bff: TestBff | undefined;
  let clock = START;
  afterEach(async () => {
    await bff?.close();
    bff = undefined;
    clock = START;
  });

  async function start(env: Record<string, string> = {}) {
    bff = await startTestBff(await create(), env, { now: () => clock });
    return bff;
  }

  /** What a sync does with upstream items: store them, then validate and look for conflicts. */
  async function ingest(app: TestBff, items: NormalisedRecommendation[]) {
    await app.runtime.store.upsertMany(items);
    await app.runtime.lifecycle.afterIngest();
  }

  const idOf = (sourceId: string) => recommendationIdOf('partner-opportunities', sourceId);

  async function get(app: TestBff, id: string): Promise<Recommendation> {
    return (await app.http.get(`/api/recommendations/${id}`).expect(200)).body;
  }

  it('validates new items, approves at the seen version and records who, when, why and the values', async () => {
    const app = await start();
    await ingest(app, [budgetChange({ id: 'b1', from: 100, to: 120 })]);
    const item = await get(app, idOf('b1'));
    expect(item).toMatchObject({ status: 'validated', version: 1, validationIssues: [], freshness: 'fresh' });
    expect(item.priority).toBeGreaterThan(0);

    const approved = await app.http
      .post(`/api/recommendations/${item.id}/approve`)
      .set('x-recdesk-user', 'maria@example.com')
      .send({ version: 1, note: 'season starts', editedValue: 115 })
      .expect(200);
    expect(approved.body).toMatchObject({ status: 'approved', version: 2 });

    const history = RecommendationHistorySchema.parse((await app.http.get(`/api/recommendations/${item.id}/history`).expect(200)).body);
    expect(history.events.map((e) => [e.from, e.to])).toEqual([
      [null, 'discovered'],
      ['discovered', 'validated'],
      ['validated', 'approved'],
    ]);
    expect(history.events[0]).toMatchObject({ actor: { type: 'system', id: 'ingest' }, reason: 'discovered upstream' });
    expect(history.events[1]).toMatchObject({ actor: { type: 'system', id: 'validation' }, reason: 'passed validation' });
    expect(history.events[2]).toMatchObject({
      // The person acting (the x-recdesk-user header until sign-in exists; the signed-in user after).
      actor: { type: 'user', id: expect.stringMatching(/\S/), version: null },
      at: START.toISOString(),
      reason: 'approved with an edited value',
      note: 'season starts',
      before: { dailyBudget: 120 },
      after: { dailyBudget: 115 },
    });
  });

  it('answers a stale version with 409 and the current state, and lets exactly one of two concurrent approvals win', async () => {
    const app = await start();
    await ingest(app, [bidChange({ id: 'k1', from: 1, to: 1.2 })]);
    const id = idOf('k1');
    const [first, second] = await Promise.all([
      app.http.post(`/api/recommendations/${id}/approve`).set('x-recdesk-user', 'ana').send({ version: 1 }),
      app.http.post(`/api/recommendations/${id}/approve`).set('x-recdesk-user', 'ben').send({ version: 1 }),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    const loser = first.status === 409 ? first : second;
    expect(loser.headers['content-type']).toMatch(/application\/problem\+json/);
    const extra = StaleVersionProblemExtraSchema.parse(loser.body);
    expect(extra).toMatchObject({ currentStatus: 'approved', currentVersion: 2, current: { id, status: 'approved', version: 2 } });
    expect(loser.body.detail).toMatch(/version 1.*version 2/);
    const approvals = (await app.runtime.lifecycle.history(id)).events.filter((e) => e.to === 'approved');
    expect(approvals).toHaveLength(1);

    // Reject with the old version: refused, nothing written.
    const stale = await app.http.post(`/api/recommendations/${id}/reject`).send({ version: 1, reason: 'too_risky' }).expect(409);
    expect(stale.body).toMatchObject({ refusal: 'stale_version', currentVersion: 2 });
  });

  it('refuses to approve an expired item, and the expiry job moves it to expired with an event', async () => {
    const app = await start();
    await ingest(app, [budgetChange({ id: 'e1', from: 50, to: 60, expiresAt: new Date(START.getTime() + HOUR).toISOString() })]);
    const id = idOf('e1');
    clock = new Date(START.getTime() + 2 * HOUR);
    const early = await app.http.post(`/api/recommendations/${id}/approve`).send({ version: 1 }).expect(409);
    expect(early.body).toMatchObject({
      refusal: 'expired',
      detail: expect.stringMatching(/expired at .* can no longer be approved or applied/),
    });

    expect(await app.runtime.lifecycle.expireDue()).toBe(1);
    const expired = await get(app, id);
    expect(expired).toMatchObject({ status: 'expired', version: 2 });
    const late = await app.http.post(`/api/recommendations/${id}/approve`).send({ version: 2 }).expect(409);
    expect(late.body).toMatchObject({ refusal: 'expired', currentStatus: 'expired' });
    // Nor applied: the apply worker and the rules ask the same machine.
    expect(await app.runtime.lifecycle.applyDecision(id)).toMatchObject({ ok: false, refusal: { code: 'expired' } });
    const events = (await app.runtime.lifecycle.history(id)).events;
    expect(events.at(-1)).toMatchObject({ from: 'validated', to: 'expired', actor: { type: 'system', id: 'expiry' } });
    // A second run has nothing to do.
    expect(await app.runtime.lifecycle.expireDue()).toBe(0);
  });

  it('gives an item without a source expiry the policy expiry', async () => {
    const app = await start({ FRESHNESS_POLICIES: JSON.stringify({ 'partner-opportunities': { expireAfterHours: 10 } }) });
    await ingest(app, [budgetChange({ id: 'p1', from: 50, to: 60, expiresAt: null })]);
    const item = await get(app, idOf('p1'));
    expect(item.expiresAt).toBe(new Date(new Date(item.refreshedAt).getTime() + 10 * HOUR).toISOString());
  });

  it('keeps a rejected item rejected when upstream sends it again, until the quiet period is over', async () => {
    const app = await start({ REJECTION_QUIET_PERIOD_HOURS: '24' });
    await ingest(app, [bidChange({ id: 'r1', from: 1, to: 1.5 })]);
    const id = idOf('r1');
    const rejected = await app.http
      .post(`/api/recommendations/${id}/reject`)
      .set('x-recdesk-user', 'ana')
      .send({ version: 1, reason: 'other', note: 'brand keyword, we keep it low' })
      .expect(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', version: 2 });
    await app.http.post(`/api/recommendations/${id}/reject`).send({ version: 2, reason: 'other' }).expect(400);

    clock = new Date(START.getTime() + 2 * HOUR);
    await ingest(app, [bidChange({ id: 'r1', from: 1, to: 1.6 })]);
    expect(await get(app, id)).toMatchObject({ status: 'rejected', action: { to: 1.6 } });

    clock = new Date(START.getTime() + 25 * HOUR);
    await ingest(app, [bidChange({ id: 'r1', from: 1, to: 1.6, refreshedAt: clock.toISOString() })]);
    expect(await get(app, id)).toMatchObject({ status: 'validated' });
    const events = (await app.runtime.lifecycle.history(id)).events;
    expect(events.map((e) => `${e.from}→${e.to}`)).toEqual([
      'null→discovered',
      'discovered→validated',
      'validated→rejected',
      'rejected→rejected',
      'rejected→rejected',
      'rejected→discovered',
      'discovered→validated',
    ]);
    expect(events[2]).toMatchObject({ actor: { type: 'user' }, reason: 'other', note: 'brand keyword, we keep it low' });
    expect(events[3]).toMatchObject({ reason: 'changed upstream', before: { action: { to: 1.5 } }, after: { action: { to: 1.6 } } });
    expect(events[5]?.reason).toMatch(/quiet period/);
  });

  it('withdraws an approval when upstream changes the proposal, so an approval of the old one is refused', async () => {
    const app = await start();
    await ingest(app, [budgetChange({ id: 'u1', from: 100, to: 120 })]);
    const id = idOf('u1');
    await app.http.post(`/api/recommendations/${id}/approve`).send({ version: 1 }).expect(200);
    await ingest(app, [budgetChange({ id: 'u1', from: 100, to: 140 })]);
    expect(await get(app, id)).toMatchObject({ status: 'validated', version: 3, action: { to: 140 } });
    await app.http.post(`/api/recommendations/${id}/approve`).send({ version: 2 }).expect(409);
  });

  it('approves and rejects in bulk with a result per item', async () => {
    const app = await start();
    await ingest(app, [
      bidChange({ id: 'm1', keywordId: 'K1', from: 1, to: 1.1 }),
      bidChange({ id: 'm2', keywordId: 'K2', from: 1, to: 1.1 }),
    ]);
    const missing = '00000000-0000-4000-8000-000000000000';
    const response = await app.http
      .post('/api/recommendations/bulk')
      .send({ action: 'approve', ids: [idOf('m1'), idOf('m2'), missing], versions: [1, 7, 1] })
      .expect(200);
    const result = BulkActionResultSchema.parse(response.body);
    expect(result).toMatchObject({ done: 1, failed: 2 });
    expect(result.results.map((r) => r.outcome)).toEqual(['done', 'conflict', 'not_found']);
    expect(result.results[1]?.recommendation).toMatchObject({ version: 1, status: 'validated' });

    const rejected = BulkActionResultSchema.parse(
      (
        await app.http
          .post('/api/recommendations/bulk')
          .send({ action: 'reject', ids: [idOf('m1'), idOf('m2')], versions: [2, 1], reason: 'not_relevant' })
          .expect(200)
      ).body,
    );
    expect(rejected.results.map((r) => r.outcome)).toEqual(['done', 'done']);
    await app.http
      .post('/api/recommendations/bulk')
      .send({ action: 'reject', ids: [idOf('m1')], versions: [1] })
      .expect(400);
  });

  it('validates against marketplace limits, guardrails and the latest known value', async () => {
    const app = await start({ GUARDRAIL_MAX_BID_CHANGE_PCT: '50' });
    await ingest(app, [
      bidChange({ id: 'v-range', keywordId: 'K1', from: 0.015, to: 0.01 }),
      bidChange({ id: 'v-guard', keywordId: 'K2', from: 1, to: 2 }),
      // Two sources disagree on the current bid of K3: the older item assumes a value that is no longer current.
      bidChange({ id: 'v-old', keywordId: 'K3', from: 1, to: 1.3, refreshedAt: '2026-06-01T01:00:00.000Z' }),
      bidChange({ id: 'v-new', keywordId: 'K3', from: 1.1, to: 1.2, source: 'sp-consolidated', refreshedAt: '2026-06-01T06:00:00.000Z' }),
      {
        ...budgetChange({ id: 'v-noentity', from: 10, to: 12 }),
        entity: { ...budgetChange({ id: 'x', from: 1, to: 2 }).entity, campaignId: null },
      },
      insight({ id: 'v-insight' }),
    ]);
    const range = await get(app, idOf('v-range'));
    expect(range).toMatchObject({ status: 'validated', validationIssues: [{ code: 'bid_out_of_range' }] });
    expect(range.validationIssues[0]?.message).toMatch(/0\.01 USD is outside the US range 0\.02–1000/);
    const refused = await app.http.post(`/api/recommendations/${range.id}/approve`).send({ version: 1 }).expect(409);
    expect(refused.body).toMatchObject({ refusal: 'validation' });
    await app.http.post(`/api/recommendations/${range.id}/approve`).send({ version: 1, editedValue: 0.02 }).expect(200);

    expect(await get(app, idOf('v-guard'))).toMatchObject({ validationIssues: [{ code: 'guardrail_bid_change' }] });
    await app.http.put('/api/advertisers/A1/guardrails').send({ maxBidChangePct: 150 }).expect(200);
    expect(await get(app, idOf('v-guard'))).toMatchObject({ status: 'validated', validationIssues: [] });
    expect((await app.http.get('/api/advertisers/A1/guardrails').expect(200)).body).toMatchObject({
      maxBidChangePct: 150,
      maxBudgetChangePct: 100,
      overridden: ['maxBidChangePct'],
    });

    expect(await get(app, idOf('v-old'))).toMatchObject({ status: 'drifted', validationIssues: [{ code: 'drifted' }] });
    expect(await get(app, recommendationIdOf('sp-consolidated', 'v-new'))).toMatchObject({ status: 'validated' });
    const drifted = await app.http
      .post(`/api/recommendations/${idOf('v-old')}/approve`)
      .send({ version: 2 })
      .expect(409);
    expect(drifted.body).toMatchObject({ refusal: 'not_allowed', block: 'state' });
    expect(drifted.body.detail).toMatch(/live value changed .* re-validate it/);

    expect(await get(app, idOf('v-noentity'))).toMatchObject({ status: 'discovered', validationIssues: [{ code: 'entity_missing' }] });
    expect(await get(app, idOf('v-insight'))).toMatchObject({ status: 'validated', validationIssues: [] });
  });

  it('lets a stale item be approved only after a re-sync and re-validation', async () => {
    const app = await start();
    await ingest(app, [budgetChange({ id: 's1', from: 100, to: 110, generatedAt: '2026-05-25T00:00:00.000Z' })]);
    const id = idOf('s1');
    clock = new Date(START.getTime() + 30 * HOUR);
    expect(await get(app, id)).toMatchObject({ freshness: 'stale' });
    const refused = await app.http.post(`/api/recommendations/${id}/approve`).send({ version: 1 }).expect(409);
    expect(refused.body).toMatchObject({ refusal: 'stale', detail: expect.stringMatching(/Re-sync its source .* re-validate it/) });
    // Upstream still sends it: the sighting and the validation after it make it approvable.
    await ingest(app, [budgetChange({ id: 's1', from: 100, to: 110, generatedAt: '2026-05-25T00:00:00.000Z' })]);
    await app.http.post(`/api/recommendations/${id}/approve`).send({ version: 1 }).expect(200);
  });

  it('refuses a disallowed transition in the database itself, naming the states', async () => {
    const app = await start();
    await ingest(app, [budgetChange({ id: 'd1', from: 100, to: 110 })]);
    await expect(sql`UPDATE recommendations SET status = 'measured' WHERE id = ${idOf('d1')}`.execute(app.runtime.db)).rejects.toThrow(
      /transition from validated to measured is not allowed/,
    );
    await expect(sql`UPDATE recommendations SET status = 'bogus' WHERE id = ${idOf('d1')}`.execute(app.runtime.db)).rejects.toThrow();
    await expect(sql`DELETE FROM recommendation_events`.execute(app.runtime.db)).rejects.toThrow(/append-only/);
  });
});

describe('restart', () => {
  it('keeps every state and every event', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'recdesk-lifecycle-'));
    const now = () => START;
    const first = await startTestBff({ kind: 'pglite', dataDir }, {}, { now });
    await first.runtime.store.upsertMany([budgetChange({ id: 'z1', from: 100, to: 120 }), bidChange({ id: 'z2', from: 1, to: 1.1 })]);
    await first.runtime.lifecycle.afterIngest();
    const [a, b] = [recommendationIdOf('partner-opportunities', 'z1'), recommendationIdOf('partner-opportunities', 'z2')];
    await first.http.post(`/api/recommendations/${a}/approve`).set('x-recdesk-user', 'ana').send({ version: 1 }).expect(200);
    await first.http.post(`/api/recommendations/${b}/reject`).send({ version: 1, reason: 'already_done' }).expect(200);
    const before = await Promise.all(
      [a, b].map(async (id) => [(await first.http.get(`/api/recommendations/${id}`)).body, await first.runtime.lifecycle.history(id)]),
    );
    await first.close();

    const second = await startTestBff({ kind: 'pglite', dataDir }, {}, { now });
    try {
      const after = await Promise.all(
        [a, b].map(async (id) => [(await second.http.get(`/api/recommendations/${id}`)).body, await second.runtime.lifecycle.history(id)]),
      );
      expect(after).toEqual(before);
      expect(after[0]?.[0]).toMatchObject({ status: 'approved' });
      expect(after[1]?.[0]).toMatchObject({ status: 'rejected' });
    } finally {
      await second.close();
    }
  });
});
