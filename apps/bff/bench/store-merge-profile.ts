/**
 * The store's ingest write alone (issue 18, item 1 profile), without the upstream, the adapters or the after-ingest
 * work: N items (fixtures) upserted in batches of B through RecommendationStore.upsertMany into a PostgreSQL schema of
 * its own, three passes (all new, all unchanged, 1 % changed), beside the floor (the same items COPYed as jsonb into a
 * bare table). Prints each pass's wall time and its split (prepare, stage, merge) and the heap-only share of updates.
 * Runs from the working tree it is in, so the same file can time a copy of another commit (before / after).
 *
 *   cd apps/bff && N=20000 B=2000 node --import tsx bench/store-merge-profile.ts
 *   DROP_INDEXES=1 …  drops the store's 24 secondary indexes first (what they cost the merge)
 *
 * Not a `*.bench.ts`: `pnpm bench` does not run it; the ingest benchmarks report the same stages end to end.
 */
import { randomUUID } from 'node:crypto';
import type { NormalisedRecommendation } from '@recdesk/shared-types';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { migrate, openDatabase } from '../src/db/database.ts';
import { bidChange, budgetChange } from '../src/lifecycle/recommendation-fixtures.ts';
import { RecommendationStore } from '../src/lifecycle/recommendation-store.ts';

const N = Number(process.env.N ?? 20_000);
const B = Number(process.env.B ?? 2_000);
const URL_ = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `bench_merge_${randomUUID().replaceAll('-', '')}`;

const db = await openDatabase({ kind: 'postgres', url: URL_, schema, poolSize: 4 });
const pool = new pg.Pool({ connectionString: URL_, options: `-c search_path=${schema}` });
try {
  await migrate(db, schema);
  if (process.env.DROP_INDEXES === '1') {
    const indexes = await pool.query<{ indexname: string }>(
      `SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'recommendations'
       AND indexname NOT IN ('recommendations_pkey', 'recommendations_source_id_unique')`,
      [schema],
    );
    for (const { indexname } of indexes.rows) await pool.query(`DROP INDEX "${indexname}"`);
    console.info(`dropped ${indexes.rows.length} secondary indexes`);
  }
  const store = new RecommendationStore(db, () => new Date());
  const items: NormalisedRecommendation[] = [];
  for (let c = 0; items.length < N; c++) {
    const common = { advertiserId: `ADV${c % 50}`, campaignId: `C${c}` };
    items.push(budgetChange({ ...common, id: `b${c}`, from: 50, to: 60 }));
    for (let k = 0; k < 9 && items.length < N; k++)
      items.push(
        bidChange({ ...common, id: `k${c}-${k}`, keywordId: `K${c}-${k}`, adGroupId: `G${c}`, text: `term ${k}`, from: 1, to: 1.2 }),
      );
  }

  const floorStart = performance.now();
  await pool.query('CREATE TABLE merge_floor (id text, row jsonb)');
  const client = await pool.connect();
  try {
    const { copyLine } = await import('../src/db/copy-text.ts');
    const copy = client.query(copyFrom('COPY merge_floor FROM STDIN'));
    const done = new Promise((resolve, reject) => copy.on('finish', resolve).on('error', reject));
    for (const item of items) copy.write(copyLine([item.sourceRecommendationId, JSON.stringify(item)]));
    copy.end();
    await done;
  } finally {
    client.release();
  }
  console.info(`floor: COPY ${N} items as jsonb into a bare table ${((performance.now() - floorStart) / 1000).toFixed(2)} s`);

  const pass = async (label: string, list: readonly NormalisedRecommendation[]) => {
    const split = { prepareMs: 0, stageMs: 0, mergeMs: 0 };
    const started = performance.now();
    for (let i = 0; i < list.length; i += B) {
      // A commit before the timings existed answers without them (the "before" side of a comparison).
      const { timings } = (await store.upsertMany(list.slice(i, i + B))) as { timings?: typeof split };
      for (const key of Object.keys(split) as (keyof typeof split)[]) split[key] += timings?.[key] ?? 0;
    }
    const ms = Object.entries(split).map(([key, value]) => `${key} ${Math.round(value)}`);
    console.info(`${label}: ${((performance.now() - started) / 1000).toFixed(2)} s (${ms.join(', ')})`);
  };
  await pass('first pass, all new', items);
  await pass('second pass, all unchanged', items);
  await pass(
    'third pass, 1 % changed',
    items.map((item, i) => (i % 100 === 0 ? { ...item, title: `${item.title} (v2)` } : item)),
  );
  const stats = await pool.query(
    `SELECT n_tup_upd AS updates, n_tup_hot_upd AS heap_only FROM pg_stat_user_tables WHERE schemaname = $1 AND relname = 'recommendations'`,
    [schema],
  );
  console.info('updates of the store (heap-only: no index written)', stats.rows[0]);
} finally {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
  await db.destroy();
}
