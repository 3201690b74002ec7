/**
 * Marketing Stream subscriptions RecDesk created upstream (issue 17). The row is written before the call with the
 * `client_request_token` it sends, so a retry after a lost answer sends the same token and Amazon answers the same
 * subscription instead of creating a second one.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('stream_subscriptions')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('advertiser_id', 'text', (c) => c.notNull())
    .addColumn('profile_id', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('data_set_id', 'text', (c) => c.notNull())
    .addColumn('destination_arn', 'text', (c) => c.notNull())
    .addColumn('notes', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('upstream_subscription_id', 'text')
    .addColumn('client_request_token', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .execute();
  await db.schema
    .createIndex('stream_subscriptions_advertiser_idx')
    .on('stream_subscriptions')
    .columns(['advertiser_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('stream_subscriptions').execute();
}
