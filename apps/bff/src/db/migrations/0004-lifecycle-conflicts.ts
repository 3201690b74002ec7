/**
 * The lifecycle and the conflicts (issue 4). The database enforces the state machine itself: the allowed transitions
 * are a table copied from shared-types' LIFECYCLE_TRANSITIONS, and a trigger refuses any status change not in it,
 * whoever writes the row. Events gain the rule version and a note; recommendations gain what the lifecycle needs
 * (when they were rejected, seen upstream and validated, the approved value, a search text) and the indexes the
 * queue's sorts page through. Conflicts are stored with their members; advertisers may override the guardrails.
 *
 * The transitions are copied as they were when this migration was written: a later change to the machine is a new
 * migration that rewrites `lifecycle_transitions`, never an edit here.
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
];

const TRANSITIONS: Record<string, string[]> = {
  discovered: ['validated', 'drifted', 'rejected', 'expired', 'superseded'],
  validated: ['approved', 'drifted', 'rejected', 'expired', 'superseded', 'discovered'],
  drifted: ['validated', 'rejected', 'expired', 'superseded'],
  approved: ['applying', 'drifted', 'rejected', 'expired', 'superseded', 'validated'],
  rejected: ['discovered'],
  applying: ['applied', 'failed', 'drifted'],
  applied: ['measured', 'rolled_back'],
  failed: ['approved', 'applying', 'rejected', 'expired'],
  expired: [],
  superseded: ['validated', 'discovered'],
  measured: ['rolled_back'],
  rolled_back: [],
};

/** The sort keys of the queue, NULLs mapped to a sentinel so that one btree range scan serves a keyset page. */
export const SORT_EXPRESSIONS = {
  priority: `coalesce(priority, '-Infinity'::double precision)`,
  impactScore: `coalesce(impact_score, -1::double precision)`,
  confidence: `coalesce(confidence, -1::double precision)`,
  expiresAt: `coalesce(expires_at, 'infinity'::timestamptz)`,
} as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('lifecycle_transitions')
    .addColumn('from_status', 'text', (c) => c.notNull())
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('lifecycle_transitions_pk', ['from_status', 'to_status'])
    .execute();
  await db
    .insertInto('lifecycle_transitions' as never)
    .values(Object.entries(TRANSITIONS).flatMap(([from, tos]) => tos.map((to) => ({ from_status: from, to_status: to }))) as never)
    .execute();

  await sql`ALTER TABLE recommendations ADD CONSTRAINT recommendations_status_known CHECK (status IN (${sql.join(
    STATUSES.map((s) => sql.lit(s)),
  )}))`.execute(db);
  await sql`CREATE FUNCTION recommendations_guard_transition() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.status IS DISTINCT FROM OLD.status AND NOT EXISTS (
        SELECT 1 FROM lifecycle_transitions t WHERE t.from_status = OLD.status AND t.to_status = NEW.status
      ) THEN
        RAISE EXCEPTION 'lifecycle transition from % to % is not allowed', OLD.status, NEW.status USING ERRCODE = 'RD409';
      END IF;
      RETURN NEW;
    END $$`.execute(db);
  await sql`CREATE TRIGGER recommendations_transition_guard BEFORE UPDATE OF status ON recommendations
    FOR EACH ROW EXECUTE FUNCTION recommendations_guard_transition()`.execute(db);

  await db.schema
    .alterTable('recommendations')
    .addColumn('rejected_at', 'timestamptz')
    .addColumn('last_seen_at', 'timestamptz')
    .addColumn('validated_at', 'timestamptz')
    .addColumn('approved_value', 'double precision')
    .execute();
  await sql`UPDATE recommendations SET last_seen_at = updated_at`.execute(db);
  // What `q` searches: the title, the advertiser and the names up the entity chain, lower-cased once on write.
  await sql`ALTER TABLE recommendations ADD COLUMN search_text text GENERATED ALWAYS AS (lower(
    title || ' ' || coalesce(advertiser_name, '') || ' ' || coalesce(entity->>'campaignName', '') || ' ' ||
    coalesce(entity->>'adGroupName', '') || ' ' || coalesce(entity->>'targetText', '') || ' ' ||
    coalesce(entity->>'asin', '') || ' ' || coalesce(entity->>'brandName', '')
  )) STORED`.execute(db);

  await sql`CREATE INDEX recommendations_generated_idx ON recommendations (generated_at, id)`.execute(db);
  for (const [name, expression] of Object.entries(SORT_EXPRESSIONS)) {
    const snake = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    await sql`CREATE INDEX ${sql.raw(`recommendations_sort_${snake}_idx`)} ON recommendations ((${sql.raw(expression)}), id)`.execute(db);
    await sql`CREATE INDEX ${sql.raw(`recommendations_status_sort_${snake}_idx`)} ON recommendations (status, (${sql.raw(expression)}), id)`.execute(
      db,
    );
  }

  await db.schema.alterTable('recommendation_events').addColumn('actor_version', 'integer').addColumn('note', 'text').execute();

  await db.schema
    .createTable('advertiser_guardrails')
    .addColumn('advertiser_id', 'text', (c) => c.primaryKey())
    .addColumn('max_bid_change_pct', 'double precision')
    .addColumn('max_budget_change_pct', 'double precision')
    .addColumn('max_budget_change_per_day', 'double precision')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('conflicts')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('advertiser_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('entity_key', 'text', (c) => c.notNull())
    // Kind, entity and each member's id and content hash: the same contradiction found again maps to the same row.
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('explanation', 'text', (c) => c.notNull())
    .addColumn('suggested_resolution', 'text', (c) => c.notNull())
    .addColumn('primary_id', 'uuid')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status IN ('open', 'resolved')`))
    .addColumn('detected_at', 'timestamptz', (c) => c.notNull())
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('resolution', 'text')
    // A person's explicit choice when approving one side ('reject_others' | 'keep_others'); a kept conflict is not
    // raised again while its members are unchanged.
    .addColumn('choice', 'text')
    .execute();
  await sql`CREATE UNIQUE INDEX conflicts_open_fingerprint_idx ON conflicts (fingerprint) WHERE status = 'open'`.execute(db);
  await db.schema.createIndex('conflicts_fingerprint_idx').on('conflicts').columns(['fingerprint']).execute();
  await db.schema.createIndex('conflicts_advertiser_idx').on('conflicts').columns(['advertiser_id', 'status', 'detected_at']).execute();
  await db.schema
    .createTable('conflict_members')
    .addColumn('conflict_id', 'uuid', (c) => c.notNull().references('conflicts.id').onDelete('cascade'))
    .addColumn('recommendation_id', 'uuid', (c) => c.notNull().references('recommendations.id'))
    // Copied from the conflict so that "is this item in an open conflict" is one index probe.
    .addColumn('open', 'boolean', (c) => c.notNull())
    .addPrimaryKeyConstraint('conflict_members_pk', ['conflict_id', 'recommendation_id'])
    .execute();
  await db.schema.createIndex('conflict_members_rec_idx').on('conflict_members').columns(['recommendation_id', 'open']).execute();
}
