/**
 * Incremental validation and conflicts (issue 18, item 2): a pass re-examines the campaigns a change touched
 * (recommendations_campaign_idx) plus two small advertiser-wide sets, each read from a partial index here:
 * - the unscoped items: no campaign, or above campaigns (portfolio, product, brand, advertiser), whose keys span
 *   campaigns;
 * - the cross-product reach: campaign budget changes and new targets (SD audiences), which the cross-product conflicts
 *   compare across the advertiser's campaigns.
 * The predicates are src/lifecycle/neighbourhood.ts's, character for character, so the planner matches them.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX recommendations_unscoped_idx ON recommendations (advertiser_id)
    WHERE (campaign_id IS NULL OR campaign_id = '' OR coalesce(entity->>'level', '') NOT IN ('keyword', 'target', 'placement', 'ad-group', 'campaign'))`.execute(
    db,
  );
  await sql`CREATE INDEX recommendations_budget_reach_idx ON recommendations (advertiser_id)
    WHERE ((entity->>'level' = 'campaign' AND (action->>'type' = 'set-budget' OR action->>'field' = 'budget')) OR action->>'type' = 'add-target')`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS recommendations_budget_reach_idx`.execute(db);
  await sql`DROP INDEX IF EXISTS recommendations_unscoped_idx`.execute(db);
}
