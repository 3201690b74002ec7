/**
 * Insights are acknowledged or dismissed, never approved and applied (issue 14): two new final states, the transitions
 * into them from the waiting states (the machine's table in shared-types, copied here as it is now), and audit actions
 * for both; items remember the live value read back after an apply (`live_value`). The status check is rebuilt with the new names; the audit trigger's function is replaced with one that
 * knows them.
 */
import { type Kysely, sql } from 'kysely';

const STATUSES = [
  'discovered',
  'validated',
  'drifted',
  'approved',
  'rejected',
  'applying',
  'applied',
  'failed',
  'expired',
  'superseded',
  'measured',
  'rolled_back',
  'acknowledged',
  'dismissed',
];

const NEW_TRANSITIONS: [string, string][] = ['discovered', 'validated', 'drifted'].flatMap((from) => [
  [from, 'acknowledged'] as [string, string],
  [from, 'dismissed'] as [string, string],
]);

export async function up(db: Kysely<unknown>): Promise<void> {
  // The value read back after an apply or an undo, so the screen's "current" value is the live one.
  await db.schema.alterTable('recommendations').addColumn('live_value', 'jsonb').addColumn('live_value_at', 'timestamptz').execute();
  await sql`ALTER TABLE recommendations DROP CONSTRAINT recommendations_status_known`.execute(db);
  await sql`ALTER TABLE recommendations ADD CONSTRAINT recommendations_status_known CHECK (status IN (${sql.join(
    STATUSES.map((s) => sql.lit(s)),
  )}))`.execute(db);
  await db
    .insertInto('lifecycle_transitions' as never)
    .values(NEW_TRANSITIONS.map(([from, to]) => ({ from_status: from, to_status: to })) as never)
    .execute();
  await sql`CREATE OR REPLACE FUNCTION audit_recommendation_event() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      audit_action text;
    BEGIN
      audit_action := CASE NEW.to_status
        WHEN 'approved' THEN 'recommendation.approved'
        WHEN 'rejected' THEN 'recommendation.rejected'
        WHEN 'applying' THEN 'recommendation.applied'
        WHEN 'applied' THEN 'recommendation.applied'
        WHEN 'rolled_back' THEN 'recommendation.undone'
        WHEN 'acknowledged' THEN 'recommendation.acknowledged'
        WHEN 'dismissed' THEN 'recommendation.dismissed'
        ELSE NULL END;
      IF audit_action IS NULL AND NEW.actor_type = 'user' THEN
        audit_action := 'recommendation.changed';
      END IF;
      IF audit_action IS NOT NULL THEN
        INSERT INTO audit_log (at, actor, action, target_type, target_id, advertiser_id, details)
        SELECT NEW.at,
               CASE WHEN NEW.actor_type = 'user' THEN NEW.actor_id ELSE NEW.actor_type || ':' || NEW.actor_id END,
               audit_action, 'recommendation', NEW.recommendation_id::text, r.advertiser_id,
               jsonb_build_object('from', NEW.from_status, 'to', NEW.to_status, 'reason', NEW.reason,
                                  'before', NEW.before, 'after', NEW.after)
        FROM recommendations r WHERE r.id = NEW.recommendation_id;
      END IF;
      RETURN NEW;
    END $$`.execute(db);
}
