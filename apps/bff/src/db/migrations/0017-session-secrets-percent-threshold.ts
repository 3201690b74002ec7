/**
 * Sessions survive a restart: without SESSION_SECRET, the secret that signs the session cookie is generated once and
 * kept here (src/auth/session-secrets.ts). The two-person rule gets a threshold of its own for percentage changes
 * (placement bid adjustments and the like), beside the money one.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('session_secrets')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('approval_policies').addColumn('second_approver_above_percent', 'double precision').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('approval_policies').dropColumn('second_approver_above_percent').execute();
  await db.schema.dropTable('session_secrets').execute();
}
