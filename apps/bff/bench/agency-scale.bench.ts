/**
 * Agency scale (issue 18, item 6): 1,000,000 open items over 1,000 advertisers on the PostgreSQL server, beside the
 * same world at 100,000 items (100 and 1,000 items per advertiser), each in a schema of its own (dropped after). Per
 * size it reports what the public services take today:
 * - the queue's list p95 over HTTP (the lifecycle-list benchmark's requests) against its floor in the same run, the
 *   cheapest query that returns the same page (its ids alone);
 * - the conflict engine's full pass over every advertiser (`ConflictService.detect()`);
 * - a re-sync with 1 % of the items changed upstream: the store's upsert of the changed items (`upsertMany`, in the
 *   sync's batches of 2,000) and then the after-ingest pass a sync runs (`LifecycleService.afterIngest`: validation
 *   and the conflict engine over the advertisers it touched), with the process's peak RSS over its level before;
 * and how each grows from 100k to 1M (goal: the list flat, the re-sync proportional to the change).
 *
 * The items are made by SQL, not by a sync (a full sync of 1M through the simulator takes longer than a benchmark
 * run can: bench/results.md, PO at 100k): a template of 100 items (five campaigns of a budget change, 18 bid
 * changes and a new keyword, from mixed sources) is stored through the store's upsert, then copied once per group by
 * one `INSERT … SELECT … generate_series` with its ids, campaigns, keywords, times and priorities varied, the table's
 * secondary indexes set aside and built again after (as src/lifecycle/list-plans.int.test.ts does), then analysed and
 * vacuumed as autovacuum would. The unchanged 99 % of a real re-sync (sent again, compared by hash, their sighting
 * recorded) is not part of the re-sync row: it is the ingest benchmarks' to measure.
 *
 * `AGENCY_SIZES` (default `100000,1000000`) picks the sizes; `AGENCY_CONFLICTS=0` leaves out the full conflict pass
 * and `AGENCY_AFTER_INGEST=0` the re-sync's after-ingest pass (each is about half an hour at 1M on a loaded machine).
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { NormalisedRecommendation, RecommendationSource } from '@recdesk/shared-types';
import { sql } from 'kysely';
import pg from 'pg';
import { pino } from 'pino';
import { ConflictService } from '../src/conflicts/conflict-service.ts';
import { migrate, openDatabase } from '../src/db/database.ts';
import { GuardrailStore } from '../src/lifecycle/guardrail-store.ts';
import { LifecycleService } from '../src/lifecycle/lifecycle-service.ts';
import { bidChange, budgetChange, newKeyword } from '../src/lifecycle/recommendation-fixtures.ts';
import { RecommendationStore } from '../src/lifecycle/recommendation-store.ts';
import { type BenchMeasurement, type Benchmark, ratioOf } from './bench-report.ts';
import { LIST_QUERIES, percentile, random, startListServer, timeListRequests } from './lifecycle-list.bench.ts';

const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SIZES = (process.env.AGENCY_SIZES ?? '100000,1000000').split(',').map(Number);
const WITH_CONFLICTS = process.env.AGENCY_CONFLICTS !== '0';
const WITH_AFTER_INGEST = process.env.AGENCY_AFTER_INGEST !== '0';
const ADVERTISERS = 1_000;
const TEMPLATE_CAMPAIGNS = 5;
const REQUESTS = 200;
const NOW = new Date('2026-06-01T12:00:00Z');
const HOUR = 3_600_000;
const MiB = 2 ** 20;
const SOURCES: RecommendationSource[] = [
  'partner-opportunities',
  'sp-consolidated',
  'unified-recommendations',
  'sp-theme-bids',
  'sp-budget',
];

/** 100 items: per campaign a budget change, 18 bid changes and a new keyword; ids carry `tpl` for the copies to vary. */
function templateItems(): NormalisedRecommendation[] {
  const next = random(7);
  const items: NormalisedRecommendation[] = [];
  for (let campaign = 0; campaign < TEMPLATE_CAMPAIGNS; campaign++) {
    const common = () => ({
      advertiserId: 'tplADV',
      campaignId: `tplC${campaign}`,
      campaignName: `Campaign ${campaign}`,
      source: SOURCES[Math.floor(next() * SOURCES.length)] ?? 'partner-opportunities',
      generatedAt: new Date(NOW.getTime() - next() * 96 * HOUR).toISOString(),
      refreshedAt: new Date(NOW.getTime() - next() * 72 * HOUR).toISOString(),
      expiresAt: next() < 0.1 ? null : new Date(NOW.getTime() + (next() * 20 * 24 - 12) * HOUR).toISOString(),
      confidence: next() < 0.3 ? null : Math.round(next() * 100) / 100,
      impactScore: next() < 0.3 ? null : Math.round(next() * 100) / 10,
    });
    const budget = 50 + Math.floor(next() * 200);
    items.push(budgetChange({ ...common(), id: `tplb${campaign}`, from: budget, to: Math.round(budget * (next() < 0.4 ? 0.8 : 1.25)) }));
    for (let k = 0; k < 18; k++) {
      const bid = 0.5 + Math.round(next() * 200) / 100;
      items.push(
        bidChange({
          ...common(),
          id: `tplk${campaign}-${k}`,
          keywordId: `tplK${campaign}-${k}`,
          adGroupId: `tplG${campaign}-${k % 3}`,
          text: `${['kettle', 'teapot', 'mug', 'lamp', 'shoe'][k % 5]} ${campaign}-${k}`,
          from: bid,
          to: Math.round(bid * (next() < 0.7 ? 1.15 : 0.85) * 100) / 100,
        }),
      );
    }
    items.push(newKeyword({ ...common(), id: `tpln${campaign}`, text: `new ${campaign}`, bid: 1 }));
  }
  return items;
}

