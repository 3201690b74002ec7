/**
 * Issue 19: an applied item moves to `measured` when its measurement settles (applied → measured was in the machine's
 * table and in `lifecycle_transitions` since 0004, so only the audit trail learns the action), and a rule's held-back
 * control is marked on its recommendation: which rule holds it and until which day its measurement needs it untouched.
 * A person who approves it anyway takes it out of the control group: the columns say when and who, and the event
 * (reason 'left control group', same status before and after) becomes `recommendation.control_group_left` in the audit
 * log. The audit trigger's function is replaced with one that carries every mapping of 0019 and adds the two.
 */
import { type Kysely, sql } from 'kysely';
import { APPROVAL_WITHDRAWN_REASON } from './0019-approval-withdrawn.ts';

/** The event reason the lifecycle writes when a person takes an item out of a rule's control group. */
export const CONTROL_GROUP_LEFT_REASON = 'left control group';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('recommendations')
    .addColumn('control_rule_id', 'text')
    .addColumn('control_rule_name', 'text')
    .addColumn('control_until', 'text')
    .addColumn('control_left_at', 'timestamptz')
    .addColumn('control_left_by', 'text')
    .execute();
  await sql`CREATE OR REPLACE FUNCTION audit_recommendation_event() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      audit_action text;
    BEGIN
      audit_action := CASE
        WHEN NEW.reason = ${sql.lit(APPROVAL_WITHDRAWN_REASON)} THEN 'recommendation.approval_withdrawn'
        WHEN NEW.reason = ${sql.lit(CONTROL_GROUP_LEFT_REASON)} THEN 'recommendation.control_group_left'
        WHEN NEW.to_status = 'approved' THEN 'recommendation.approved'
        WHEN NEW.to_status = 'rejected' THEN 'recommendation.rejected'
        WHEN NEW.to_status = 'applying' THEN 'recommendation.applied'
        WHEN NEW.to_status = 'applied' THEN 'recommendation.applied'
        WHEN NEW.to_status = 'measured' THEN 'recommendation.measured'
        WHEN NEW.to_status = 'rolled_back' THEN 'recommendation.undone'
        WHEN NEW.to_status = 'acknowledged' THEN 'recommendation.acknowledged'
        WHEN NEW.to_status = 'dismissed' THEN 'recommendation.dismissed'
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
