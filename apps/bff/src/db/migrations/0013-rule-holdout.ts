/**
 * Issue 5 (rules) for issue 6 (measurement): a rule may hold back a share of the items it would take as a control
 * group. Held items are recorded in rule_decisions with decision 'hold' (the measurement reads them as the control
 * cohort) and are not applied; `apply_rules.holdout_share` is the share (0 to 0.5) each version holds back.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('apply_rules')
    .addColumn('holdout_share', 'double precision', (c) => c.notNull().defaultTo(0).check(sql`holdout_share >= 0 and holdout_share <= 0.5`))
    .execute();
  // 0008 created the column check unnamed: PostgreSQL named it <table>_<column>_check.
  await sql`ALTER TABLE rule_decisions DROP CONSTRAINT rule_decisions_decision_check`.execute(db);
  await sql`ALTER TABLE rule_decisions ADD CONSTRAINT rule_decisions_decision_check CHECK (decision in ('take', 'skip', 'hold'))`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DELETE FROM rule_decisions WHERE decision = 'hold'`.execute(db);
  await sql`ALTER TABLE rule_decisions DROP CONSTRAINT rule_decisions_decision_check`.execute(db);
  await sql`ALTER TABLE rule_decisions ADD CONSTRAINT rule_decisions_decision_check CHECK (decision in ('take', 'skip'))`.execute(db);
  await db.schema.alterTable('apply_rules').dropColumn('holdout_share').execute();
}
