/**
 * One currency for totals (issue 19): every measured amount keeps the currency of its campaign (`impact_results.currency`,
 * back-filled from the campaign's performance rows), and the exchange rates an admin maintains convert totals into the
 * reporting currency a person chooses. A rate says how many units of `to_currency` one unit of `from_currency` buys,
 * as of a day; the inverse pair is derived, never stored twice. The embedded default seeds a few (runtime.ts).
 * Each result also says at which level it was measured (`measured_level`, `level_reason`): a keyword or target change
 * on its own targeting report, anything else (or a fallback) on its campaign.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Where a change was measured (its keyword or target, or its campaign) and why there: issue 19, "measure where the change acts".
  await db.schema
    .alterTable('impact_results')
    .addColumn('currency', 'text')
    .addColumn('measured_level', 'text', (c) => c.check(sql`measured_level in ('campaign', 'keyword', 'target')`))
    .addColumn('level_reason', 'text')
    .execute();
  await sql`UPDATE impact_results ir SET currency = (
      SELECT p.currency FROM performance_daily p
      WHERE p.advertiser_id = ir.advertiser_id AND p.entity_level = 'campaign' AND 'campaign:' || p.campaign_id = ir.entity
        AND p.currency IS NOT NULL
      LIMIT 1)
    WHERE ir.entity IS NOT NULL`.execute(db);
  await db.schema
    .createTable('exchange_rates')
    .addColumn('from_currency', 'text', (c) => c.notNull().check(sql`from_currency ~ '^[A-Z]{3}$'`))
    .addColumn('to_currency', 'text', (c) => c.notNull().check(sql`to_currency ~ '^[A-Z]{3}$'`))
    .addColumn('rate', 'double precision', (c) => c.notNull().check(sql`rate > 0`))
    .addColumn('as_of', 'date', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('exchange_rates_pk', ['from_currency', 'to_currency'])
    .addCheckConstraint('exchange_rates_distinct', sql`from_currency <> to_currency`)
    .execute();
}
