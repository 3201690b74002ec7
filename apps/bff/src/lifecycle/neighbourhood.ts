/**
 * The neighbourhood of a change, read from the store: the items of the campaigns it touched, plus the advertiser's
 * unscoped items (no campaign, or above campaigns), whose keys may span campaigns. Every item sharing an entity key
 * with a changed item is among them (entity-keys.ts, neighbourhoodOf), and so is every item the conflict engine
 * groups with it per entity or per campaign. The predicates are those of migration 0034's partial indexes.
 */
import type { LifecycleStatus } from '@recdesk/shared-types';
import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import type { Database } from '../db/schema.ts';

type Executor = Kysely<Database>;

/** Unscoped items (migration 0034, recommendations_unscoped_idx). */
export const UNSCOPED = sql<boolean>`(campaign_id IS NULL OR campaign_id = '' OR coalesce(entity->>'level', '') NOT IN ('keyword', 'target', 'placement', 'ad-group', 'campaign'))`;
/** Campaign budget changes and new targets: what cross-product conflicts compare (recommendations_budget_reach_idx). */
export const BUDGET_REACH = sql<boolean>`((entity->>'level' = 'campaign' AND (action->>'type' = 'set-budget' OR action->>'field' = 'budget')) OR action->>'type' = 'add-target')`;

/** Campaign ids per statement: a bounded IN list. */
const CHUNK = 1000;

/** The recommendations table before its columns are chosen. */
export type RecommendationsQuery = SelectQueryBuilder<Database, 'recommendations', object>;

/**
 * The advertiser's items in these statuses that lie in these campaigns or are unscoped (and, with `budgetReach`, the
 * cross-product reach too), each once. `read` chooses the columns and runs each of the (up to three) statements.
 */
export async function readNeighbourhood<T extends { id: string }>(
  db: Executor,
  advertiserId: string,
  campaignIds: readonly string[],
  statuses: readonly LifecycleStatus[],
  read: (query: RecommendationsQuery) => Promise<T[]>,
  options: { budgetReach?: boolean } = {},
): Promise<T[]> {
  const base = () => db.selectFrom('recommendations').where('advertiser_id', '=', advertiserId).where('status', 'in', statuses);
  const reads = [read(base().where(UNSCOPED))];
  for (let start = 0; start < campaignIds.length; start += CHUNK)
    reads.push(read(base().where('campaign_id', 'in', campaignIds.slice(start, start + CHUNK))));
  if (options.budgetReach) reads.push(read(base().where(BUDGET_REACH)));
  const byId = new Map<string, T>();
  for (const rows of await Promise.all(reads)) for (const row of rows) byId.set(row.id, row);
  return [...byId.values()];
}
