/**
 * `GET /api/recommendations` with filters and sorts at 100,000 items on the PostgreSQL server (a schema of its own,
 * dropped after): p50 / p95 of 200 requests through the HTTP app (Express, the route's zod validation, the store,
 * the conflict ids, JSON), against its floor measured in the same run: the cheapest query that returns the same page
 * (its ids alone, same filter, order and limit, no total), executed bare on a pg connection. The store's own SQL
 * (the page and, on a first page, the total, concurrently, as the store runs them) is reported beside it.
 *
 * The 100k items come through the real write path (upsert with priority, validation, the conflict engine), so the
 * statuses, priorities and conflict memberships the filters read are the ones production would have. The HTTP app
 * is the recommendation router with the app's error handler; the auth component's session and scope middleware are
 * not part of it (they are the auth issue's to measure).
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { ListRecommendationsQuerySchema, type NormalisedRecommendation, type RecommendationSource } from '@recdesk/shared-types';
import express from 'express';
import pg from 'pg';
import { pino } from 'pino';
import { ConflictService } from '../src/conflicts/conflict-service.ts';
import { migrate, openDatabase } from '../src/db/database.ts';
import { mountApiRoutes } from '../src/http/api-route.ts';
import { errorHandler } from '../src/http/problem-details.ts';
import { GuardrailStore } from '../src/lifecycle/guardrail-store.ts';
import { LifecycleService } from '../src/lifecycle/lifecycle-service.ts';
import { bidChange, budgetChange, newKeyword } from '../src/lifecycle/recommendation-fixtures.ts';
import { recommendationRoutes } from '../src/lifecycle/recommendation-routes.ts';
import { RecommendationStore } from '../src/lifecycle/recommendation-store.ts';
import { type BenchMeasurement, type Benchmark, ratioOf } from './bench-report.ts';

const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ITEMS = 100_000;
const ADVERTISERS = 50;
const REQUESTS = 200;
const NOW = new Date('2026-06-01T12:00:00Z');
const HOUR = 3_600_000;
const SOURCES: RecommendationSource[] = [
  'partner-opportunities',
  'sp-consolidated',
  'unified-recommendations',
  'sp-theme-bids',
  'sp-budget',
];

export function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 100k items over 50 advertisers: per campaign a budget change, bid changes and a new keyword, of mixed age. */
function makeItems(): NormalisedRecommendation[] {
  const next = random(42);
  const items: NormalisedRecommendation[] = [];
  for (let campaign = 0; items.length < ITEMS; campaign++) {
    const common = () => ({
      advertiserId: `ADV${campaign % ADVERTISERS}`,
      campaignId: `C${campaign}`,
      campaignName: `Campaign ${campaign}`,
      source: SOURCES[Math.floor(next() * SOURCES.length)] ?? 'partner-opportunities',
      generatedAt: new Date(NOW.getTime() - next() * 96 * HOUR).toISOString(),
      refreshedAt: new Date(NOW.getTime() - next() * 72 * HOUR).toISOString(),
      expiresAt: next() < 0.1 ? null : new Date(NOW.getTime() + (next() * 20 * 24 - 12) * HOUR).toISOString(),
      confidence: next() < 0.3 ? null : Math.round(next() * 100) / 100,
      impactScore: next() < 0.3 ? null : Math.round(next() * 100) / 10,
    });
    const budget = 50 + Math.floor(next() * 200);
    items.push(budgetChange({ ...common(), id: `b${campaign}`, from: budget, to: Math.round(budget * (next() < 0.4 ? 0.8 : 1.25)) }));
    for (let k = 0; k < 18 && items.length < ITEMS; k++) {
      const bid = 0.5 + Math.round(next() * 200) / 100;
      items.push(
        bidChange({
          ...common(),
          id: `k${campaign}-${k}`,
          keywordId: `K${campaign}-${k}`,
          adGroupId: `G${campaign}-${k % 3}`,
          text: `${['kettle', 'teapot', 'mug', 'lamp', 'shoe'][k % 5]} ${campaign}-${k}`,
          from: bid,
          to: Math.round(bid * (next() < 0.7 ? 1.15 : 0.85) * 100) / 100,
        }),
      );
    }
    if (items.length < ITEMS) items.push(newKeyword({ ...common(), id: `n${campaign}`, text: `new ${campaign}`, bid: 1 }));
  }
  return items;
}

