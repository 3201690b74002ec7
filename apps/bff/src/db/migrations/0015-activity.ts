/**
 * The activity log (GET /api/activity) reads apply items that reached an end state, newest first by (updated_at, id):
 * this partial index serves that order and its keyset cursor without sorting the whole apply history.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX apply_items_activity ON apply_items (updated_at DESC, id DESC) WHERE state IN ('applied', 'failed', 'drifted')`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS apply_items_activity`.execute(db);
}
