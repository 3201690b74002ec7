/**
 * Set-based ingest of one batch (issue 18, item 1): the batch's rows are loaded into a staging table (COPY on a
 * PostgreSQL server, multi-row INSERTs on PGlite), then ONE statement merges the staged set into the store: inserts the
 * new items, updates the changed ones (content hash differs), records the sighting of the unchanged ones, returns
 * rejected items whose quiet period is over to the queue, and appends every resulting event, all as set operations.
 * Nothing is read back row by row; the statement returns what it inserted or changed (the touched tracking's input).
 *
 * The staging table is a temporary table of the session, emptied at every commit (ON COMMIT DELETE ROWS): staging and
 * merge run in one transaction, so a failed batch leaves nothing staged, and concurrent batches (other sessions) never
 * see each other's rows. Memory holds one batch.
 */

import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CompiledQuery, type Kysely, sql } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { type CopyValue, copyLine } from '../db/copy-text.ts';
import type { Database } from '../db/schema.ts';
import { retryOnTransientConflict } from '../db/transient-conflict.ts';

/** One item as staged: the store's columns that ingestion writes (the rest keep their defaults or current values). */
export interface StagedRecommendation {
  id: string;
  source: string;
  source_recommendation_id: string;
  source_type: string;
  kind: string;
  goal: string;
  title: string;
  description: string | null;
  advertiser_id: string;
  advertiser_name: string | null;
  profile_id: string | null;
  marketplace: string | null;
  campaign_id: string | null;
  /** jsonb columns as JSON text. */
  entity: string;
  action: string;
  applicable: boolean;
  confidence: number | null;
  impact_score: number | null;
  estimated_impact: string;
  generated_at: string;
  refreshed_at: Date;
  expires_at: Date | null;
  priority: number | null;
  content_hash: string;
  raw: string;
  /**
   * Validation's outcome should the item be new (admission.ts): its first status, issues (JSON text) and the reason of
   * its event. A null reason: not validated yet (a store without a validator), inserted as discovered.
   */
  admitted_status: string;
  admitted_issues: string;
  admitted_reason: string | null;
}

/** The staging table's columns with their types, in COPY order (`seq` is the row's place in the batch). */
const STAGED_COLUMNS = [
  ['seq', 'integer'],
  ['id', 'uuid'],
  ['source', 'text'],
  ['source_recommendation_id', 'text'],
  ['source_type', 'text'],
  ['kind', 'text'],
  ['goal', 'text'],
  ['title', 'text'],
  ['description', 'text'],
  ['advertiser_id', 'text'],
  ['advertiser_name', 'text'],
  ['profile_id', 'text'],
  ['marketplace', 'text'],
  ['campaign_id', 'text'],
  ['entity', 'jsonb'],
  ['action', 'jsonb'],
  ['applicable', 'boolean'],
  ['confidence', 'double precision'],
  ['impact_score', 'double precision'],
  ['estimated_impact', 'jsonb'],
  ['generated_at', 'timestamptz'],
  ['refreshed_at', 'timestamptz'],
  ['expires_at', 'timestamptz'],
  ['priority', 'double precision'],
  ['content_hash', 'text'],
  ['raw', 'jsonb'],
  ['admitted_status', 'text'],
  ['admitted_issues', 'jsonb'],
  ['admitted_reason', 'text'],
] as const satisfies readonly (readonly [keyof StagedRecommendation | 'seq', string])[];

type StagedColumn = (typeof STAGED_COLUMNS)[number][0];
const COLUMN_NAMES: readonly StagedColumn[] = STAGED_COLUMNS.map(([name]) => name);
const ADMISSION_COLUMNS: readonly StagedColumn[] = ['admitted_status', 'admitted_issues', 'admitted_reason'];
/** The columns an insert copies as they are: every staged one but the place in the batch and validation's outcome. */
const STORED_COLUMNS = COLUMN_NAMES.filter((name) => name !== 'seq' && !ADMISSION_COLUMNS.includes(name));
/** The upstream facts an update rewrites (every stored column but the keys). */
const CONTENT_COLUMNS = STORED_COLUMNS.filter((name) => !['id', 'source', 'source_recommendation_id'].includes(name));

