/**
 * The expiring lanes' totals from the index alone (issue 18, item 4). 0026's open-items expiry index is on the
 * expression `coalesce(expires_at, 'infinity')`; PostgreSQL answers a query from an expression index alone only when
 * the index also holds the columns the expression reads, so counting an expiring window fetched every matching row
 * (and with the total's cap at 1,001 the planner preferred a bounded sequential scan). Rebuilt with `expires_at`
 * included, the window's count is an index-only walk (0.4 ms for 1,001 matches at 100k, against 14 ms).
 */
import { type Kysely, sql } from 'kysely';
import { SORT_EXPRESSIONS } from './0004-lifecycle-conflicts.ts';

/** shared-types' OPEN_STATUSES as they were when 0026 was written (a migration never changes). */
const OPEN_STATUSES = ['discovered', 'validated', 'drifted', 'approved', 'failed'];

async function openExpiryIndex(db: Kysely<unknown>, include: boolean): Promise<void> {
  await sql`DROP INDEX IF EXISTS recommendations_open_expiry_idx`.execute(db);
  await sql`CREATE INDEX recommendations_open_expiry_idx ON recommendations ((${sql.raw(SORT_EXPRESSIONS.expiresAt)}), id)
    ${include ? sql`INCLUDE (expires_at)` : sql``} WHERE status IN (${sql.join(OPEN_STATUSES.map((s) => sql.lit(s)))})`.execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await openExpiryIndex(db, true);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await openExpiryIndex(db, false);
}
