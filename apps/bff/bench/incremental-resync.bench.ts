/**
 * Incremental conflicts (issue 18, item 2): a second sync with 1 % of the rows changed costs at most 5 % of the first.
 * BENCH_RESYNC_ITEMS (100,000, the ingest benchmark's scale) recommendations over 50 advertisers, shaped like a real
 * queue (per campaign a budget change, keyword bids, new keywords, now and then a pause, SB / SD budgets beside SP
 * ones), go through the production store (upsert in batches of 1,000, as a source run does) and the after-ingest step
 * (validation and conflict detection over what changed). Then the same rows again with 1 % of the proposals changed.
 * The floor of the re-sync's after-ingest step is not zero work, so the whole-advertiser pass it replaces is timed
 * too, over the same advertisers (what every re-sync cost before).
 *
 * DATABASE: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), or BENCH_DATABASE=pglite for an
 * in-memory PGlite.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { NormalisedRecommendation, RecommendationSource } from '@recdesk/shared-types';
import pg from 'pg';
import { pino } from 'pino';
import { parseEnv } from '../src/config/env.ts';
import type { DatabaseTarget } from '../src/db/database.ts';
import { bidChange, budgetChange, newKeyword, stateChange } from '../src/lifecycle/recommendation-fixtures.ts';
import { createRuntime } from '../src/runtime.ts';
import type { Benchmark, BenchResult } from './bench-report.ts';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ON_PGLITE = process.env.BENCH_DATABASE === 'pglite';
const ITEMS = Number(process.env.BENCH_RESYNC_ITEMS ?? 100_000);
const ADVERTISERS = 50;
const BATCH = 1_000;
const CHANGED_SHARE = 0.01;
const GOAL = 0.05;

/** A deterministic pseudo-random sequence (mulberry32), so every run measures the same data. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SP: RecommendationSource[] = ['partner-opportunities', 'sp-consolidated', 'sp-theme-bids'];

/** The queue of the first sync. */
function makeQueue(count: number): NormalisedRecommendation[] {
  const next = random(count);
  const items: NormalisedRecommendation[] = [];
  const source = () => SP[Math.floor(next() * SP.length)] ?? 'partner-opportunities';
  for (let campaign = 0; items.length < count; campaign++) {
    const advertiserId = `ADV${campaign % ADVERTISERS}`;
    const campaignId = `C${campaign}`;
    const base = { advertiserId, campaignId, campaignName: `Campaign ${campaign}` };
    const budget = 50 + Math.floor(next() * 200);
    // One campaign in ten is SB or SD: their raises meet SP cuts of the same advertiser (cross-product).
    const product = campaign % 10 === 3 ? 'sb-recommendations' : campaign % 10 === 7 ? 'sd-recommendations' : source();
    items.push(budgetChange({ ...base, id: `b${campaign}`, source: product, from: budget, to: budget * (next() < 0.5 ? 0.8 : 1.25) }));
    for (let k = 0; k < 14 && items.length < count; k++) {
      const bid = 0.5 + Math.round(next() * 200) / 100;
      const keyword = { ...base, keywordId: `K${campaign}-${k}`, text: `keyword ${k}`, adGroupId: `G${campaign}-${k % 3}` };
      const to = Math.round(bid * (next() < 0.6 ? 1.2 : 0.85) * 100) / 100;
      items.push(bidChange({ ...keyword, id: `k${campaign}-${k}`, source: source(), from: bid, to }));
      // Now and then another source proposes the same keyword's bid: duplicates, or a contradiction.
      if (next() < 0.1 && items.length < count)
        items.push(bidChange({ ...keyword, id: `k${campaign}-${k}-x`, source: source(), from: bid, to: next() < 0.5 ? to : bid * 0.8 }));
    }
    for (let n = 0; n < 4 && items.length < count; n++)
      items.push(
        newKeyword({ ...base, id: `n${campaign}-${n}`, adGroupId: `G${campaign}-0`, text: `new ${n}`, bid: 0.75, source: source() }),
      );
    if (next() < 0.05 && items.length < count) items.push(stateChange({ ...base, id: `p${campaign}`, to: 'PAUSED', source: source() }));
  }
  return items.slice(0, count);
}

/** The same rows with `share` of the proposals changed upstream (another proposed value). */
function changeShare(items: readonly NormalisedRecommendation[], share: number, seed: number): NormalisedRecommendation[] {
  const next = random(seed);
  return items.map((item) => {
    if (next() >= share || typeof item.action.to !== 'number') return item;
    return { ...item, action: { ...item.action, to: Math.round(item.action.to * 1.05 * 100) / 100 } };
  });
}

