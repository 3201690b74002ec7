/**
 * Impact measurement (issue 6): one row per measured change, keyed by what was measured (`apply:<apply item id>` for a
 * change a person or a rule applied, `hold:<rule decision id>` for an item a rule held back as a control), with the
 * windows, the realised effects and their bands next to the source's promise. Recomputed idempotently by the
 * measurement job; the feedback loop's aggregates and priority factors are read from it.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('impact_results')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('recommendation_id', 'uuid', (c) => c.notNull())
    .addColumn('advertiser_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('entity', 'text')
    .addColumn('cohort', 'text', (c) => c.notNull().check(sql`cohort in ('person', 'rule', 'control')`))
    .addColumn('applied_at', 'timestamptz', (c) => c.notNull())
    .addColumn('applied_by', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('measuring', 'measured', 'insufficient_data', 'not_measurable')`))
    .addColumn('measuring_until', 'date', (c) => c.notNull())
    .addColumn('window_days', 'integer', (c) => c.notNull())
    .addColumn('before_from', 'date', (c) => c.notNull())
    .addColumn('before_to', 'date', (c) => c.notNull())
    .addColumn('after_from', 'date', (c) => c.notNull())
    .addColumn('after_to', 'date', (c) => c.notNull())
    .addColumn('target_metric', 'text', (c) => c.notNull())
    .addColumn('effects', 'jsonb', (c) => c.notNull())
    .addColumn('verdict', 'text', (c) => c.check(sql`verdict in ('improved', 'worsened', 'no_change')`))
    .addColumn('promised', 'jsonb', (c) => c.notNull())
    .addColumn('realised_total', 'double precision')
    .addColumn('promised_total', 'double precision')
    .addColumn('baseline_campaigns', 'integer', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('measured_at', 'timestamptz')
    .addColumn('computed_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('impact_results_group').on('impact_results').columns(['advertiser_id', 'source', 'kind']).execute();
  await db.schema.createIndex('impact_results_recommendation').on('impact_results').column('recommendation_id').execute();
  await db.schema.createIndex('impact_results_state').on('impact_results').column('state').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('impact_results').ifExists().execute();
}
