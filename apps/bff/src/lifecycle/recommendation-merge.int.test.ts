/**
 * The set-based merge of an ingest batch (recommendation-merge.ts) through the store: what it returns (the items it
 * inserted or changed, the touched tracking's input), the events it appends in the same statement, and that an
 * unchanged item only gets its sighting. On PGlite (multi-row INSERT staging) and the server (COPY staging).
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { type DatabaseTarget, type Db, migrate, openDatabase } from '../db/database.ts';
import { databaseTargets, dropTestTarget } from '../testing/database-targets.ts';
import { bidChange, budgetChange } from './recommendation-fixtures.ts';
import { RecommendationStore } from './recommendation-store.ts';

describe.each(databaseTargets)('ingest merge on $name', ({ create }) => {
  let target: DatabaseTarget;
  let db: Db | undefined;

  afterEach(async () => {
    await db?.destroy();
    await dropTestTarget(target);
  });

  async function open(clock: { now: Date }) {
    target = await create();
    db = await openDatabase(target);
    await migrate(db, target.kind === 'postgres' ? target.schema : undefined);
    const events: { recommendationId: string; toStatus: string }[] = [];
    const store = new RecommendationStore(db, () => clock.now, {
      rejectionQuietPeriodMs: 3_600_000,
      onEvents: (written) => events.push(...written.map(({ recommendationId, toStatus }) => ({ recommendationId, toStatus }))),
    });
    return { db, store, events };
  }

  it('returns what it inserted or changed, writes their events, and only sights what is unchanged', async () => {
    const clock = { now: new Date('2026-06-01T10:00:00Z') };
    const { db, store, events } = await open(clock);
    const budget = budgetChange({ id: 'b1', advertiserId: 'ADV1', campaignId: 'C1', from: 50, to: 60 });
    const bid = bidChange({ id: 'k1', advertiserId: 'ADV2', campaignId: 'C2', keywordId: 'K1', text: 'teapot', from: 1, to: 1.2 });
    // A duplicated upstream item: the last copy wins, once.
    const first = await store.upsertMany([{ ...budget, title: 'older copy' }, budget, bid]);
    expect(first).toMatchObject({ stored: 2, unchanged: 0 });
    expect(first.changes.map((c) => [c.change, c.advertiserId, c.campaignId]).sort()).toEqual([
      ['inserted', 'ADV1', 'C1'],
      ['inserted', 'ADV2', 'C2'],
    ]);
    expect(events.map((e) => e.toStatus)).toEqual(['discovered', 'discovered']);
    const touched = store.drainTouched();
    expect(touched.map((t) => t.advertiserId).sort()).toEqual(['ADV1', 'ADV2']);
    expect(touched.flatMap((t) => t.itemIds).sort()).toEqual(first.changes.map((c) => c.id).sort());
    const titles = await db.selectFrom('recommendations').select('title').execute();
    expect(titles.map((row) => row.title).sort()).toEqual([budget.title, bid.title].sort());

    // Seen again, one of them changed: only that one is written (version, event); the other gets its sighting.
    clock.now = new Date('2026-06-01T11:00:00Z');
    events.length = 0;
    const second = await store.upsertMany([budget, { ...bid, action: { ...bid.action, to: 1.5 } }]);
    expect(second).toMatchObject({ stored: 1, unchanged: 1 });
    expect(second.changes).toEqual([expect.objectContaining({ change: 'changed', advertiserId: 'ADV2', campaignId: 'C2' })]);
    expect(events).toEqual([{ recommendationId: second.changes[0]?.id, toStatus: 'discovered' }]);
    // Both advertisers were sent: an unchanged item's new sighting needs a validation since (lifecycle-machine.ts).
    // Only the changed one is re-examined; the other is a sighting of its advertiser.
    const again = store.drainTouched();
    expect(again.map((t) => t.advertiserId).sort()).toEqual(['ADV1', 'ADV2']);
    expect(again.flatMap((t) => t.itemIds)).toEqual([second.changes[0]?.id]);
    expect(again.find((t) => t.advertiserId === 'ADV1')?.seenItemIds).toHaveLength(1);
    const rows = await db
      .selectFrom('recommendations')
      .select(['source_recommendation_id', 'version', 'last_seen_at', 'updated_at'])
      .execute();
    const byId = new Map(rows.map((row) => [row.source_recommendation_id, row]));
    expect(byId.get('b1')).toMatchObject({ version: 1 });
    expect(new Date(byId.get('b1')?.last_seen_at ?? 0).toISOString()).toBe('2026-06-01T11:00:00.000Z');
    expect(new Date(byId.get('b1')?.updated_at ?? 0).toISOString()).toBe('2026-06-01T10:00:00.000Z');
    expect(byId.get('k1')).toMatchObject({ version: 2 });
    const history = await db
      .selectFrom('recommendation_events')
      .select(['from_status', 'to_status', 'reason', 'before', 'after'])
      .where('recommendation_id', '=', second.changes[0]?.id ?? '')
      .orderBy('id')
      .execute();
    expect(history).toEqual([
      expect.objectContaining({ from_status: null, to_status: 'discovered', reason: 'discovered upstream' }),
      expect.objectContaining({
        from_status: 'discovered',
        to_status: 'discovered',
        reason: 'changed upstream',
        before: { action: bid.action },
        after: { action: { ...bid.action, to: 1.5 } },
      }),
    ]);
  });

  it('returns a rejected item past its quiet period to the queue, changed or not, with its event', async () => {
    const clock = { now: new Date('2026-06-01T10:00:00Z') };
    const { db, store, events } = await open(clock);
    const a = budgetChange({ id: 'b1', advertiserId: 'ADV1', campaignId: 'C1', from: 50, to: 60 });
    const b = budgetChange({ id: 'b2', advertiserId: 'ADV1', campaignId: 'C2', from: 50, to: 70 });
    await store.upsertMany([a, b]);
    // Rejected through the lifecycle's path: discovered → validated → rejected (the database guards transitions).
    await sql`UPDATE recommendations SET status = 'validated'`.execute(db);
    await sql`UPDATE recommendations SET status = 'rejected', rejected_at = ${clock.now}`.execute(db);
    clock.now = new Date('2026-06-01T12:00:00Z');
    events.length = 0;
    const result = await store.upsertMany([a, { ...b, title: 'changed meanwhile' }]);
    expect(result).toMatchObject({ stored: 1, unchanged: 1 });
    expect(result.changes.map((c) => c.change).sort()).toEqual(['changed', 'returned']);
    expect(events.map((e) => e.toStatus).sort()).toEqual(['discovered', 'discovered', 'rejected']);
    const rows = await db
      .selectFrom('recommendations')
      .select(['source_recommendation_id', 'status', 'version'])
      .orderBy('source_recommendation_id')
      .execute();
    expect(rows).toEqual([
      { source_recommendation_id: 'b1', status: 'discovered', version: 2 },
      { source_recommendation_id: 'b2', status: 'discovered', version: 3 },
    ]);
  });
});
