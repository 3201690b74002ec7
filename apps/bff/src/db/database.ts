/**
 * Opens the database through Kysely: PGlite (embedded PostgreSQL, kept under RECDESK_DATA_DIR) by default, or a
 * PostgreSQL server when DATABASE_URL is set. Both run the same migrations; Kysely's migrator takes an advisory lock,
 * so several processes starting together migrate once.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely';
import { type Migration, Migrator } from 'kysely/migration';
import pg from 'pg';
import * as recommendations0001 from './migrations/0001-recommendations.ts';
import * as runUpstreamStats0002 from './migrations/0002-run-upstream-stats.ts';
import * as brandMetricsStream0003 from './migrations/0003-brand-metrics-stream.ts';
import * as lifecycleConflicts0004 from './migrations/0004-lifecycle-conflicts.ts';
import * as auth0007 from './migrations/0007-auth.ts';
import * as applyRules0008 from './migrations/0008-apply-rules.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

/** In order; a new migration is appended, never edited once it has landed. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-recommendations': recommendations0001,
  '0002-run-upstream-stats': runUpstreamStats0002,
  '0003-brand-metrics-stream': brandMetricsStream0003,
  '0004-lifecycle-conflicts': lifecycleConflicts0004,
  '0007-auth': auth0007,
  '0008-apply-rules': applyRules0008,
};

export type DatabaseTarget = { kind: 'pglite'; dataDir?: string } | { kind: 'postgres'; url: string; schema?: string; poolSize?: number };

export function describeTarget(target: DatabaseTarget): string {
  return target.kind === 'pglite' ? `PGlite (${target.dataDir ?? 'in memory'})` : `PostgreSQL (${new URL(target.url).host})`;
}

export async function openDatabase(target: DatabaseTarget): Promise<Db> {
  if (target.kind === 'pglite') {
    if (target.dataDir) mkdirSync(path.resolve(target.dataDir), { recursive: true });
    const pglite = target.dataDir ? new PGlite(path.resolve(target.dataDir)) : new PGlite();
    return new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  }
  const pool = new pg.Pool({
    connectionString: target.url,
    max: target.poolSize ?? 10,
    // A schema of its own lets tests (and tenants) share one server without seeing each other's tables.
    ...(target.schema ? { options: `-c search_path=${target.schema}` } : {}),
  });
  if (target.schema) {
    const client = await pool.connect();
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${target.schema.replaceAll('"', '')}"`);
    } finally {
      client.release();
    }
  }
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

export async function migrate(db: Db, schema?: string): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export async function pingDatabase(db: Db): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
