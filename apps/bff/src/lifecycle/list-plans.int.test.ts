/**
 * Lists from an index (issue 18, item 4): at 100,000 items, the plan of every lane's page (first and next) and of its
 * total reads the store through an index, never a sequential scan of the recommendations table. The items are made by
 * one INSERT … SELECT over generate_series with the table's secondary indexes set aside and built again after (a
 * bulk build is several times faster than 100k inserts into two dozen indexes), then analysed and vacuumed as
 * autovacuum would. One database: the PostgreSQL server when it answers (faster), else PGlite; the plans are the
 * same planner's.
 */
import { ListRecommendationsQuerySchema, RECOMMENDATION_SORTS } from '@recdesk/shared-types';
import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseTarget, type Db, migrate, openDatabase } from '../db/database.ts';
import { databaseTargets, dropTestTarget } from '../testing/database-targets.ts';
import { RecommendationStore } from './recommendation-store.ts';

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
    const few = await store.listPage(ListRecommendationsQuerySchema.parse({ advertiserId: 'ADV7', status: 'validated' }));
    const exact = await sql<{
      n: string;
    }>`SELECT count(*) AS n FROM recommendations WHERE advertiser_id = 'ADV7' AND status = 'validated'`.execute(db);
    expect({ total: few.total, estimate: few.totalIsEstimate }).toEqual({ total: Number(exact.rows[0]?.n), estimate: false });

    const all = await store.listPage(ListRecommendationsQuerySchema.parse({}));
    expect(all.totalIsEstimate).toBe(true);
    // The planner's estimate after ANALYZE: above the exact limit, near the real count.
    expect(all.total).toBeGreaterThan(10_000);
    expect(Math.abs(all.total - ITEMS) / ITEMS).toBeLessThan(0.2);
  });
});
