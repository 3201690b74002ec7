/**
 * Opens the database through Kysely: PGlite (embedded PostgreSQL, kept under RECDESK_DATA_DIR) by default, or a
 * PostgreSQL server when DATABASE_URL is set. Both run the same migrations; Kysely's migrator takes an advisory lock,
 * so several processes starting together migrate once.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, type KyselyPlugin, PGliteDialect, PostgresDialect, sql } from 'kysely';
import { type Migration, Migrator } from 'kysely/migration';
import pg from 'pg';
import * as recommendations0001 from './migrations/0001-recommendations.ts';
import * as runUpstreamStats0002 from './migrations/0002-run-upstream-stats.ts';
import * as brandMetricsStream0003 from './migrations/0003-brand-metrics-stream.ts';
import * as lifecycleConflicts0004 from './migrations/0004-lifecycle-conflicts.ts';
import * as auth0007 from './migrations/0007-auth.ts';
import * as applyRules0008 from './migrations/0008-apply-rules.ts';
import * as performance0009 from './migrations/0009-performance.ts';
import * as alerts0010 from './migrations/0010-alerts.ts';
import * as impact0011 from './migrations/0011-impact.ts';
import * as authSecondApproverCredentials0012 from './migrations/0012-auth-second-approver-credentials.ts';
import * as ruleHoldout0013 from './migrations/0013-rule-holdout.ts';
import * as activity0015 from './migrations/0015-activity.ts';
import * as performanceQuarantine0016 from './migrations/0016-performance-quarantine.ts';
import * as sessionSecretsPercentThreshold0017 from './migrations/0017-session-secrets-percent-threshold.ts';
import * as insightActions0018 from './migrations/0018-insight-actions.ts';
import * as approvalWithdrawn0019 from './migrations/0019-approval-withdrawn.ts';
import * as streamMessageClaims0020 from './migrations/0020-stream-message-claims.ts';
import * as streamSubscriptions0021 from './migrations/0021-stream-subscriptions.ts';
import * as measuredAndControls0024 from './migrations/0024-measured-and-controls.ts';
import * as exchangeRates0025 from './migrations/0025-exchange-rates.ts';
import * as listIndexes0026 from './migrations/0026-list-indexes.ts';
import * as neighbourhoodIndexes0034 from './migrations/0034-neighbourhood-indexes.ts';
import * as pulledAccountsIndex0035 from './migrations/0035-pulled-accounts-index.ts';
import * as openExpiryIndexOnly0037 from './migrations/0037-open-expiry-index-only.ts';
import * as recommendationsFillfactor0039 from './migrations/0039-recommendations-fillfactor.ts';
import * as rateLimitCounters0040 from './migrations/0040-rate-limit-counters.ts';
import * as auditTriggerWhen0041 from './migrations/0041-audit-trigger-when.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

/** PostgreSQL `date` (OID 1082) stays the 'YYYY-MM-DD' it is: a JS Date would shift it by the process's time zone. */
const DATE_OID = 1082;
const keepDateText = (value: string) => value;
pg.types.setTypeParser(DATE_OID, keepDateText);

/** In order; a new migration is appended, never edited once it has landed. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-recommendations': recommendations0001,
  '0002-run-upstream-stats': runUpstreamStats0002,
  '0003-brand-metrics-stream': brandMetricsStream0003,
  '0004-lifecycle-conflicts': lifecycleConflicts0004,
  '0007-auth': auth0007,
  '0008-apply-rules': applyRules0008,
  '0009-performance': performance0009,
  '0010-alerts': alerts0010,
  '0011-impact': impact0011,
  '0012-auth-second-approver-credentials': authSecondApproverCredentials0012,
  '0013-rule-holdout': ruleHoldout0013,
  '0015-activity': activity0015,
  '0016-performance-quarantine': performanceQuarantine0016,
  '0017-session-secrets-percent-threshold': sessionSecretsPercentThreshold0017,
  '0018-insight-actions': insightActions0018,
  '0019-approval-withdrawn': approvalWithdrawn0019,
  '0020-stream-message-claims': streamMessageClaims0020,
  '0021-stream-subscriptions': streamSubscriptions0021,
  '0024-measured-and-controls': measuredAndControls0024,
  '0025-exchange-rates': exchangeRates0025,
  '0026-list-indexes': listIndexes0026,
  '0034-neighbourhood-indexes': neighbourhoodIndexes0034,
  '0035-pulled-accounts-index': pulledAccountsIndex0035,
  '0037-open-expiry-index-only': openExpiryIndexOnly0037,
  '0039-recommendations-fillfactor': recommendationsFillfactor0039,
  '0040-rate-limit-counters': rateLimitCounters0040,
  '0041-audit-trigger-when': auditTriggerWhen0041,
};

export type DatabaseTarget =
  /** `template`: a migrated data directory (`PGlite.dumpDataDir`) an in-memory database starts from (tests). */
  | {
      kind: 'pglite';
      dataDir?: string;
      template?: Blob;
      /** Tests: an in-memory database comes from this, and goes back to it (reset) when closed. */
      reuse?: { acquire(): Promise<PGlite> };
    }
  | { kind: 'postgres'; url: string; schema?: string; poolSize?: number };