/** The requests a queue makes: lanes with filters and each sort, first pages and next pages. */
export const LIST_QUERIES: Record<string, string>[] = [
  { status: 'validated', sort: 'priority', limit: '50' },
  { advertiserId: 'ADV7', sort: 'expiresAt', limit: '50' },
  { freshness: 'fresh', sort: 'priority', limit: '50' },
  { conflicted: 'true', sort: 'priority', limit: '50' },
  { expiringWithin: '24', sort: 'expiresAt', limit: '50' },
  { kind: 'bid', status: 'validated', sort: 'confidence', limit: '50' },
  { source: 'sp-consolidated', sort: 'impactScore', limit: '50' },
  { advertiserId: 'ADV3', status: 'validated', freshness: 'aging', sort: 'generatedAt', limit: '50' },
  { q: 'teapot', sort: 'priority', limit: '50' },
  { conflicted: 'false', advertiserId: 'ADV11', sort: 'priority', limit: '100' },
];

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** The recommendation routes alone, without sessions: the list's query and its serialisation, over HTTP. */
export async function startListServer(store: RecommendationStore, lifecycle: LifecycleService) {
  const app = express();
  app.set('query parser', 'simple');
  const api = express.Router();
  mountApiRoutes(api, recommendationRoutes(store, lifecycle), () => []);
  app.use('/api', api);
  app.use(errorHandler);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return server;
}

/** Timings of `requests` list requests (after 20 unmeasured ones), cycling through LIST_QUERIES, first and next pages. */
export async function timeListRequests(store: RecommendationStore, raw: pg.Client, base: string, requests: number) {
  // Second pages use a real cursor from the first page of the same query.
  const cursors = new Map<number, string>();
  for (const [index, query] of LIST_QUERIES.entries()) {
    const page = (await (await fetch(`${base}?${new URLSearchParams(query)}`)).json()) as { nextCursor: string | null };
    if (page.nextCursor) cursors.set(index, page.nextCursor);
  }

  const http: number[] = [];
  const floor: number[] = [];
  const storeSql: number[] = [];
  const perQuery = new Map<number, number[]>();
  for (let i = 0; i < requests + 20; i++) {
    const index = i % LIST_QUERIES.length;
    const cursor = Math.floor(i / LIST_QUERIES.length) % 2 === 1 ? cursors.get(index) : undefined;
    const query = { ...LIST_QUERIES[index], ...(cursor ? { cursor } : {}) };
    const { page, count } = store.listQueries(ListRecommendationsQuerySchema.parse(query));
    const [pageSql, countSql] = [page.compile(), count.compile()];
    // The floor: the cheapest query that returns the same page, its ids alone (same filter, order and limit, no
    // total, no columns beyond the index's).
    const idsSql = page.clearSelect().select('id').compile();

    let t = performance.now();
    await raw.query(idsSql.sql, [...idsSql.parameters]);
    const floorMs = performance.now() - t;

    // As the store runs them: a next page answers the total its cursor carries and only runs the page.
    t = performance.now();
    await Promise.all([
      raw.query(pageSql.sql, [...pageSql.parameters]),
      cursor ? undefined : raw.query(countSql.sql, [...countSql.parameters]),
    ]);
    const storeMs = performance.now() - t;

    t = performance.now();
    const response = await fetch(`${base}?${new URLSearchParams(query)}`);
    await response.json();
    const httpMs = performance.now() - t;
    if (response.status !== 200) throw new Error(`GET ${JSON.stringify(query)} answered ${response.status}`);
    // The first rounds warm caches and JIT; they are not counted.
    if (i >= 20) {
      floor.push(floorMs);
      storeSql.push(storeMs);
      http.push(httpMs);
      perQuery.set(index, [...(perQuery.get(index) ?? []), httpMs]);
    }
  }
  return { http, floor, storeSql, perQuery };
}

