/**
 * People, their sessions and the audit log (issue 8). Users have a role and a set of advertisers (or all of them);
 * sessions are express-session's, kept here so that a restart keeps them and an admin can revoke them; the audit log is
 * append-only like recommendation_events, and the database itself copies every approve / reject / apply / undo event
 * into it, whoever wrote the event, so no code path can act without leaving a line. Each advertiser may set the amount
 * above which an approval needs a second approver.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('viewer', 'approver', 'admin')`))
    .addColumn('all_advertisers', 'boolean', (c) => c.notNull().defaultTo(false))
    // Null for a user who signs in only through the identity provider.
    .addColumn('password_hash', 'text')
    .addColumn('oidc_subject', 'text', (c) => c.unique())
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_sign_in_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('user_advertisers')
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('advertiser_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_advertisers_pk', ['user_id', 'advertiser_id'])
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('sid', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_user_idx').on('sessions').columns(['user_id']).execute();
  await db.schema.createIndex('sessions_expiry_idx').on('sessions').columns(['expires_at']).execute();

  await db.schema
    .createTable('approval_policies')
    .addColumn('advertiser_id', 'text', (c) => c.primaryKey())
    .addColumn('second_approver_above', 'double precision')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    .addColumn('advertiser_id', 'text')
    .addColumn('ip', 'text')
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema.createIndex('audit_log_action_idx').on('audit_log').columns(['action', 'id']).execute();
  await sql`CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$`.execute(db);
  await sql`CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`.execute(db);

  // Every lifecycle decision, by a person, a rule or the apply worker, lands in the audit log with its actor.
  await sql`CREATE FUNCTION audit_recommendation_event() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      audit_action text;
    BEGIN
      audit_action := CASE NEW.to_status
        WHEN 'approved' THEN 'recommendation.approved'
        WHEN 'rejected' THEN 'recommendation.rejected'
        WHEN 'applying' THEN 'recommendation.applied'
        WHEN 'applied' THEN 'recommendation.applied'
        WHEN 'rolled_back' THEN 'recommendation.undone'
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
  await sql`CREATE TRIGGER recommendation_events_audit AFTER INSERT ON recommendation_events
    FOR EACH ROW EXECUTE FUNCTION audit_recommendation_event()`.execute(db);
}