/** `items` open items over ADVERTISERS advertisers: the template stored through the store, then copied by SQL. */
async function seed(db: Awaited<ReturnType<typeof openDatabase>>, store: RecommendationStore, items: number): Promise<void> {
  const template = templateItems();
  await store.upsertMany(template);
  store.drainTouched();
  await sql`CREATE TEMP TABLE tpl AS SELECT * FROM recommendations`.execute(db);
  // The template's rows and discovery events go (a truncate: the events table refuses deletes of its rows).
  await sql`TRUNCATE recommendation_events, recommendations CASCADE`.execute(db);
  const indexes = await sql<{ indexname: string; indexdef: string }>`
    SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'recommendations'
      AND indexname NOT IN ('recommendations_pkey', 'recommendations_source_id_unique')`.execute(db);
  for (const index of indexes.rows) await sql`DROP INDEX ${sql.id(index.indexname)}`.execute(db);
  const columns = await sql<{ column_name: string }>`
    SELECT column_name FROM information_schema.columns
    WHERE table_schema = current_schema() AND table_name = 'recommendations' AND is_generated = 'NEVER'`.execute(db);
  // Each group g is one copy of the template, for advertiser ADV(g mod 1000): its own ids, campaigns and keywords,
  // and its times, scores and statuses shifted so that the lanes' filters and sorts see a spread.
  const varied: Record<string, string> = {
    id: `overlay(overlay(md5('agency/' || g || '/' || t.id) placing '5' from 13) placing '8' from 17)::uuid`,
    source_recommendation_id: `replace(t.source_recommendation_id, 'tpl', 'g' || g || '-')`,
    advertiser_id: `'ADV' || (g % ${ADVERTISERS})`,
    advertiser_name: `'Advertiser ' || (g % ${ADVERTISERS})`,
    campaign_id: `replace(t.campaign_id, 'tpl', 'g' || g || '-')`,
    entity: `replace(t.entity::text, 'tpl', 'g' || g || '-')::jsonb`,
    raw: `replace(t.raw::text, 'tpl', 'g' || g || '-')::jsonb`,
    title: `t.title || ' #' || g`,
    generated_at: `t.generated_at - make_interval(hours => (g * 7) % 48)`,
    refreshed_at: `t.refreshed_at - make_interval(hours => (g * 13) % 24)`,
    expires_at: `t.expires_at + make_interval(hours => (g * 5) % 96 - 48)`,
    priority: `t.priority + ((g * 31) % 100) / 10.0`,
    content_hash: `md5(t.content_hash || g)`,
    // Validated, as a store whose syncs have settled holds them: the re-sync's after-ingest pass then validates only
    // what the change brought.
    status: `'validated'`,
    validated_at: `'${NOW.toISOString()}'::timestamptz`,
  };
  const list = columns.rows.map((c) => c.column_name);
  const select = list.map((c) => (varied[c] ? `${varied[c]} AS ${c}` : `t.${c}`)).join(', ');
  await sql`INSERT INTO recommendations (${sql.raw(list.join(', '))})
    SELECT ${sql.raw(select)} FROM generate_series(0, ${Math.ceil(items / template.length) - 1}) AS g CROSS JOIN tpl t`.execute(db);
  await sql`DROP TABLE tpl`.execute(db);
  for (const index of indexes.rows) await sql.raw(index.indexdef).execute(db);
  await sql`VACUUM ANALYZE`.execute(db);
}

