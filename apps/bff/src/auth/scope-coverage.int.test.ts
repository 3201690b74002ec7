/**
 * The scope's table list cannot fall behind the schema: every table of the migrated database that has an
 * `advertiser_id` column, or points at a recommendation, an apply item or an apply batch, must be filtered by the
 * ScopePlugin or named here as deliberately outside it (with why). A new migration with advertiser data fails here.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../db/database.ts';
import { pgliteTarget } from '../testing/pglite-template.ts';
import { SCOPED_TABLES } from './scope.ts';

/** Tables with advertiser columns that a limited scope never reads through the data layer. */
const OUTSIDE_SCOPE: Readonly<Record<string, string>> = {
  user_advertisers: 'the grants themselves: read by the auth component to build the scope, admin-only over HTTP',
  audit_log: 'admin-only (the guard refuses every other role); it names advertisers but is read whole by admins',
  kysely_migration: 'not advertiser data',
};

describe('advertiser scope covers the schema', () => {
  it('every table with advertiser data is filtered by the ScopePlugin', async () => {
    const db = await openDatabase(pgliteTarget());
    try {
      await migrate(db);
      const { rows } = await sql<{ table_name: string }>`
        select distinct table_name from information_schema.columns
        where table_schema = current_schema()
          and column_name in ('advertiser_id', 'recommendation_id', 'item_id', 'batch_id')`.execute(db);
      const tables = rows.map((row) => row.table_name).sort();
      expect(tables).toEqual(expect.arrayContaining(['recommendations', 'apply_items', 'apply_attempts', 'performance_daily']));
      const uncovered = tables.filter((table) => !(table in SCOPED_TABLES) && !(table in OUTSIDE_SCOPE));
      expect(uncovered).toEqual([]);
    } finally {
      await db.destroy();
    }
  });
});
