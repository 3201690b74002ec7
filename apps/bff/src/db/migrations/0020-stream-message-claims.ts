/**
 * Several SQS consumers read one queue (issue 17), and a consumer can die between recording a message and storing its
 * item. `stream_messages` so far said only "seen": a redelivery after such a crash was taken for a duplicate and the
 * item was lost. A row is now a claim until `processed_at` is set: a redelivery finds it processed (a duplicate),
 * in progress (left on the queue for later), or abandoned (its claim, `received_at`, older than the lease: taken over).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('stream_messages').addColumn('processed_at', 'timestamptz').execute();
  // Rows written before claims existed were processed in the request that wrote them.
  await sql`UPDATE stream_messages SET processed_at = received_at`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('stream_messages').dropColumn('processed_at').execute();
}
