/** The recommendation store, its event history, ingestion runs and the quarantine. */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('recommendations')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_recommendation_id', 'text', (c) => c.notNull())
    .addColumn('source_type', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('goal', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('advertiser_id', 'text', (c) => c.notNull())
    .addColumn('advertiser_name', 'text')
    .addColumn('profile_id', 'text')
    .addColumn('marketplace', 'text')
    .addColumn('campaign_id', 'text')
    .addColumn('entity', 'jsonb', (c) => c.notNull())
    .addColumn('action', 'jsonb', (c) => c.notNull())
    .addColumn('applicable', 'boolean', (c) => c.notNull())
    .addColumn('confidence', 'double precision')
    .addColumn('impact_score', 'double precision')
    .addColumn('estimated_impact', 'jsonb', (c) => c.notNull())
    .addColumn('generated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('refreshed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('validation_issues', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('priority', 'double precision')
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('raw', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('recommendations_source_id_unique', ['source', 'source_recommendation_id'])
    .execute();
  await db.schema.createIndex('recommendations_queue_idx').on('recommendations').columns(['status', 'generated_at', 'id']).execute();
  await db.schema.createIndex('recommendations_advertiser_idx').on('recommendations').columns(['advertiser_id', 'status']).execute();
  await db.schema.createIndex('recommendations_expiry_idx').on('recommendations').columns(['expires_at']).execute();
  await db.schema.createIndex('recommendations_campaign_idx').on('recommendations').columns(['campaign_id']).execute();

  await db.schema
    .createTable('recommendation_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('recommendation_id', 'uuid', (c) => c.notNull().references('recommendations.id'))
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('before', 'jsonb')
    .addColumn('after', 'jsonb')
    .execute();
  await db.schema.createIndex('recommendation_events_rec_idx').on('recommendation_events').columns(['recommendation_id', 'id']).execute();
  // Events are append-only: the database itself refuses to change or delete one.
  await sql`CREATE FUNCTION recommendation_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'recommendation_events is append-only'; END $$`.execute(db);
  await sql`CREATE TRIGGER recommendation_events_no_change BEFORE UPDATE OR DELETE ON recommendation_events
    FOR EACH ROW EXECUTE FUNCTION recommendation_events_append_only()`.execute(db);

  await db.schema
    .createTable('ingestion_runs')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .addColumn('fetched', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('stored', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('unchanged', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('quarantined', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('errors', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute();
  await db.schema.createIndex('ingestion_runs_source_idx').on('ingestion_runs').columns(['source', 'started_at']).execute();

  await db.schema
    .createTable('quarantine')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('run_id', 'uuid')
    .addColumn('fingerprint', 'text', (c) => c.notNull().unique())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('location', 'text', (c) => c.notNull())
    .addColumn('raw', 'jsonb', (c) => c.notNull())
    .addColumn('quarantined_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('quarantine_source_idx').on('quarantine').columns(['source', 'quarantined_at']).execute();
}