export const benchmark: Benchmark = {
  name: 'Incremental re-sync: 1 % of the rows changed (issue 18, item 2)',
  async run(): Promise<BenchResult> {
    const schema = `bench_${randomUUID().replaceAll('-', '')}`;
    const target: DatabaseTarget = ON_PGLITE ? { kind: 'pglite' } : { kind: 'postgres', url: DATABASE_URL, schema };
    const runtime = await createRuntime(
      parseEnv({ SYNC_ON_START: 'false', STREAM_SIMULATED: 'false', LOG_LEVEL: 'silent', INGEST_RETRY_FIRST_MS: '0' }),
      {
        database: target,
        log: pino({ level: 'silent' }),
      },
    );
    const { store, lifecycle, conflicts } = runtime;
    const advertisers = [...new Set(Array.from({ length: ADVERTISERS }, (_, i) => `ADV${i}`))];
    /** A sync: the store, then the after-ingest step (incremental), or the whole-advertiser pass it replaced. */
    const timeSync = async (items: readonly NormalisedRecommendation[], pass: 'incremental' | 'full') => {
      const started = performance.now();
      for (let start = 0; start < items.length; start += BATCH) await store.upsertMany(items.slice(start, start + BATCH));
      const stored = performance.now();
      const changes = store.drainTouched();
      if (pass === 'incremental') await lifecycle.validateChanged(changes);
      else await lifecycle.validateAdvertisers(advertisers);
      const validated = performance.now();
      if (pass === 'incremental') await conflicts.redetectChanged(changes);
      else await conflicts.detect(advertisers);
      const done = performance.now();
      return {
        total: (done - started) / 1000,
        store: (stored - started) / 1000,
        after: (done - stored) / 1000,
        validation: (validated - stored) / 1000,
        conflicts: (done - validated) / 1000,
      };
    };
    try {
      const first = makeQueue(ITEMS);
      const firstSync = await timeSync(first, 'incremental');
      const second = changeShare(first, CHANGED_SHARE, 7);
      const changed = second.filter((item, i) => item !== first[i]).length;
      const resync = await timeSync(second, 'incremental');
      // What a re-sync cost before: another 1 % changed, then every touched advertiser's whole queue validated and
      // detected (the same kind of writes: the conflicts the change opens and resolves).
      const third = changeShare(second, CHANGED_SHARE, 8);
      const before = await timeSync(third, 'full');
      const open = await runtime.db
        .selectFrom('conflicts')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('status', '=', 'open')
        .executeTakeFirstOrThrow();
      const ratio = resync.total / firstSync.total;
      return {
        name: this.name,
        measurements: [
          { label: `first sync of ${ITEMS} items: store + validation + conflicts`, value: firstSync.total, unit: 's' },
          { label: 'first sync: of which validation + conflicts (after-ingest step)', value: firstSync.after, unit: 's' },
          {
            label: `re-sync with ${changed} items (${(CHANGED_SHARE * 100).toFixed(0)} %) changed: store + validation + conflicts`,
            value: resync.total,
            unit: 's',
            floor: firstSync.total,
            ratio,
            goal: `≤ ${GOAL * 100} % of the first sync`,
            met: ratio <= GOAL,
          },
          { label: 're-sync: of which the store (upserts and sightings)', value: resync.store, unit: 's' },
          {
            label: 're-sync: of which validation + conflicts (incremental)',
            value: resync.after,
            unit: 's',
            floor: firstSync.after,
            ratio: resync.after / firstSync.after,
            goal: `≤ ${GOAL * 100} % of the first sync's`,
            met: resync.after / firstSync.after <= GOAL,
          },
          { label: 're-sync: validation (incremental)', value: resync.validation, unit: 's' },
          { label: 're-sync: conflict detection (incremental)', value: resync.conflicts, unit: 's' },
          {
            label: 'before: another 1 % re-sync with the whole-advertiser passes (validation + conflicts)',
            value: before.after,
            unit: 's',
          },
          { label: 'before: of which validation', value: before.validation, unit: 's' },
          { label: 'before: of which conflict detection', value: before.conflicts, unit: 's' },
          {
            label: 'incremental after-ingest step vs the whole-advertiser passes, same-size change',
            value: resync.after / before.after,
            unit: '×',
          },
          { label: 'open conflicts after the re-sync', value: Number(open.n), unit: 'conflicts' },
        ],
        notes: [
          `${ON_PGLITE ? 'PGlite in memory' : `PostgreSQL at ${new URL(DATABASE_URL).host}, schema ${schema} (dropped after the run)`}; ${ADVERTISERS} advertisers, upserts in batches of ${BATCH}.`,
          'The store still writes every row it sees (the sighting, and validation mark of each unchanged row): that is set-based ingest’s part (issue 18, item 1).',
        ],
      };
    } finally {
      await runtime.close();
      if (!ON_PGLITE) {
        const admin = new pg.Client({ connectionString: DATABASE_URL });
        await admin.connect();
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await admin.end();
      }
    }
  },
};
