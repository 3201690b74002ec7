/**
 * Performance reports count the rows they could not use: a malformed report row is quarantined (with its raw
 * payload, in the quarantine table under the source `performance-reports`) and counted on its report here.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('performance_reports')
    .addColumn('rows_quarantined', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('performance_reports').dropColumn('rows_quarantined').execute();
}
