/**
 * Performance data: one row per entity and day (campaigns always; ad groups and keywords where the report has them),
 * written by the reporting ingest (Reporting v3 in live mode, the simulator's reports in simulated mode), and the
 * report requests made, so a window is requested once per profile and day and a 425 reuses the known report id.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('performance_daily')
    .addColumn('entity_key', 'text', (c) => c.notNull())
    .addColumn('date', 'date', (c) => c.notNull())
    .addColumn('entity_level', 'text', (c) => c.notNull().check(sql`entity_level in ('campaign', 'adGroup', 'keyword', 'target')`))
    .addColumn('advertiser_id', 'text', (c) => c.notNull())
    .addColumn('profile_id', 'text', (c) => c.notNull())
    .addColumn('campaign_id', 'text', (c) => c.notNull())
    .addColumn('entity_name', 'text')
    .addColumn('impressions', 'double precision', (c) => c.notNull())
    .addColumn('clicks', 'double precision', (c) => c.notNull())
    .addColumn('cost', 'double precision', (c) => c.notNull())
    .addColumn('sales', 'double precision', (c) => c.notNull())
    .addColumn('orders', 'double precision', (c) => c.notNull())
    /** The campaign's daily budget that day; null below campaign level. */
    .addColumn('budget', 'double precision')
    .addColumn('currency', 'text')
    .addColumn('report_id', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('performance_daily_pk', ['entity_key', 'date'])
    .execute();
  await db.schema.createIndex('performance_daily_advertiser_date').on('performance_daily').columns(['advertiser_id', 'date']).execute();
  await db.schema.createIndex('performance_daily_campaign_date').on('performance_daily').columns(['campaign_id', 'date']).execute();

  await db.schema
    .createTable('performance_reports')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('profile_id', 'text', (c) => c.notNull())
    .addColumn('advertiser_id', 'text', (c) => c.notNull())
    /** The Reporting v3 reportTypeId, e.g. spCampaigns. */
    .addColumn('report_type', 'text', (c) => c.notNull())
    .addColumn('start_date', 'date', (c) => c.notNull())
    .addColumn('end_date', 'date', (c) => c.notNull())
    /** The day (UTC) the request was made: one request per profile, report type, window and day. */
    .addColumn('requested_on', 'date', (c) => c.notNull())
    .addColumn('upstream_report_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('requested', 'pending', 'completed', 'stored', 'failed')`))
    .addColumn('failure_reason', 'text')
    .addColumn('polls', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_poll_at', 'timestamptz')
    .addColumn('rows_stored', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('performance_reports_once', ['profile_id', 'report_type', 'start_date', 'end_date', 'requested_on'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('performance_reports').execute();
  await db.schema.dropTable('performance_daily').execute();
}
