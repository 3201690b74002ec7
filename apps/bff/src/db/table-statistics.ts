/**
 * Statistics that keep up with bulk writes. A first sync, or a conflict pass over a new store, grows a table many times
 * over within a minute. Until autovacuum analyses it (a minute later at best; never where it is turned off, as on the
 * test server here) the planner plans from the statistics of a nearly empty table, and a plan it caches for the
 * session keeps that choice: the foreign-key check of every conflict member inserted went on scanning the conflicts
 * table whole (26,000 conflicts into a pass over 1,000,000 items: 4 billion rows read, and growing with each one).
 *
 * So the writer counts the rows it added and analyses the table itself once they pass a threshold in the manner of
 * autovacuum's (here 1,000 rows and half the rows the table had at its last analysis): ANALYZE samples at most 30,000
 * rows, invalidates the cached plans over the table, and runs a few dozen times while a table grows to millions.
 */
import { sql } from 'kysely';
import type { Db } from './database.ts';

const BASE_THRESHOLD = 1_000;
const SCALE_FACTOR = 0.5;

export class TableStatistics {
  private readonly added = new Map<string, number>();
  private readonly rowsAtAnalysis = new Map<string, number>();

  constructor(private readonly db: Db) {}

  /** Rows were added to `table` (committed); analyses it when enough have been since its last analysis. */
  async rowsAdded(table: string, rows: number): Promise<void> {
    if (rows <= 0) return;
    const added = (this.added.get(table) ?? 0) + rows;
    this.added.set(table, added);
    let base = this.rowsAtAnalysis.get(table);
    if (base === undefined) {
      base = await this.estimatedRows(table);
      this.rowsAtAnalysis.set(table, base);
    }
    if (added < BASE_THRESHOLD + SCALE_FACTOR * base) return;
    this.added.set(table, 0);
    await sql`ANALYZE ${sql.table(table)}`.execute(this.db);
    this.rowsAtAnalysis.set(table, await this.estimatedRows(table));
  }

  /** The planner's row count of the table (pg_class.reltuples; -1 before its first analysis). */
  private async estimatedRows(table: string): Promise<number> {
    const result = await sql<{
      rows: number | null;
    }>`SELECT reltuples::float8 AS rows FROM pg_class WHERE oid = to_regclass(${table})`.execute(this.db);
    return Math.max(0, Number(result.rows[0]?.rows ?? 0));
  }
}
