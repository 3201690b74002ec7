/**
 * Lists from an index (issue 18, item 4): every lane of the queue reads its page, and counts its total, from an index
 * that matches its filter and its sort, so neither scans the table.
 * - The goal lanes (Performance, Strategic planning, Growth) and the advertiser filter: (goal | advertiser_id, sort
 *   expression, id) for each sort, beside 0004's (sort, id) and (status, sort, id).
 * - "Expiring soon" and "Urgent" (open items expiring within a window, soonest first): the expiry sort expression over
 *   open items only, so the window is one range of it.
 * The expressions are the store's sort expressions, character for character (recommendation-store.ts, SORTS).
 */
import { type Kysely, sql } from 'kysely';
import { SORT_EXPRESSIONS } from './0004-lifecycle-conflicts.ts';

/** shared-types' OPEN_STATUSES as they are now (a migration never changes): the store's expiring filter names them. */
const OPEN_STATUSES = ['discovered', 'validated', 'drifted', 'approved', 'failed'];
const SORTS: Record<string, string> = { generatedAt: 'generated_at', ...SORT_EXPRESSIONS };
const PREFIXES = ['goal', 'advertiser_id'] as const;

const nameOf = (prefix: string, sort: string) =>
  `recommendations_${prefix === 'advertiser_id' ? 'advertiser' : prefix}_sort_${sort.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}_idx`;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const prefix of PREFIXES)
    for (const [sort, expression] of Object.entries(SORTS))
      await sql`CREATE INDEX ${sql.raw(nameOf(prefix, sort))} ON recommendations (${sql.raw(prefix)}, (${sql.raw(expression)}), id)`.execute(
        db,
      );
  await sql`CREATE INDEX recommendations_open_expiry_idx ON recommendations ((${sql.raw(SORT_EXPRESSIONS.expiresAt)}), id)
    WHERE status IN (${sql.join(OPEN_STATUSES.map((s) => sql.lit(s)))})`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS recommendations_open_expiry_idx`.execute(db);
  for (const prefix of PREFIXES)
    for (const sort of Object.keys(SORTS)) await sql`DROP INDEX IF EXISTS ${sql.raw(nameOf(prefix, sort))}`.execute(db);
}
