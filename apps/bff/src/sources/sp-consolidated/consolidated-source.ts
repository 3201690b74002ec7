/**
 * The Sponsored Products consolidated recommendations source: for each profile, every page of
 * `GET /sp/campaign/recommendations`; per page, one batched join of the campaigns, ad groups, keywords and targets
 * it names (entity catalog), then one recommendation per action. A malformed campaign or action is quarantined with
 * its reason and the rest of the page goes on; a profile whose call fails fails the run after the others are done.
 */

import { catalogFor } from '../shared/entity-catalog.ts';
import { SeenIds } from '../shared/sp-recommendation.ts';
import type { SourceAdapter, SourceContext, SourceItem } from '../source-adapter.ts';
import { listConsolidatedPages } from './consolidated-api.ts';
import { idsOfPage, normaliseConsolidated } from './consolidated-normalise.ts';

export const spConsolidatedSource: SourceAdapter = {
  source: 'sp-consolidated',
  async *fetch(context: SourceContext): AsyncGenerator<SourceItem> {
    const catalog = catalogFor(context);
    const seen = new SeenIds();
    const failures: string[] = [];
    for (const profile of context.profiles) {
      let page = 0;
      try {
        for await (const items of listConsolidatedPages(context.client, profile, context.signal)) {
          const ids = idsOfPage(items);
          const [campaigns, keywords, targets] = await Promise.all([
            catalog.get(profile, 'campaigns', ids.campaignIds),
            catalog.get(profile, 'keywords', ids.keywordIds),
            catalog.get(profile, 'targets', ids.targetIds),
          ]);
          const adGroupIds = new Set(ids.adGroupIds);
          for (const k of keywords.values()) adGroupIds.add(k.adGroupId);
          for (const t of targets.values()) adGroupIds.add(t.adGroupId);
          const adGroups = await catalog.get(profile, 'adGroups', adGroupIds);
          for (const [index, raw] of items.entries()) {
            for (const result of normaliseConsolidated(raw, profile, { campaigns, adGroups, keywords, targets }, context.now())) {
              if (!result.ok) {
                yield {
                  type: 'quarantined',
                  reason: result.reason,
                  location: `profile ${profile.profileId} page ${page} item ${index}`,
                  raw: result.raw,
                };
              } else if (seen.first(result.recommendation.sourceRecommendationId)) {
                yield { type: 'recommendation', recommendation: result.recommendation };
              }
            }
          }
          page++;
        }
      } catch (error) {
        if (context.signal?.aborted) throw error;
        // One profile's failure (e.g. a region without SP access) must not hide the other profiles' items.
        failures.push(`profile ${profile.profileId}: ${error instanceof Error ? error.message : String(error)}`);
        context.log.warn({ profileId: profile.profileId, err: error }, 'consolidated recommendations failed for a profile');
      }
    }
    if (seen.duplicates > 0) context.log.warn({ duplicates: seen.duplicates }, 'duplicate consolidated actions skipped');
    if (failures.length > 0)
      throw new Error(`consolidated recommendations failed for ${failures.length} profile(s): ${failures.join('; ')}`);
  },
};
