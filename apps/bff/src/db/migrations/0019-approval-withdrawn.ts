/**
 * An approval can be withdrawn before it is applied (issue 14, "a toast with undo"): approved → validated was already in
 * the machine's table (and in `lifecycle_transitions` since 0004), so only the audit trail learns the new action. A
 * withdrawal's event carries the reason 'approval withdrawn' (lifecycle-service.ts), whether it takes back a full
 * approval (approved → validated) or a first approval of the two-person rule (the status stays); the audit trigger's
 * function is replaced with one that records it as `recommendation.approval_withdrawn`, the rest as in 0018.
 */
import { type Kysely, sql } from 'kysely';

/** The event reason the lifecycle writes for a withdrawal; the audit trigger keys on it. */
export const APPROVAL_WITHDRAWN_REASON = 'approval withdrawn';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE OR REPLACE FUNCTION audit_recommendation_event() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      audit_action text;
    BEGIN
      audit_action := CASE
        WHEN NEW.reason = ${sql.lit(APPROVAL_WITHDRAWN_REASON)} THEN 'recommendation.approval_withdrawn'
        WHEN NEW.to_status = 'approved' THEN 'recommendation.approved'
        WHEN NEW.to_status = 'rejected' THEN 'recommendation.rejected'
        WHEN NEW.to_status = 'applying' THEN 'recommendation.applied'
        WHEN NEW.to_status = 'applied' THEN 'recommendation.applied'
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
