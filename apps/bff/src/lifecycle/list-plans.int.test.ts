/**
 * Lists from an index (issue 18, item 4): at 100,000 items, the plan of every lane's page (first and next) and of its
 * total reads the store through an index, never a sequential scan of the recommendations table. The items are made by
 * one INSERT … SELECT over generate_series with the table's secondary indexes set aside and built again after (a
 * bulk build is several times faster than 100k inserts into two dozen indexes), then analysed and vacuumed as
 * autovacuum would. One database: the PostgreSQL server when it answers (faster), else PGlite; the plans are the
 * same planner's. Totals: exact up to 10,000, an estimate beyond, and a next page repeats its cursor's.
 */
import { ListRecommendationsQuerySchema, RECOMMENDATION_SORTS } from '@recdesk/shared-types';
import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseTarget, type Db, migrate, openDatabase } from '../db/database.ts';
import { databaseTargets, dropTestTarget } from '../testing/database-targets.ts';
import { EXACT_TOTAL_LIMIT, RecommendationStore } from './recommendation-store.ts';

const ITEMS = 100_000;
const NOW = new Date('2026-06-01T12:00:00Z');

/** The queue's lanes (apps/web queue-lanes.ts) with their sorts, and the filters a person narrows them by. */
const LANES: Record<string, string>[] = [
  ...RECOMMENDATION_SORTS.map((sort) => ({ sort })),
  ...['performance', 'strategic', 'growth'].flatMap((goal) => RECOMMENDATION_SORTS.map((sort) => ({ goal, sort }))),
  { expiringWithin: String(7 * 24), sort: 'expiresAt' },
  { expiringWithin: '24', sort: 'expiresAt' },
  ...RECOMMENDATION_SORTS.map((sort) => ({ advertiserId: 'ADV7', sort })),
  { status: 'validated', sort: 'priority' },
  { status: 'approved', sort: 'generatedAt' },
];

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

function seqScansOfRecommendations(node: PlanNode): number {
  const own = node['Node Type'] === 'Seq Scan' && node['Relation Name'] === 'recommendations' ? 1 : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + seqScansOfRecommendations(child), 0);
}

