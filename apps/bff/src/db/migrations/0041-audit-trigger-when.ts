/**
 * The audit trigger on recommendation_events (0007, its function last replaced by 0024) ran its function for every
 * event, though only a person's decisions and the apply / measure steps write an audit row: an ingest sync appends two
 * events per new item (discovered, then validated) and each one queued an after-trigger call that returned nothing.
 * The trigger now fires only for the events its function audits; the WHEN clause is the function's own mapping, as of
 * 0024 (a later change to that mapping must change both).
 */
import { type Kysely, sql } from 'kysely';
import { APPROVAL_WITHDRAWN_REASON } from './0019-approval-withdrawn.ts';
import { CONTROL_GROUP_LEFT_REASON } from './0024-measured-and-controls.ts';

const AUDITED_STATUSES = ['approved', 'rejected', 'applying', 'applied', 'measured', 'rolled_back', 'acknowledged', 'dismissed'];

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS recommendation_events_audit ON recommendation_events`.execute(db);
  await sql`CREATE TRIGGER recommendation_events_audit AFTER INSERT ON recommendation_events FOR EACH ROW
    WHEN (NEW.actor_type = 'user'
      OR NEW.to_status IN (${sql.join(AUDITED_STATUSES.map((status) => sql.lit(status)))})
      OR NEW.reason IN (${sql.lit(APPROVAL_WITHDRAWN_REASON)}, ${sql.lit(CONTROL_GROUP_LEFT_REASON)}))
    EXECUTE FUNCTION audit_recommendation_event()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS recommendation_events_audit ON recommendation_events`.execute(db);
  await sql`CREATE TRIGGER recommendation_events_audit AFTER INSERT ON recommendation_events
    FOR EACH ROW EXECUTE FUNCTION audit_recommendation_event()`.execute(db);
}
