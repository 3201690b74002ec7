/**
 * Room on every page of the store for a second version of its rows (issue 18, item 1). A sync writes each unchanged
 * item's sighting (last_seen_at, in no index): with free space on its page that update is a heap-only tuple, which
 * writes none of the table's 26 indexes; on a full page (the default fillfactor of 100) it writes every one of them,
 * so a re-sync that changed nothing cost as much as the first. Pages written from now on keep 25 % free; pages already
 * full get the room when the table is next rewritten (VACUUM FULL, CLUSTER), and HOT pruning keeps it free after that.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE recommendations SET (fillfactor = 75)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE recommendations RESET (fillfactor)`.execute(db);
}
