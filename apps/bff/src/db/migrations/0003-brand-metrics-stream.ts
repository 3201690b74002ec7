/**
 * Brand Metrics per advertiser and brand (so rules can read newToBrandCustomerRate and customerConversionRate), and
 * the Marketing Stream messages received (the deduplication ledger: Stream delivers at least once).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('brand_metrics')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('advertiser_id', 'text', (c) => c.notNull())
    .addColumn('advertiser_name', 'text')
    .addColumn('profile_id', 'text', (c) => c.notNull())
    .addColumn('marketplace', 'text')
    .addColumn('brand_name', 'text', (c) => c.notNull())
    .addColumn('category_tree_name', 'text', (c) => c.notNull())
    .addColumn('category_node_name', 'text', (c) => c.notNull())
    .addColumn('lookback_period', 'text', (c) => c.notNull())
    .addColumn('computed_on', 'date', (c) => c.notNull())
    .addColumn('new_to_brand_customer_rate', 'double precision')
    .addColumn('new_to_brand_customer_rate_category_median', 'double precision')
    .addColumn('customer_conversion_rate', 'double precision')
    .addColumn('customer_conversion_rate_category_median', 'double precision')
    .addColumn('metrics', 'jsonb', (c) => c.notNull())
    .addColumn('raw', 'jsonb', (c) => c.notNull())
    .addColumn('fetched_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('brand_metrics_identity_unique', [
      'profile_id',
      'brand_name',
      'category_tree_name',
      'category_node_name',
      'lookback_period',
      'computed_on',
    ])
    .execute();
  await db.schema
    .createIndex('brand_metrics_advertiser_idx')
    .on('brand_metrics')
    .columns(['advertiser_id', 'brand_name', 'computed_on'])
    .execute();

  await db.schema
    .createTable('stream_messages')
    .addColumn('dedup_key', 'text', (c) => c.primaryKey())
    .addColumn('dataset_id', 'text', (c) => c.notNull())
    .addColumn('advertiser_id', 'text', (c) => c.notNull())
    .addColumn('marketplace_id', 'text', (c) => c.notNull())
    /** The campaign or portfolio the message is about. */
    .addColumn('scope_id', 'text', (c) => c.notNull())
    .addColumn('event_at', 'timestamptz', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('recommendation_id', 'uuid')
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('stream_messages_scope_idx').on('stream_messages').columns(['dataset_id', 'scope_id', 'event_at']).execute();
  // Keeps the jsonb default explicit for readers of the table: a payload is always an object.
  await sql`ALTER TABLE stream_messages ADD CONSTRAINT stream_messages_payload_object CHECK (jsonb_typeof(payload) = 'object')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('stream_messages').execute();
  await db.schema.dropTable('brand_metrics').execute();
}