const STAGING = 'pg_temp.recommendation_staging';
const CREATE_STAGING = `CREATE TEMP TABLE IF NOT EXISTS recommendation_staging (${STAGED_COLUMNS.map(
  ([name, type]) => `${name} ${type}${name === 'seq' || name === 'id' ? ' NOT NULL' : ''}`,
).join(', ')}) ON COMMIT DELETE ROWS`;

/**
 * The merge. $1 the time of the batch, $2 the end of the rejection quiet period (a rejected item rejected at or before
 * it returns), $3 the reason of that return's event. The staged rows are unique per (source, id) (the caller keeps the
 * last copy of a duplicate), so no row is written twice by the statement's parts, which touch disjoint sets:
 * `inserted` what was not there, `changed` what was there with another content hash, `seen` the rest.
 * `old` reads (and locks) the current rows first, so the events carry the status and action they replaced even when
 * another transaction changed a row just before this one.
 */
const MERGE = `
WITH old AS (
  SELECT r.id, s.seq, r.status, r.action, r.advertiser_id AS old_advertiser_id, r.entity AS old_entity,
         r.content_hash <> s.content_hash AS changed,
         r.status = 'rejected' AND (r.rejected_at IS NULL OR r.rejected_at <= $2::timestamptz) AS returns
  -- In id order, the one order every writer locks rows of recommendations in (db/row-locks.ts): another merge or a
  -- validation of the same rows then waits instead of deadlocking.
  FROM (SELECT * FROM ${STAGING} ORDER BY id) s
  -- One primary-key lookup per staged row (the id is derived from source and source id: recommendationIdOf), never a
  -- scan of the store: a locking subquery is not flattened, so the planner cannot turn it into a hash join.
  CROSS JOIN LATERAL (
    SELECT id, status, action, advertiser_id, entity, content_hash, rejected_at FROM recommendations WHERE id = s.id FOR UPDATE
  ) r
),
-- A new item is written once, with validation's outcome (admission.ts); as validation does, a move away from what a
-- person could approve bumps its version.
inserted AS (
  INSERT INTO recommendations (${STORED_COLUMNS.join(', ')},
    status, validation_issues, validated_at, version, created_at, updated_at, last_seen_at)
  SELECT ${STORED_COLUMNS.map((c) => `s.${c}`).join(', ')},
    s.admitted_status, s.admitted_issues, CASE WHEN s.admitted_reason IS NULL THEN NULL ELSE $1::timestamptz END,
    CASE WHEN s.admitted_status IN ('discovered', 'validated') THEN 1 ELSE 2 END,
    $1::timestamptz, $1::timestamptz, $1::timestamptz
  FROM ${STAGING} s
  WHERE NOT EXISTS (SELECT 1 FROM old WHERE old.seq = s.seq)
  ORDER BY s.id
  -- Inserted meanwhile by another transaction: theirs stands (and its event is theirs); the next sync compares.
  ON CONFLICT (source, source_recommendation_id) DO NOTHING
  RETURNING id, advertiser_id, campaign_id, status
),
changed AS (
  UPDATE recommendations r SET
    ${CONTENT_COLUMNS.map((c) => `${c} = s.${c}`).join(', ')},
    updated_at = $1::timestamptz, last_seen_at = $1::timestamptz,
    version = r.version + CASE WHEN old.returns THEN 2 ELSE 1 END,
    -- An approval was for the previous proposal; a rejected item past its quiet period returns to the queue.
    status = CASE WHEN old.returns THEN 'discovered' WHEN r.status = 'approved' THEN 'validated' ELSE r.status END,
    approved_value = CASE WHEN r.status = 'approved' THEN NULL ELSE r.approved_value END,
    validation_issues = CASE WHEN old.returns THEN '[]'::jsonb ELSE r.validation_issues END
  FROM old JOIN ${STAGING} s ON s.seq = old.seq
  WHERE r.id = old.id AND old.changed
  RETURNING r.id, r.advertiser_id, r.campaign_id, r.action
),
returned AS (
  UPDATE recommendations r SET last_seen_at = $1::timestamptz, status = 'discovered', version = r.version + 1,
    updated_at = $1::timestamptz, validation_issues = '[]'::jsonb
  FROM old
  WHERE r.id = old.id AND NOT old.changed AND old.returns
  RETURNING r.id, r.advertiser_id, r.campaign_id
),
-- Seen again, unchanged: only the sighting is recorded (a stale item needs a recent one to be approved).
seen AS (
  UPDATE recommendations r SET last_seen_at = $1::timestamptz
  FROM old
  WHERE r.id = old.id AND NOT old.changed AND NOT old.returns
  RETURNING r.id
),
events AS (
  INSERT INTO recommendation_events (recommendation_id, at, actor_type, actor_id, from_status, to_status, reason, before, after)
  SELECT e.id, $1::timestamptz, 'system', e.actor_id, e.from_status, e.to_status, e.reason, e.before, e.after
  FROM (
    SELECT 0 AS step, s.seq, 0 AS sub, i.id, 'ingest' AS actor_id, NULL::text AS from_status, 'discovered' AS to_status,
           'discovered upstream' AS reason, NULL::jsonb AS before, NULL::jsonb AS after
    FROM inserted i JOIN ${STAGING} s ON s.id = i.id
    UNION ALL
    -- Validation's step, as the after-ingest pass would have written it (admission.ts).
    SELECT 0, s.seq, 1, i.id, 'validation', 'discovered', i.status, s.admitted_reason, NULL, NULL
    FROM inserted i JOIN ${STAGING} s ON s.id = i.id
    WHERE i.status <> 'discovered'
    UNION ALL
    SELECT 0, old.seq, 0, c.id, 'ingest', old.status, CASE WHEN old.status = 'approved' THEN 'validated' ELSE old.status END,
           CASE WHEN old.status = 'approved' THEN 'changed upstream: the approval was for the previous proposal'
                ELSE 'changed upstream' END,
           jsonb_build_object('action', old.action), jsonb_build_object('action', c.action)
    FROM changed c JOIN old ON old.id = c.id
    UNION ALL
    SELECT 1, old.seq, 0, old.id, 'ingest', 'rejected', 'discovered', $3::text, NULL, NULL
    FROM old WHERE old.returns
  ) e
  ORDER BY e.step, e.seq, e.sub
  RETURNING recommendation_id, to_status
)
SELECT 'inserted' AS change, id, advertiser_id, campaign_id, NULL AS to_status, NULL AS old_advertiser_id, NULL::jsonb AS old_entity
  FROM inserted
UNION ALL SELECT 'changed', c.id, c.advertiser_id, c.campaign_id, NULL, old.old_advertiser_id, old.old_entity
  FROM changed c JOIN old ON old.id = c.id
UNION ALL SELECT 'returned', id, advertiser_id, campaign_id, NULL, NULL, NULL FROM returned
UNION ALL SELECT 'event', recommendation_id, NULL, NULL, to_status, NULL, NULL FROM events
UNION ALL SELECT 'seen', NULL, NULL, NULL, count(*)::text, NULL, NULL FROM seen`;