/** The items of one in `every` as upstream would send them again, each with its proposed value changed. */
async function changedItems(store: RecommendationStore, db: Awaited<ReturnType<typeof openDatabase>>, every: number) {
  const ids = await sql<{ id: string }>`SELECT id FROM recommendations WHERE abs(hashtext(id::text)) % ${every} = 0`.execute(db);
  const items: NormalisedRecommendation[] = [];
  for (let start = 0; start < ids.rows.length; start += 2000) {
    const rows = await db
      .selectFrom('recommendations')
      .selectAll()
      .where(
        'id',
        'in',
        ids.rows.slice(start, start + 2000).map((row) => row.id),
      )
      .execute();
    for (const row of rows) {
      const rec = store.toRecommendation(row);
      const action = rec.action as { to?: unknown };
      items.push({
        sourceRecommendationId: rec.sourceRecommendationId,
        source: rec.source,
        sourceType: rec.sourceType,
        kind: rec.kind,
        goal: rec.goal,
        title: rec.title,
        description: rec.description,
        advertiserId: rec.advertiserId,
        advertiserName: rec.advertiserName,
        profileId: rec.profileId,
        marketplace: rec.marketplace,
        entity: rec.entity,
        action: { ...rec.action, ...(typeof action.to === 'number' ? { to: Math.round(action.to * 105) / 100 } : {}) },
        applicable: rec.applicable,
        confidence: rec.confidence,
        impactScore: rec.impactScore,
        estimatedImpact: rec.estimatedImpact,
        generatedAt: rec.generatedAt,
        refreshedAt: NOW.toISOString(),
        expiresAt: rec.expiresAt,
        raw: row.raw,
      } as NormalisedRecommendation);
    }
  }
  return items;
}

interface SizeResult {
  items: number;
  seedMs: number;
  listP50: number;
  listP95: number;
  floorP95: number;
  storeP95: number;
  perQuery: string;
  conflictsMs?: number;
  openConflicts: number;
  changed: number;
  upsertMs: number;
  afterIngestMs: number;
  peakRssMiB: number;
}

