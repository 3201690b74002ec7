import {
  BulkActionResultSchema,
  ConflictListSchema,
  type NormalisedRecommendation,
  type Recommendation,
  type RecommendationPage,
} from '@recdesk/shared-types';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bidChange, budgetChange, insight, newKeyword } from '../lifecycle/recommendation-fixtures.ts';
import { recommendationIdOf } from '../lifecycle/recommendation-store.ts';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';

// Each case starts a whole BFF (simulator, database, sign-in); on a busy machine that alone can take seconds.
vi.setConfig({ testTimeout: 120_000 });
const START = new Date('2026-06-01T12:00:00Z');
const HOUR = 3_600_000;
const po = (id: string) => recommendationIdOf('partner-opportunities', id);

describe.each(databaseTargets)('conflicts and the queue on $name', ({ create }) => {
  let bff: TestBff | undefined;
  let clock = START;
  afterEach(async () => {
    await bff?.close();
    bff = undefined;
    clock = START;
  });

  async function start() {
    bff = await startTestBff(await create(), {}, { now: () => clock });
    return bff;
  }

  async function ingest(app: TestBff, items: NormalisedRecommendation[]) {
    await app.runtime.store.upsertMany(items);
    await app.runtime.lifecycle.afterIngest();
  }

  async function conflicts(app: TestBff, query: Record<string, string> = {}) {
    return ConflictListSchema.parse((await app.http.get('/api/conflicts').query(query).expect(200)).body);
  }

  it('finds a budget cut against bid increases after ingestion, blocks bulk approval, and resolves by rejecting the other side', async () => {
    const app = await start();
    await ingest(app, [
      budgetChange({ id: 'cut', from: 100, to: 60 }),
      bidChange({ id: 'k1', keywordId: 'K1', text: 'kettle', from: 1, to: 1.2 }),
      bidChange({ id: 'k2', keywordId: 'K2', text: 'teapot', from: 1, to: 1.1 }),
      // Not contradicting anything: a bid increase on another campaign, an insight.
      bidChange({ id: 'other', campaignId: 'C2', keywordId: 'K9', from: 1, to: 1.5 }),
      insight({ id: 'i1' }),
    ]);
    const list = await conflicts(app, { advertiserId: 'A1', status: 'open' });
    expect(list.total).toBe(1);
    const conflict = list.items[0];
    expect(conflict).toMatchObject({
      kind: 'budget_cut_with_bid_increase',
      status: 'open',
      entityKey: 'campaign:C1',
      memberIds: [po('cut'), po('k1'), po('k2')].sort(),
      explanation: expect.stringContaining(
        'Budget cut 100.00 → 60.00 USD on Campaign Summer Sale while 2 keyword bid increases on it are pending',
      ),
    });
    expect(conflict?.members.map((m) => m.id).sort()).toEqual([po('cut'), po('k1'), po('k2')].sort());
    expect((await conflicts(app, { recommendationId: po('k1') })).total).toBe(1);
    expect((await conflicts(app, { recommendationId: po('other') })).total).toBe(0);

    // The queue shows which items are conflicted.
    const conflicted: RecommendationPage = (await app.http.get('/api/recommendations?conflicted=true').expect(200)).body;
    expect(conflicted.items.map((i) => i.id).sort()).toEqual([po('cut'), po('k1'), po('k2')].sort());
    expect(conflicted.items.every((i) => i.conflictIds.length === 1 && i.conflictIds[0] === conflict?.id)).toBe(true);
    const clear: RecommendationPage = (await app.http.get('/api/recommendations?conflicted=false').expect(200)).body;
    expect(clear.items.map((i) => i.id).sort()).toEqual([po('i1'), po('other')].sort());

    const bulk = BulkActionResultSchema.parse(
      (
        await app.http
          .post('/api/recommendations/bulk')
          .send({ action: 'approve', ids: [po('k1'), po('other')], versions: [1, 1] })
          .expect(200)
      ).body,
    );
    expect(bulk.results.map((r) => r.outcome)).toEqual(['refused', 'done']);
    expect(bulk.results[0]?.message).toMatch(/cannot be approved in bulk: Budget cut 100\.00 → 60\.00 USD/);

    const asked = await app.http
      .post(`/api/recommendations/${po('cut')}/approve`)
      .send({ version: 1 })
      .expect(409);
    expect(asked.body).toMatchObject({
      refusal: 'conflict',
      conflictIds: [conflict?.id],
      detail: expect.stringMatching(/reject_others.*keep_others/),
    });

    await app.http
      .post(`/api/recommendations/${po('cut')}/approve`)
      .set('x-recdesk-user', 'lea')
      .send({ version: 1, conflictResolution: 'reject_others' })
      .expect(200);
    const after = (await app.http.get(`/api/conflicts/${conflict?.id}`).expect(200)).body;
    expect(after).toMatchObject({ status: 'resolved', resolution: expect.stringMatching(/approved .* and rejected the other side/) });
    const k1: Recommendation = (await app.http.get(`/api/recommendations/${po('k1')}`).expect(200)).body;
    expect(k1).toMatchObject({ status: 'rejected', conflictIds: [] });
    const k1History = await app.runtime.lifecycle.history(po('k1'));
    expect(k1History.events.at(-1)).toMatchObject({ to: 'rejected', actor: { type: 'user' }, reason: 'conflicts_with_strategy' });
    expect((await conflicts(app, { status: 'open' })).total).toBe(0);
  });

  it('keeps the other side when asked, and does not raise the same conflict again', async () => {
    const app = await start();
    await ingest(app, [budgetChange({ id: 'cut', from: 200, to: 150 }), newKeyword({ id: 'nk', text: 'glass kettle', bid: 1 })]);
    const [conflict] = (await conflicts(app)).items;
    expect(conflict).toMatchObject({
      kind: 'budget_cut_with_expansion',
      explanation: expect.stringContaining('new keyword "glass kettle"'),
    });
    await app.http
      .post(`/api/recommendations/${po('nk')}/approve`)
      .send({ version: 1, conflictResolution: 'keep_others' })
      .expect(200);
    await app.http.post('/api/conflicts/detect').expect(200);
    expect((await conflicts(app, { status: 'open' })).total).toBe(0);
    // The kept side can now be approved on its own.
    await app.http
      .post(`/api/recommendations/${po('cut')}/approve`)
      .send({ version: 1 })
      .expect(200);
  });

  it('resolves a conflict by itself when a member is rejected or expires', async () => {
    const app = await start();
    await ingest(app, [
      bidChange({ id: 'up', from: 1, to: 1.3 }),
      bidChange({ id: 'down', from: 1, to: 0.8, source: 'sp-theme-bids', expiresAt: new Date(START.getTime() + HOUR).toISOString() }),
      budgetChange({ id: 'b60', campaignId: 'C7', from: 100, to: 60 }),
      budgetChange({ id: 'b80', campaignId: 'C7', from: 100, to: 80, source: 'sp-budget' }),
    ]);
    const open = await conflicts(app, { status: 'open' });
    expect(open.items.map((c) => c.kind).sort()).toEqual(['disagreeing_values', 'opposite_directions']);

    await app.http
      .post(`/api/recommendations/${po('b60')}/reject`)
      .send({ version: 1, reason: 'too_risky' })
      .expect(200);
    const disagreeing = (await conflicts(app)).items.find((c) => c.kind === 'disagreeing_values');
    expect(disagreeing).toMatchObject({ status: 'resolved', resolution: expect.stringMatching(/was rejected/) });

    clock = new Date(START.getTime() + 2 * HOUR);
    expect(await app.runtime.lifecycle.expireDue()).toBe(1);
    const opposite = (await conflicts(app)).items.find((c) => c.kind === 'opposite_directions');
    expect(opposite).toMatchObject({ status: 'resolved', resolution: expect.stringMatching(/was expired/) });
    expect((await conflicts(app, { status: 'open' })).total).toBe(0);
  });

  it('groups duplicates across sources, keeps one primary and supersedes the others', async () => {
    const app = await start();
    await ingest(app, [
      bidChange({ id: 'dup', text: 'kettle', from: 1, to: 1.25, impactScore: 3 }),
      bidChange({ id: 'dup', text: 'kettle', from: 1, to: 1.25, impactScore: 9, source: 'sp-consolidated' }),
    ]);
    const [conflict] = (await conflicts(app)).items;
    const primary = recommendationIdOf('sp-consolidated', 'dup');
    expect(conflict).toMatchObject({ kind: 'duplicate', status: 'open', primaryId: primary });
    expect(conflict?.explanation).toMatch(/proposed by SP consolidated, Partner Opportunities/);
    const superseded: Recommendation = (await app.http.get(`/api/recommendations/${po('dup')}`).expect(200)).body;
    expect(superseded.status).toBe('superseded');
    // A duplicate does not block its primary, even in bulk.
    const bulk = BulkActionResultSchema.parse(
      (
        await app.http
          .post('/api/recommendations/bulk')
          .send({ action: 'approve', ids: [primary], versions: [1] })
          .expect(200)
      ).body,
    );
    expect(bulk.results[0]?.outcome).toBe('done');
    // Rejecting the primary resolves the group; the duplicate stays superseded.
    await app.http.post(`/api/recommendations/${primary}/reject`).send({ version: 2, reason: 'already_done' }).expect(200);
    expect((await conflicts(app, { status: 'open' })).total).toBe(0);
  });

  it('filters and sorts the queue with a keyset cursor per sort, NULLs last', async () => {
    const app = await start();
    const items: NormalisedRecommendation[] = [];
    for (let i = 0; i < 23; i++) {
      items.push(
        bidChange({
          id: `q${i}`,
          keywordId: `K${i}`,
          text: i % 2 === 0 ? `kettle ${i}` : `teapot ${i}`,
          campaignId: `C${i}`,
          from: 1,
          to: 1.1,
          confidence: i % 4 === 0 ? null : (i % 7) / 10,
          impactScore: i % 3 === 0 ? null : i % 5,
          generatedAt: new Date(START.getTime() - (i % 6) * HOUR).toISOString(),
          refreshedAt: new Date(START.getTime() - (i % 3) * 30 * HOUR).toISOString(),
          expiresAt: i % 5 === 0 ? null : new Date(START.getTime() + ((i * 7) % 50) * HOUR).toISOString(),
        }),
      );
    }
    await ingest(app, items);

    async function all(query: Record<string, string>): Promise<Recommendation[]> {
      const out: Recommendation[] = [];
      let cursor: string | null = null;
      do {
        const page: RecommendationPage = (
          await app.http
            .get('/api/recommendations')
            .query({ ...query, limit: '4', ...(cursor ? { cursor } : {}) })
            .expect(200)
        ).body;
        out.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return out;
    }

    const everything = await all({});
    expect(everything).toHaveLength(23);
    const desc = (key: (r: Recommendation) => number | null) => (a: Recommendation, b: Recommendation) => {
      const [x, y] = [key(a), key(b)];
      if (x === y) return a.id < b.id ? 1 : -1;
      if (x === null) return 1;
      if (y === null) return -1;
      return y - x;
    };
    for (const [sort, key] of [
      ['priority', (r: Recommendation) => r.priority],
      ['impactScore', (r: Recommendation) => r.impactScore],
      ['confidence', (r: Recommendation) => r.confidence],
      ['generatedAt', (r: Recommendation) => Date.parse(r.generatedAt)],
    ] as const) {
      const paged = await all({ sort });
      expect(paged.map((r) => r.id)).toEqual([...everything].sort(desc(key)).map((r) => r.id));
    }
    const byExpiry = await all({ sort: 'expiresAt' });
    const expiryKey = (r: Recommendation) => (r.expiresAt ? Date.parse(r.expiresAt) : Number.POSITIVE_INFINITY);
    expect(byExpiry.map((r) => r.id)).toEqual(
      [...everything].sort((a, b) => expiryKey(a) - expiryKey(b) || (a.id < b.id ? -1 : 1)).map((r) => r.id),
    );

    for (const freshness of ['fresh', 'aging', 'stale'] as const) {
      const filtered = await all({ freshness });
      expect(filtered.map((r) => r.id).sort()).toEqual(
        everything
          .filter((r) => r.freshness === freshness)
          .map((r) => r.id)
          .sort(),
      );
      expect(filtered.length).toBeGreaterThan(0);
    }
    const soon = await all({ expiringWithin: '12', sort: 'expiresAt' });
    expect(soon.map((r) => r.id).sort()).toEqual(
      everything
        .filter((r) => r.expiresAt && Date.parse(r.expiresAt) > START.getTime() && Date.parse(r.expiresAt) <= START.getTime() + 12 * HOUR)
        .map((r) => r.id)
        .sort(),
    );
    expect((await all({ q: 'TEAPOT' })).length).toBe(11);
    expect((await all({ q: '100%_' })).length).toBe(0);
    expect((await all({ kind: 'bid', goal: 'performance', status: 'validated', source: 'partner-opportunities' })).length).toBe(23);
    expect((await all({ kind: 'budget' })).length).toBe(0);
    const total = (await app.http.get('/api/recommendations?q=teapot&limit=2').expect(200)).body;
    expect(total).toMatchObject({ total: 11 });
    const first = (await app.http.get('/api/recommendations?sort=priority&limit=2').expect(200)).body;
    await app.http.get(`/api/recommendations?sort=expiresAt&cursor=${first.nextCursor}`).expect(400);
  });
});
