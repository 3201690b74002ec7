/**
 * Issue 8, second part: the first approval of an item that needs a second approver (two-person rule) and the Ads API
 * credentials an admin stores in the database instead of the environment.
 *
 * The first approval sits on the recommendation itself, tied to the version approved: any later change bumps the
 * version, so a first approval of an older version simply stops counting. Credentials are sealed by secret-box.ts
 * (envelope encryption with RECDESK_SECRETS_KEY); only the sealed value, its last four characters and who set it
 * when are kept.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('recommendations')
    .addColumn('first_approver_id', 'text')
    .addColumn('first_approved_at', 'timestamptz')
    .addColumn('first_approval_version', 'integer')
    .addColumn('first_approved_value', 'double precision')
    .execute();

  await db.schema
    .createTable('ads_credentials')
    .addColumn('name', 'text', (c) => c.primaryKey().check(sql`name in ('client_id', 'client_secret', 'refresh_token')`))
    .addColumn('sealed', 'text', (c) => c.notNull())
    .addColumn('last4', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
}