async function measureSize(items: number): Promise<SizeResult> {
  const schema = `bench_agency_${randomUUID().replaceAll('-', '')}`;
  const db = await openDatabase({ kind: 'postgres', url: SERVER_URL, schema, poolSize: 10 });
  const raw = new pg.Client({ connectionString: SERVER_URL, options: `-c search_path=${schema}` });
  let server: Awaited<ReturnType<typeof startListServer>> | undefined;
  try {
    await raw.connect();
    await migrate(db, schema);
    const now = () => NOW;
    const log = pino({ level: 'silent' });
    const store = new RecommendationStore(db, now);
    const guardrails = new GuardrailStore(db, { maxBidChangePct: 100, maxBudgetChangePct: 100, maxBudgetChangePerDay: 1000 }, now);
    const lifecycle = new LifecycleService({ db, store, guardrails, now, log });
    const conflicts = new ConflictService({ db, store, lifecycle, now, log });
    lifecycle.attachConflicts(conflicts);

    let started = performance.now();
    await seed(db, store, items);
    const seedMs = performance.now() - started;
    console.info(`  ${items}: seeded in ${(seedMs / 1000).toFixed(1)} s`);

    let conflictsMs: number | undefined;
    if (WITH_CONFLICTS) {
      started = performance.now();
      await conflicts.detect();
      conflictsMs = performance.now() - started;
      await raw.query('VACUUM ANALYZE');
      console.info(`  ${items}: conflict pass ${(conflictsMs / 1000).toFixed(1)} s`);
    }
    const open = await raw.query<{ n: string }>(`SELECT count(*) AS n FROM conflicts WHERE status = 'open'`);

    server = await startListServer(store, lifecycle);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/recommendations`;
    const { http, floor, storeSql, perQuery } = await timeListRequests(store, raw, base, REQUESTS);
    console.info(
      `  ${items}: list p95 per query (ms): ${[...perQuery.entries()].map(([index, times]) => `${new URLSearchParams(LIST_QUERIES[index])} ${percentile(times, 95).toFixed(1)}`).join('; ')}`,
    );
    console.info(
      `  ${items}: list p50 ${percentile(http, 50).toFixed(1)} ms, p95 ${percentile(http, 95).toFixed(1)} ms (floor p95 ${percentile(floor, 95).toFixed(1)} ms, store SQL p95 ${percentile(storeSql, 95).toFixed(1)} ms)`,
    );

    // A re-sync with 1 % changed: the changed items through the store's upsert in the sync's batches, then the
    // after-ingest pass over the advertisers they touched.
    const changed = await changedItems(store, db, 100);
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 20);
    started = performance.now();
    for (let i = 0; i < changed.length; i += 2000) await store.upsertMany(changed.slice(i, i + 2000));
    const upsertMs = performance.now() - started;
    started = performance.now();
    if (WITH_AFTER_INGEST) await lifecycle.afterIngest();
    const afterIngestMs = WITH_AFTER_INGEST ? performance.now() - started : Number.NaN;
    clearInterval(sampler);
    console.info(`  ${items}: 1 % re-sync: upsert ${(upsertMs / 1000).toFixed(1)} s, after ingest ${(afterIngestMs / 1000).toFixed(1)} s`);

    return {
      items,
      seedMs,
      listP50: percentile(http, 50),
      listP95: percentile(http, 95),
      floorP95: percentile(floor, 95),
      storeP95: percentile(storeSql, 95),
      perQuery: [...perQuery.entries()]
        .map(([index, times]) => `${new URLSearchParams(LIST_QUERIES[index]).toString()} ${percentile(times, 95).toFixed(1)}`)
        .join('; '),
      conflictsMs,
      openConflicts: Number(open.rows[0]?.n),
      changed: changed.length,
      upsertMs,
      afterIngestMs,
      peakRssMiB: (peakRss - rssBefore) / MiB,
    };
  } finally {
    server?.close();
    await raw.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await raw.end().catch(() => undefined);
    await db.destroy();
  }
}

const label = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`);

export const benchmark: Benchmark = {
  name: 'Agency scale: 1M open items over 1,000 advertisers (issue 18, item 6)',
  async run() {
    const sizes: SizeResult[] = [];
    for (const items of SIZES) sizes.push(await measureSize(items));
    const measurements: BenchMeasurement[] = [];
    const notes: string[] = [];
    for (const size of sizes) {
      const n = label(size.items);
      measurements.push(
        {
          label: `${n}: GET /api/recommendations p95 (${REQUESTS} requests, filters + sorts)`,
          value: size.listP95,
          unit: 'ms',
          floor: size.floorP95,
          ratio: ratioOf(size.listP95, size.floorP95),
          ...(size.items >= 1_000_000
            ? { goal: '≤ 50 ms and ≤ 2× floor', met: size.listP95 <= 50 && size.listP95 <= 2 * size.floorP95 }
            : {}),
        },
        { label: `${n}: GET /api/recommendations p50`, value: size.listP50, unit: 'ms' },
        {
          label: `${n}: of which the store's own SQL p95`,
          value: size.storeP95,
          unit: 'ms',
          floor: size.floorP95,
          ratio: ratioOf(size.storeP95, size.floorP95),
        },
        ...(size.conflictsMs === undefined
          ? []
          : [{ label: `${n}: conflict engine, full pass over ${ADVERTISERS} advertisers`, value: size.conflictsMs / 1000, unit: 's' }]),
        {
          label: `${n}: 1 % re-sync, store upsert of the ${size.changed.toLocaleString('en')} changed items`,
          value: size.upsertMs / 1000,
          unit: 's',
        },
        {
          label: `${n}: 1 % re-sync, after-ingest pass (validation + conflict engine on the touched advertisers)`,
          value: size.afterIngestMs / 1000,
          unit: 's',
        },
        { label: `${n}: 1 % re-sync, peak RSS over the level before`, value: size.peakRssMiB, unit: 'MiB' },
      );
      notes.push(
        `${n}: seeded in ${(size.seedMs / 1000).toFixed(1)} s; ${size.openConflicts.toLocaleString('en')} open conflicts. HTTP p95 per query (ms): ${size.perQuery}.`,
      );
    }
    const [small, large] = [sizes[0], sizes.at(-1)];
    if (small && large && large !== small) {
      const x = large.items / small.items;
      const growth = (a: number, b: number) => b / a;
      measurements.push(
        {
          label: `list p95 growth ${label(small.items)} → ${label(large.items)} (1.00 = flat)`,
          value: growth(small.listP95, large.listP95),
          unit: '×',
          goal: 'flat (≤ 1.5×)',
          met: growth(small.listP95, large.listP95) <= 1.5,
        },
        {
          label: `1 % re-sync, store upsert growth ${label(small.items)} → ${label(large.items)} (${x.toFixed(0)}× the change)`,
          value: growth(small.upsertMs, large.upsertMs),
          unit: '×',
        },
      );
      if (!Number.isNaN(small.afterIngestMs) && !Number.isNaN(large.afterIngestMs))
        measurements.push({
          label: `1 % re-sync, after-ingest growth ${label(small.items)} → ${label(large.items)} (${x.toFixed(0)}× the change)`,
          value: growth(small.afterIngestMs, large.afterIngestMs),
          unit: '×',
        });
      if (small.conflictsMs !== undefined && large.conflictsMs !== undefined)
        measurements.push({
          label: `conflict engine full pass growth ${label(small.items)} → ${label(large.items)} (${x.toFixed(0)}× the items)`,
          value: growth(small.conflictsMs, large.conflictsMs),
          unit: '×',
        });
    }
    notes.push(
      `PostgreSQL at ${new URL(SERVER_URL).host}; ${ADVERTISERS} advertisers; items made by SQL from a 100-item template stored through the store (see the benchmark's header); the full sync at 1M is not measured (see the ingest benchmarks at 100k). The 1 % changed items are chosen by a hash of their id, so every advertiser is touched: the after-ingest pass re-examines the touched campaigns of each (their neighbourhoods: the campaign, the advertiser's unscoped items and, for cross-product kinds, its budgets and new targets), which grow with the items per advertiser. Floor: the cheapest query that returns the same page (its ids alone).`,
    );
    return { name: this.name, measurements, notes };
  },
};
