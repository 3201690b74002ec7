/**
 * Applying approved changes upstream and the auto-apply rules (issue 5).
 * - apply_batches: one per `POST /api/apply` (or undo, or rule run); apply_chunks: the batch cut into upstream-call
 *   sized pieces (one per group and limit), each the unit a worker leases, so two workers share a batch.
 * - apply_items: one item of a batch with its state (queued, applying, applied, failed, drifted), the value it
 *   assumed, the value before and after as read from upstream, and the upstream reason of a failure. A partial
 *   unique index keeps one recommendation in at most one unfinished item: a second click cannot queue it again.
 * - apply_attempts: the write-ahead record of every upstream call per item (intent before the call, outcome after),
 *   so a worker that died between the two is reconciled by reading upstream before anything is retried.
 * - apply_rules / rule_decisions: versioned auto-apply rules (each edit is a new row of the same rule id) and the
 *   decision with its trace for every item a rule looked at.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('apply_batches')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('apply', 'undo')`))
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('actor_version', 'integer')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('apply_chunks')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('batch_id', 'uuid', (c) => c.notNull().references('apply_batches.id').onDelete('cascade'))
    .addColumn('call', 'text', (c) => c.notNull())
    .addColumn('group_key', 'text', (c) => c.notNull())
    .addColumn('done', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('apply_chunks_open').on('apply_chunks').columns(['done', 'lease_until']).execute();

  await db.schema
    .createTable('apply_items')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('batch_id', 'uuid', (c) => c.notNull().references('apply_batches.id').onDelete('cascade'))
    .addColumn('chunk_id', 'uuid', (c) => c.notNull().references('apply_chunks.id').onDelete('cascade'))
    .addColumn('recommendation_id', 'uuid', (c) => c.notNull().references('recommendations.id'))
    .addColumn('advertiser_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('queued', 'applying', 'applied', 'failed', 'drifted')`))
    .addColumn('call', 'text', (c) => c.notNull())
    .addColumn('plan', 'jsonb', (c) => c.notNull())
    /** The value the change assumes is live now (undo: the value it applied), and the value it sets. */
    .addColumn('expected_value', 'jsonb')
    .addColumn('target_value', 'jsonb')
    /** As read from upstream right before the write, and read back after it. */
    .addColumn('value_before', 'jsonb')
    .addColumn('value_after', 'jsonb')
    .addColumn('reason_code', 'text')
    .addColumn('reason', 'text')
    .addColumn('undo_of', 'uuid')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('apply_items_batch').on('apply_items').columns(['batch_id', 'state']).execute();
  await db.schema.createIndex('apply_items_chunk').on('apply_items').column('chunk_id').execute();
  await sql`CREATE UNIQUE INDEX apply_items_one_open ON apply_items (recommendation_id) WHERE state IN ('queued', 'applying')`.execute(db);

  await db.schema
    .createTable('apply_attempts')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('item_id', 'uuid', (c) => c.notNull().references('apply_items.id').onDelete('cascade'))
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('worker', 'text', (c) => c.notNull())
    .addColumn('call', 'text', (c) => c.notNull())
    .addColumn('request', 'jsonb')
    .addColumn('intent_at', 'timestamptz', (c) => c.notNull())
    /** null while the outcome is unknown (the call may or may not have reached upstream). */
    .addColumn('outcome', 'text', (c) =>
      c.check(sql`outcome in ('success', 'failed', 'not_sent', 'reconciled_applied', 'reconciled_not_applied')`),
    )
    .addColumn('outcome_at', 'timestamptz')
    .addColumn('response', 'jsonb')
    .execute();
  await db.schema.createIndex('apply_attempts_item').on('apply_attempts').column('item_id').execute();

  await db.schema
    .createTable('apply_rules')
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('expression', 'text', (c) => c.notNull())
    .addColumn('scope', 'jsonb', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull().check(sql`mode in ('off', 'shadow', 'on')`))
    .addColumn('limits', 'jsonb', (c) => c.notNull())
    .addColumn('current', 'boolean', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('apply_rules_pk', ['id', 'version'])
    .execute();

  await db.schema
    .createTable('rule_decisions')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('rule_id', 'uuid', (c) => c.notNull())
    .addColumn('rule_version', 'integer', (c) => c.notNull())
    .addColumn('run_id', 'uuid', (c) => c.notNull())
    .addColumn('recommendation_id', 'uuid', (c) => c.notNull())
    .addColumn('advertiser_id', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull().check(sql`decision in ('take', 'skip')`))
    .addColumn('applied', 'boolean', (c) => c.notNull())
    .addColumn('spend_change', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('trace', 'text', (c) => c.notNull())
    .addColumn('batch_id', 'uuid')
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rule_decisions_rule').on('rule_decisions').columns(['rule_id', 'at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['rule_decisions', 'apply_rules', 'apply_attempts', 'apply_items', 'apply_chunks', 'apply_batches'])
    await db.schema.dropTable(table).ifExists().execute();
}