export const benchmark: Benchmark = {
  name: 'Recommendation queue list at 100k (issue 4)',
  async run() {
    const schema = `bench_lifecycle_${randomUUID().replaceAll('-', '')}`;
    const db = await openDatabase({ kind: 'postgres', url: SERVER_URL, schema, poolSize: 10 });
    const raw = new pg.Client({ connectionString: SERVER_URL, options: `-c search_path=${schema}` });
    let server: ReturnType<express.Express['listen']> | undefined;
    const notes: string[] = [];
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
      const items = makeItems();
      for (let i = 0; i < items.length; i += 2000) await store.upsertMany(items.slice(i, i + 2000));
      const ingestMs = performance.now() - started;
      started = performance.now();
      await lifecycle.afterIngest();
      const afterIngestMs = performance.now() - started;
      // What autovacuum does on a live server after a bulk load: statistics, and the visibility map that lets the
      // totals be counted from the indexes alone.
      await raw.query('VACUUM ANALYZE');
      const open = await raw.query<{ n: string }>(`SELECT count(*) AS n FROM conflicts WHERE status = 'open'`);
      notes.push(
        `Data: ${items.length.toLocaleString('en')} items over ${ADVERTISERS} advertisers, stored in ${(ingestMs / 1000).toFixed(1)} s; validation and conflict detection after ingest ${(afterIngestMs / 1000).toFixed(1)} s; ${open.rows[0]?.n} open conflicts.`,
      );

      server = await startListServer(store, lifecycle);
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/recommendations`;

      const { http, floor, storeSql, perQuery } = await timeListRequests(store, raw, base, REQUESTS);

      const measurements: BenchMeasurement[] = [];
      for (const p of [50, 95]) {
        const value = percentile(http, p);
        const bare = percentile(floor, p);
        const ratio = ratioOf(value, bare);
        measurements.push({
          label: `GET /api/recommendations p${p} (${REQUESTS} requests, filters + sorts, 100k items)`,
          value,
          unit: 'ms',
          floor: bare,
          ratio,
          ...(p === 95 ? { goal: '≤ 50 ms and ≤ 2× floor', met: value <= 50 && ratio <= 2 } : {}),
        });
      }
      const storeP95 = percentile(storeSql, 95);
      measurements.push({
        label: "of which the store's own SQL p95 (page and, on a first page, its total, concurrently)",
        value: storeP95,
        unit: 'ms',
        floor: percentile(floor, 95),
        ratio: ratioOf(storeP95, percentile(floor, 95)),
      });
      notes.push(
        `Floor: the cheapest query that returns the same page: the ids alone, with the same filter, order and limit (no total, no other columns), run bare on one pg connection (no HTTP, validation, mapping, actions or conflict ids). Totals are counted by a first page, exact up to 1,000 and an estimate beyond; a next page repeats the total its cursor carries (issue 18, item 4). Requests cycle through ${LIST_QUERIES.length} lane queries, first and second pages. PostgreSQL at ${new URL(SERVER_URL).host}, schema dropped after.`,
        `HTTP p95 per query (ms): ${[...perQuery.entries()]
          .map(([index, times]) => `${new URLSearchParams(LIST_QUERIES[index]).toString()} ${percentile(times, 95).toFixed(1)}`)
          .join('; ')}.`,
      );
      return { name: this.name, measurements, notes };
    } finally {
      server?.close();
      await raw.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await raw.end().catch(() => undefined);
      await db.destroy();
    }
  },
};
