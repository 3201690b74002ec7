/**
 * The sign-in and API rate-limit counters (auth/login-throttle.ts) get their tables here, under the migrator's lock.
 * They used to be created by each process as it opened its counter store: two processes starting together raced on
 * `CREATE TABLE IF NOT EXISTS` and the loser died (the catalog's "already exists" is not covered by IF NOT EXISTS when
 * the other transaction has not committed yet). IF NOT EXISTS stays for databases where a process made them before.
 */
import { type Kysely, sql } from 'kysely';

export const RATE_LIMIT_COUNTER_TABLES = ['rate_limit_login_account', 'rate_limit_login_address', 'rate_limit_api_user'];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of RATE_LIMIT_COUNTER_TABLES) {
    await sql`CREATE TABLE IF NOT EXISTS ${sql.table(table)} (
      key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint
    )`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of RATE_LIMIT_COUNTER_TABLES) await sql`DROP TABLE IF EXISTS ${sql.table(table)}`.execute(db);
}
