/**
 * The unified Recommendations API source: for every advertiser profile, list the account-team recommendations (all
 * pages, 500 a page) and normalise each one. A malformed item is quarantined and its page goes on; a profile the API
 * refuses is reported after the others have been read, so one bad profile never hides the rest.
 */
import { AdsApiError } from '../../ads-client/ads-client.ts';
import type { SourceAdapter, SourceContext, SourceItem } from '../source-adapter.ts';
import { listRecommendations } from './recs-api.ts';
import { normaliseUnifiedRecommendation } from './recs-normalise.ts';

export const unifiedRecommendationsSource: SourceAdapter = {
  source: 'unified-recommendations',
  async *fetch(context: SourceContext): AsyncGenerator<SourceItem> {
    const failures: string[] = [];
    for (const profile of context.profiles) {
      try {
        for await (const item of listRecommendations(context.client, profile, context.signal)) {
          if (!item.ok) {
            yield { type: 'quarantined', reason: item.reason, location: item.location, raw: item.raw };
            continue;
          }
          const result = normaliseUnifiedRecommendation(item.recommendation, item.raw, profile, context.now());
          yield result.ok
            ? { type: 'recommendation', recommendation: result.recommendation }
            : {
                type: 'quarantined',
                reason: result.reason,
                location: `profile ${profile.profileId} recommendation ${item.recommendation.recommendationId}`,
                raw: item.raw,
              };
        }
      } catch (error) {
        if (context.signal?.aborted || !(error instanceof AdsApiError)) throw error;
        context.log.warn({ err: error, profileId: profile.profileId }, 'recommendations could not be listed for a profile');
        failures.push(`profile ${profile.profileId}: ${error.message}`);
      }
    }
    if (failures.length > 0) throw new Error(`Recommendations API failed for ${failures.length} profile(s): ${failures.join('; ')}`);
  },
};
