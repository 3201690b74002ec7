/**
 * What each ingestion run cost upstream: calls sent, answered 429, made again, and the same per endpoint (jsonb), so
 * a run that crawled through throttling shows it next to its counts.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('ingestion_runs')
    .addColumn('upstream_calls', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('throttled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('retried', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('upstream_failed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('upstream_by_endpoint', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('ingestion_runs')
    .dropColumn('upstream_calls')
    .dropColumn('throttled')
    .dropColumn('retried')
    .dropColumn('upstream_failed')
    .dropColumn('upstream_by_endpoint')
    .execute();
}
