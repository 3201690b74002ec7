/**
 * Alerts as data (issue 6): the conditions an evaluator checks (seeded with the defaults, editable by admins), and
 * the alerts they raise. A partial unique index keeps one open alert per condition and subject (the source, or ''
 * for conditions not bound to one): several evaluators in several processes can never open the same alert twice.
 */
import { type Kysely, sql } from 'kysely';

const KINDS = ['source_stale', 'apply_failure_rate', 'quarantine_growing', 'queue_backlog', 'upstream_errors'];

export const DEFAULT_ALERT_CONDITIONS = [
  {
    id: 'source-stale',
    kind: 'source_stale',
    threshold: 0,
    window_minutes: null,
    min_count: null,
    severity: 'warning',
    description: 'A source has had no successful sync for longer than its freshness policy allows, plus this many hours.',
  },
  {
    id: 'apply-failure-rate',
    kind: 'apply_failure_rate',
    threshold: 0.2,
    window_minutes: 60,
    min_count: 10,
    severity: 'critical',
    description: 'More than this share of the items applied in the window failed upstream (at least minCount items).',
  },
  {
    id: 'quarantine-growing',
    kind: 'quarantine_growing',
    threshold: 25,
    window_minutes: 60,
    min_count: null,
    severity: 'warning',
    description: 'A source quarantined at least this many new malformed items in the window.',
  },
  {
    id: 'queue-backlog',
    kind: 'queue_backlog',
    threshold: 30,
    window_minutes: null,
    min_count: null,
    severity: 'warning',
    description: 'The oldest item waiting in the apply queue has waited longer than this many minutes.',
  },
  {
    id: 'upstream-errors',
    kind: 'upstream_errors',
    threshold: 0.25,
    window_minutes: 60,
    min_count: 20,
    severity: 'warning',
    description:
      "More than this share of a source's upstream attempts in the window failed (5xx, network errors, timeouts, refusals; 429s are throttling, not errors), over at least minCount attempts.",
  },
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('alert_conditions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in (${sql.join(KINDS.map((k) => sql.lit(k)))})`))
    /** Only this source; null: every source (for source-bound kinds), or none. */
    .addColumn('source', 'text')
    .addColumn('threshold', 'double precision', (c) => c.notNull())
    .addColumn('window_minutes', 'integer')
    .addColumn('min_count', 'integer')
    .addColumn('severity', 'text', (c) => c.notNull().check(sql`severity in ('warning', 'critical')`))
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_by', 'text')
    .execute();
  await db
    .insertInto('alert_conditions' as never)
    .values(DEFAULT_ALERT_CONDITIONS.map((c) => ({ ...c, source: null, enabled: true })) as never)
    .execute();

  await db.schema
    .createTable('alerts')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('condition_id', 'text', (c) => c.notNull().references('alert_conditions.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('source', 'text')
    /** What the alert is about within its condition: the source, or '' (unique index columns cannot be null). */
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('resolved_at', 'timestamptz')
    .execute();
  await sql`CREATE UNIQUE INDEX alerts_one_open ON alerts (condition_id, subject) WHERE resolved_at IS NULL`.execute(db);
  await db.schema.createIndex('alerts_opened_idx').on('alerts').columns(['opened_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('alerts').execute();
  await db.schema.dropTable('alert_conditions').execute();
}