/** An item the merge inserted or changed (its content, or its status: back from a rejection). */
export interface IngestedChange {
  change: 'inserted' | 'changed' | 'returned';
  id: string;
  advertiserId: string;
  campaignId: string | null;
  /** A changed item's advertiser and entity before the change: the after-ingest work re-examines both places. */
  before?: { advertiserId: string; entity: unknown };
}

export interface MergeOutcome {
  changes: IngestedChange[];
  /** The events the merge appended (for the stage metrics). */
  events: { recommendationId: string; toStatus: string }[];
  /** Seen again with the same content (and not back from a rejection). */
  seen: number;
  /** Where the batch's time went: loading the staging table, and the merge statement (the profile of issue 18). */
  timings: { stageMs: number; mergeMs: number };
}

type MergeRow = {
  change: string;
  id: string | null;
  advertiser_id: string | null;
  campaign_id: string | null;
  to_status: string | null;
  old_advertiser_id: string | null;
  old_entity: unknown;
};

export interface MergeParams {
  at: Date;
  quietBefore: Date;
  returnedReason: string;
}

function outcomeOf(rows: readonly MergeRow[], timings: MergeOutcome['timings']): MergeOutcome {
  const outcome: MergeOutcome = { changes: [], events: [], seen: 0, timings };
  for (const row of rows) {
    if (row.change === 'seen') outcome.seen += Number(row.to_status ?? 0);
    else if (row.change === 'event') outcome.events.push({ recommendationId: row.id ?? '', toStatus: row.to_status ?? '' });
    else
      outcome.changes.push({
        change: row.change as IngestedChange['change'],
        id: row.id ?? '',
        advertiserId: row.advertiser_id ?? '',
        campaignId: row.campaign_id,
        ...(row.old_advertiser_id ? { before: { advertiserId: row.old_advertiser_id, entity: row.old_entity } } : {}),
      });
  }
  return outcome;
}