describe.each(databaseTargets.slice(-1))('list plans at 100k items on $name', ({ create }) => {
  let target: DatabaseTarget;
  let db: Db;
  let store: RecommendationStore;

  const planOf = async (compiled: CompiledQuery): Promise<PlanNode> => {
    const result = await db.executeQuery<Record<string, unknown>>(
      CompiledQuery.raw(`EXPLAIN (FORMAT JSON) ${compiled.sql}`, [...compiled.parameters]),
    );
    const cell = Object.values(result.rows[0] ?? {})[0];
    return ((typeof cell === 'string' ? JSON.parse(cell) : cell) as { Plan: PlanNode }[])[0]?.Plan as PlanNode;
  };

  beforeAll(async () => {
    target = await create();
    db = await openDatabase(target);
    await migrate(db, target.kind === 'postgres' ? target.schema : undefined);
    store = new RecommendationStore(db, () => NOW);
    const indexes = await sql<{ indexname: string; indexdef: string }>`
      SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'recommendations'
        AND indexname NOT IN ('recommendations_pkey', 'recommendations_source_id_unique')`.execute(db);
    for (const index of indexes.rows) await sql`DROP INDEX ${sql.id(index.indexname)}`.execute(db);
    const statuses = sql.raw(`(ARRAY['discovered','validated','approved','applied','rejected','expired'])[1 + (i * 7) % 6]`);
    await sql`
      INSERT INTO recommendations (id, source, source_recommendation_id, source_type, kind, goal, title, advertiser_id,
        campaign_id, entity, action, applicable, confidence, impact_score, estimated_impact, generated_at, refreshed_at,
        expires_at, status, priority, content_hash, raw, created_at, updated_at, last_seen_at)
      SELECT overlay(overlay(md5(i::text) placing '4' from 13) placing '8' from 17)::uuid,
        (ARRAY['partner-opportunities','sp-consolidated','unified-recommendations','sp-theme-bids','sp-budget'])[1 + i % 5],
        'r' || i, 'bench', (ARRAY['bid','budget','keyword'])[1 + (i / 5) % 3], (ARRAY['performance','strategic','growth'])[1 + (i / 3) % 3],
        'item ' || i, 'ADV' || (i % 50), 'C' || (i / 20), '{}'::jsonb, '{}'::jsonb, true,
        CASE WHEN i % 4 = 0 THEN NULL ELSE (i % 100) / 100.0 END, CASE WHEN i % 3 = 0 THEN NULL ELSE (i % 97) / 10.0 END,
        '{}'::jsonb, ${NOW}::timestamptz - make_interval(hours => i % 96), ${NOW}::timestamptz - make_interval(hours => (i * 13) % 72),
        CASE WHEN i % 10 = 0 THEN NULL ELSE ${NOW}::timestamptz + make_interval(hours => (i * 7) % 480 - 12) END,
        ${statuses}, (i * 31 % 1000) / 10.0, 'h', '{}'::jsonb, ${NOW}::timestamptz, ${NOW}::timestamptz, ${NOW}::timestamptz
      FROM generate_series(1, ${ITEMS}) AS i`.execute(db);
    for (const index of indexes.rows) await sql.raw(index.indexdef).execute(db);
    expect(indexes.rows.length).toBeGreaterThan(20);
    await sql`VACUUM ANALYZE recommendations`.execute(db);
  }, 120_000);

  afterAll(async () => {
    await db?.destroy();
    if (target) await dropTestTarget(target);
  });

  it('reads every lane page, its next page and its total from an index', async () => {
    const scanned: string[] = [];
    for (const lane of LANES) {
      const first = store.listQueries(ListRecommendationsQuerySchema.parse({ ...lane, limit: '100' }));
      const { rows, nextCursor } = await store.listPage(ListRecommendationsQuerySchema.parse({ ...lane, limit: '100' }));
      expect(rows.length, JSON.stringify(lane)).toBeGreaterThan(0);
      const next = nextCursor
        ? store.listQueries(ListRecommendationsQuerySchema.parse({ ...lane, limit: '100', cursor: nextCursor }))
        : null;
      const statements = { page: first.page.compile(), total: first.count.compile(), ...(next ? { next: next.page.compile() } : {}) };
      for (const [name, compiled] of Object.entries(statements))
        if (seqScansOfRecommendations(await planOf(compiled)) > 0) scanned.push(`${name} of ${JSON.stringify(lane)}`);
    }
    expect(scanned).toEqual([]);
  }, 60_000);

  it('counts exactly up to 10,000 and marks an estimate beyond', async () => {
    const fewQuery = { advertiserId: 'ADV7', status: 'validated', goal: 'growth' };
    const few = await store.listPage(ListRecommendationsQuerySchema.parse(fewQuery));
    const exact = await sql<{ n: string }>`SELECT count(*) AS n FROM recommendations
      WHERE advertiser_id = 'ADV7' AND status = 'validated' AND goal = 'growth'`.execute(db);
    expect(Number(exact.rows[0]?.n)).toBeGreaterThan(0);
    expect(Number(exact.rows[0]?.n)).toBeLessThanOrEqual(EXACT_TOTAL_LIMIT);
    expect({ total: few.total, estimate: few.totalIsEstimate }).toEqual({ total: Number(exact.rows[0]?.n), estimate: false });

    const all = await store.listPage(ListRecommendationsQuerySchema.parse({}));
    expect(all.totalIsEstimate).toBe(true);
    // The planner's estimate after ANALYZE: above the exact limit, near the real count.
    expect(all.total).toBeGreaterThan(EXACT_TOTAL_LIMIT);
    expect(Math.abs(all.total - ITEMS) / ITEMS).toBeLessThan(0.2);
  });

  it("answers a next page with the total its cursor carries, and the conflict filter's count by probes", async () => {
    const first = await store.listPage(ListRecommendationsQuerySchema.parse({ status: 'validated', limit: '10' }));
    expect(first.nextCursor).not.toBeNull();
    const next = await store.listPage(ListRecommendationsQuerySchema.parse({ status: 'validated', limit: '10', cursor: first.nextCursor }));
    expect({ total: next.total, estimate: next.totalIsEstimate }).toEqual({ total: first.total, estimate: first.totalIsEstimate });
    expect(next.rows.map((row) => row.id)).not.toContain(first.rows[0]?.id);

    const members = await sql<{ id: string }>`SELECT id FROM recommendations ORDER BY id LIMIT 3`.execute(db);
    await sql`INSERT INTO conflicts (id, advertiser_id, kind, entity_key, fingerprint, explanation, suggested_resolution, status, detected_at)
      VALUES ('00000000-0000-4000-8000-000000000001', 'ADV1', 'duplicate', 'k', 'f', 'x', 'y', 'open', ${NOW})`.execute(db);
    for (const member of members.rows)
      await sql`INSERT INTO conflict_members (conflict_id, recommendation_id, open)
        VALUES ('00000000-0000-4000-8000-000000000001', ${member.id}, true)`.execute(db);
    const conflicted = await store.listPage(ListRecommendationsQuerySchema.parse({ conflicted: 'true' }));
    expect({ total: conflicted.total, estimate: conflicted.totalIsEstimate }).toEqual({ total: 3, estimate: false });
    expect(conflicted.rows.map((row) => row.id).sort()).toEqual(members.rows.map((row) => row.id));
  });
});
