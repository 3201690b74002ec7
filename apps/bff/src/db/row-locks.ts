import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.ts';

/**
 * The one order in which writers lock rows of `recommendations`: by id. Two transactions that each lock several rows
 * deadlock when they take them in different orders (an ingest merge in its download's order, a validation in its
 * page's order, seen in the fleet's start-up sync); taking them by id first, in the transaction that then writes them,
 * leaves no cycle. Locks the rows with these ids that exist; returns nothing.
 */
export async function lockRecommendationsInIdOrder(trx: Kysely<Database>, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await sql`SELECT id FROM recommendations WHERE id = ANY(${[...ids]}::uuid[]) ORDER BY id FOR UPDATE`.execute(trx);
}
