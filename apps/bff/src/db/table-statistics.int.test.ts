/**
 * A table a writer grows in bulk is analysed by the writer once enough rows were added since its last analysis, so the
 * planner (and the plans it cached, foreign-key checks among them) stops treating it as empty.
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseTargets, dropTestTarget } from '../testing/database-targets.ts';
import { type DatabaseTarget, type Db, openDatabase } from './database.ts';
import { TableStatistics } from './table-statistics.ts';

describe.each(databaseTargets)('table statistics on $name', ({ create }) => {
  let target: DatabaseTarget;
  let db: Db | undefined;
  afterEach(async () => {
    await db?.destroy();
    await dropTestTarget(target);
  });

  const plannedRows = async (database: Db) =>
    Number(
      (await sql<{ rows: number }>`SELECT reltuples::float8 AS rows FROM pg_class WHERE oid = to_regclass('grown')`.execute(database))
        .rows[0]?.rows,
    );

  it('analyses a table once the rows added pass 1,000 and half its rows at the last analysis, and not before', async () => {
    target = await create();
    db = await openDatabase(target);
    await sql`CREATE TABLE grown (id integer PRIMARY KEY)`.execute(db);
    await sql`ANALYZE grown`.execute(db);
    const statistics = new TableStatistics(db);
    const add = async (from: number, count: number) => {
      await sql`INSERT INTO grown SELECT generate_series(${from}::int, ${from + count - 1}::int)`.execute(db as Db);
      await statistics.rowsAdded('grown', count);
    };

    await add(1, 999);
    expect(await plannedRows(db)).toBeLessThanOrEqual(0); // under the threshold: still planned as empty
    await add(1000, 1);
    expect(await plannedRows(db)).toBe(1000);
    // Now 1,000 + 500 more rows are needed.
    await add(1001, 1499);
    expect(await plannedRows(db)).toBe(1000);
    await add(2500, 1);
    expect(await plannedRows(db)).toBe(2500);
  });
});
