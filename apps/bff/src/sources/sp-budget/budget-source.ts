/**
 * The Sponsored Products budget recommendations source: per profile, the campaigns that can still spend (enabled or
 * paused, from the entity catalog), asked about 100 at a time (the endpoint's limit). Success items become set-budget
 * recommendations; an error item (a campaign Amazon cannot advise on) is logged, and a malformed item is quarantined
 * while the rest of the batch goes on.
 */

import { catalogFor } from '../shared/entity-catalog.ts';
import { issuesOf, SeenIds } from '../shared/sp-recommendation.ts';
import type { SourceAdapter, SourceContext, SourceItem } from '../source-adapter.ts';
import { BUDGET_BATCH_SIZE, BudgetErrorSchema, getBudgetRecommendations } from './budget-api.ts';
import { normaliseBudget } from './budget-normalise.ts';

const LIVE_STATES = new Set(['ENABLED', 'PAUSED']);

export const spBudgetSource: SourceAdapter = {
  source: 'sp-budget',
  async *fetch(context: SourceContext): AsyncGenerator<SourceItem> {
    const catalog = catalogFor(context);
    const seen = new SeenIds();
    const failures: string[] = [];
    for (const profile of context.profiles) {
      try {
        const campaigns = (await catalog.all(profile, 'campaigns')).filter((c) => LIVE_STATES.has(c.state));
        if (catalog.isUnavailable(profile, 'campaigns')) throw new Error('the campaign list is unavailable, so no campaign ids are known');
        const byId = new Map(campaigns.map((c) => [c.campaignId, c]));
        const ids = [...byId.keys()];
        for (let start = 0; start < ids.length; start += BUDGET_BATCH_SIZE) {
          const batch = ids.slice(start, start + BUDGET_BATCH_SIZE);
          const response = await getBudgetRecommendations(context.client, profile, batch, context.signal);
          for (const [index, raw] of response.budgetRecommendationsSuccessResults.entries()) {
            const result = normaliseBudget(raw, profile, byId, context.now());
            if (!result) continue;
            if (!result.ok) {
              yield {
                type: 'quarantined',
                reason: result.reason,
                location: `profile ${profile.profileId} batch ${start / BUDGET_BATCH_SIZE} success ${index}`,
                raw: result.raw,
              };
            } else if (seen.first(result.recommendation.sourceRecommendationId)) {
              yield { type: 'recommendation', recommendation: result.recommendation };
            }
          }
          for (const raw of response.budgetRecommendationsErrorResults) {
            const parsed = BudgetErrorSchema.safeParse(raw);
            context.log.info(
              parsed.success
                ? {
                    profileId: profile.profileId,
                    campaignId: parsed.data.campaignId,
                    code: parsed.data.Error?.code,
                    details: parsed.data.Error?.details,
                  }
                : { profileId: profile.profileId, reason: issuesOf(parsed.error), raw },
              'no budget recommendation for a campaign',
            );
          }
        }
      } catch (error) {
        if (context.signal?.aborted) throw error;
        failures.push(`profile ${profile.profileId}: ${error instanceof Error ? error.message : String(error)}`);
        context.log.warn({ profileId: profile.profileId, err: error }, 'budget recommendations failed for a profile');
      }
    }
    if (failures.length > 0) throw new Error(`budget recommendations failed for ${failures.length} profile(s): ${failures.join('; ')}`);
  },
};