function valuesOf(row: StagedRecommendation, seq: number): CopyValue[] {
  return COLUMN_NAMES.map((name) => (name === 'seq' ? seq : row[name]));
}

/** Rows per INSERT on PGlite: 29 parameters a row stays far under PostgreSQL's 65,535 per statement. */
const INSERT_ROWS = 1000;

/**
 * Stages and merges one batch in one transaction. With a server pool the rows are COPYed on a client of their own
 * (Kysely has no COPY); without one (PGlite) they are inserted in multi-row statements through Kysely.
 */
export function mergeBatch(
  target: { db: Kysely<Database>; pool: pg.Pool | null },
  rows: readonly StagedRecommendation[],
  params: MergeParams,
): Promise<MergeOutcome> {
  // The batch is one transaction: one the database aborted as a deadlock left nothing behind and runs again.
  return retryOnTransientConflict(() => mergeBatchOnce(target, rows, params));
}

async function mergeBatchOnce(
  target: { db: Kysely<Database>; pool: pg.Pool | null },
  rows: readonly StagedRecommendation[],
  params: MergeParams,
): Promise<MergeOutcome> {
  const parameters = [params.at, params.quietBefore, params.returnedReason];
  if (target.pool) {
    const client = await target.pool.connect();
    let failed: unknown = null;
    try {
      const started = performance.now();
      await client.query('BEGIN');
      // JIT is off for the pool (database.ts): compiling this statement cost more than running it.
      await client.query(CREATE_STAGING);
      const text = rows.map((row, seq) => copyLine(valuesOf(row, seq))).join('');
      await pipeline(Readable.from([text]), client.query(copyFrom(`COPY ${STAGING} (${COLUMN_NAMES.join(', ')}) FROM STDIN`)));
      // Its statistics, so that the merge looks its rows up by key instead of scanning the store (a temporary table
      // has none until analysed, and the planner guessed a hash join over every stored row).
      await client.query(`ANALYZE ${STAGING}`);
      const staged = performance.now();
      const result = await client.query<MergeRow>(MERGE, parameters);
      await client.query('COMMIT');
      return outcomeOf(result.rows, { stageMs: staged - started, mergeMs: performance.now() - staged });
    } catch (error) {
      failed = error;
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      // A client whose batch failed (a broken COPY, a dropped connection) is discarded, not handed to the next query.
      client.release(failed !== null);
    }
  }
  return target.db.transaction().execute(async (trx) => {
    const started = performance.now();
    await trx.executeQuery(CompiledQuery.raw(CREATE_STAGING));
    for (let start = 0; start < rows.length; start += INSERT_ROWS) {
      const values = rows
        .slice(start, start + INSERT_ROWS)
        .map((row, i) => sql`(${sql.join(valuesOf(row, start + i).map((value) => sql`${value}`))})`);
      await sql`INSERT INTO ${sql.raw(STAGING)} (${sql.raw(COLUMN_NAMES.join(', '))}) VALUES ${sql.join(values)}`.execute(trx);
    }
    await trx.executeQuery(CompiledQuery.raw(`ANALYZE ${STAGING}`));
    const staged = performance.now();
    const result = await trx.executeQuery<MergeRow>(CompiledQuery.raw(MERGE, parameters));
    return outcomeOf(result.rows, { stageMs: staged - started, mergeMs: performance.now() - staged });
  });
}