export function describeTarget(target: DatabaseTarget): string {
  return target.kind === 'pglite' ? `PGlite (${target.dataDir ?? 'in memory'})` : `PostgreSQL (${new URL(target.url).host})`;
}

/**
 * A pool that survives the server going away (a restart, a failover, a cut network): every pool of the process opens
 * through here. A checkout fails after 10 s instead of hanging; a dropped connection, idle or checked out between two
 * queries, emits 'error', which without a listener ends the process: the pool discards it and opens a new one.
 */
export function openPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool({ connectionTimeoutMillis: 10_000, keepAlive: true, ...config });
  pool.on('error', (error) => {
    process.emitWarning(`PostgreSQL dropped an idle connection (it will be reopened): ${error.message}`, 'DatabaseConnectionWarning');
  });
  pool.on('connect', (client) => {
    client.on('error', (error) => {
      process.emitWarning(`PostgreSQL dropped a connection in use: ${error.message}`, 'DatabaseConnectionWarning');
    });
  });
  return pool;
}

/** Dates stay text (keepDateText): every PGlite opened for RecDesk reads them so. */
export const PGLITE_OPTIONS = { parsers: { [DATE_OID]: keepDateText } };

export async function openDatabase(target: DatabaseTarget): Promise<Db> {
  if (target.kind === 'pglite') {
    if (target.dataDir) mkdirSync(path.resolve(target.dataDir), { recursive: true });
    const options = PGLITE_OPTIONS;
    if (target.reuse && !target.dataDir) {
      return new Kysely<Database>({ dialect: new PGliteDialect({ pglite: await target.reuse.acquire() }) });
    }
    const pglite = target.dataDir
      ? new PGlite(path.resolve(target.dataDir), options)
      : new PGlite({ ...options, ...(target.template ? { loadDataDir: target.template } : {}) });
    return new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  }
  const pool = openPool({
    connectionString: target.url,
    max: target.poolSize ?? 10,
    options: [
      // Every query here is a few index lookups and writes (pages, lanes, batches of 1,000), planned while a sync
      // fills a table whose statistics still describe it nearly empty: estimates then cross the JIT threshold, and
      // compiling took ~100 ms where running took under 1 ms (an ingest batch's lookups; the merge statement, 240 ms).
      '-c jit=off',
      // A schema of its own lets tests (and tenants) share one server without seeing each other's tables.
      ...(target.schema ? [`-c search_path=${target.schema}`] : []),
    ].join(' '),
  });
  if (target.schema) {
    const client = await pool.connect();
    try {
      // Processes starting together may race to create it: the loser's unique violation means it exists.
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${target.schema.replaceAll('"', '')}"`).catch((error: { code?: string }) => {
        if (error.code !== '23505') throw error;
      });
    } finally {
      client.release();
    }
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  return db;
}

/** The server pool behind each database opened here (PGlite has none): COPY needs a client, which Kysely does not give. */
const pools = new WeakMap<Db, pg.Pool>();

/** The pool a database reads through, or null (PGlite, or a database not opened by openDatabase). */
export function poolOf(db: Db): pg.Pool | null {
  return pools.get(db) ?? null;
}

/** `db.withPlugin(plugin)`, keeping the pool known to poolOf (Kysely's copy shares the pool but not this registry). */
export function withPlugin(db: Db, plugin: KyselyPlugin): Db {
  const derived = db.withPlugin(plugin);
  const pool = pools.get(db);
  if (pool) pools.set(derived, pool);
  return derived;
}

export async function migrate(db: Db, schema?: string): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
    // Migrations written side by side landed with numbers out of order (0013 after 0016 in some databases); each
    // touches its own tables, so one that sorts before an executed one still runs, instead of refusing to start.
    allowUnorderedMigrations: true,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  let { error, results } = await migrator.migrateToLatest();
  // Before it runs anything the migrator lists every table of the database by name (Kysely's introspection calls
  // pg_get_serial_sequence per column): a schema another tenant (or a parallel test) drops meanwhile fails that listing
  // with "schema … does not exist". Nothing was migrated then, so listing again is safe.
  for (let attempt = 1; attempt < 4 && !results?.length && isDroppedSchemaRace(error); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    ({ error, results } = await migrator.migrateToLatest());
  }
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** PostgreSQL's invalid_schema_name: a schema named in the query (or resolved by name in it) does not exist. */
function isDroppedSchemaRace(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '3F000';
}

export async function pingDatabase(db: Db): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
