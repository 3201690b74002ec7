/**
 * The unified Recommendations API source: for every advertiser profile, list the account-team recommendations (all
 * pages, 500 a page), join the campaign and ad group names through the shared SP entity catalog (batched by id),
 * and normalise each one. A malformed item is quarantined and its page goes on; a profile the API refuses is
 * reported after the others have been read, so one bad profile never hides the rest.
 */
import { AdsApiError } from '../../ads-client/ads-client.ts';
import type { AdsProfile } from '../../ads-client/profiles.ts';
import { catalogFor } from '../shared/entity-catalog.ts';
import type { SourceAdapter, SourceContext, SourceItem } from '../source-adapter.ts';
import { type ListedRecommendation, listRecommendations } from './recs-api.ts';
import { normaliseUnifiedRecommendation } from './recs-normalise.ts';

/** Items normalised together: one name lookup per batch keeps the entity list calls few and memory flat. */
const BATCH = 500;

/** When RecDesk first stored each of these recommendation ids (ISO), for the ones it has stored. */
export type FirstSeenLookup = (recommendationIds: readonly string[]) => Promise<Map<string, string>>;

const NEVER_SEEN: FirstSeenLookup = async () => new Map();

type Listed = Extract<ListedRecommendation, { ok: true }>;

async function* normaliseBatch(
  context: SourceContext,
  profile: AdsProfile,
  batch: Listed[],
  firstSeen: FirstSeenLookup,
): AsyncGenerator<SourceItem> {
  // Names live in the SP entity lists; SB, SD and ST ids are not there and are not asked for.
  const sp = batch.filter((item) => item.recommendation.adProduct === 'SP');
  const catalog = catalogFor(context);
  const campaigns = await catalog.get(
    profile,
    'campaigns',
    sp.flatMap((item) => item.recommendation.campaignId ?? []),
  );
  const adGroups = await catalog.get(
    profile,
    'adGroups',
    sp.flatMap((item) => item.recommendation.adGroupId ?? []),
  );
  const seen = batch.length > 0 ? await firstSeen(batch.map((item) => item.recommendation.recommendationId)) : new Map<string, string>();
  for (const item of batch) {
    const rec = item.recommendation;
    const result = normaliseUnifiedRecommendation(rec, item.raw, profile, context.now(), {
      campaignName: rec.campaignId ? campaigns.get(rec.campaignId)?.name : null,
      adGroupName: rec.adGroupId ? adGroups.get(rec.adGroupId)?.name : null,
      firstSeenAt: seen.get(rec.recommendationId) ?? null,
    });
    yield result.ok
      ? { type: 'recommendation', recommendation: result.recommendation }
      : {
          type: 'quarantined',
          reason: result.reason,
          location: `profile ${profile.profileId} recommendation ${rec.recommendationId}`,
          raw: item.raw,
        };
  }
}

/** The adapter; `firstSeen` (the store's memory of each id) keeps undated items' dates stable across syncs. */
export function createUnifiedRecommendationsSource(firstSeen: FirstSeenLookup = NEVER_SEEN): SourceAdapter {
  return {
    source: 'unified-recommendations',
    async *fetch(context: SourceContext): AsyncGenerator<SourceItem> {
      const failures: string[] = [];
      for (const profile of context.profiles) {
        try {
          let batch: Listed[] = [];
          for await (const item of listRecommendations(context.client, profile, context.signal)) {
            if (!item.ok) {
              yield { type: 'quarantined', reason: item.reason, location: item.location, raw: item.raw };
              continue;
            }
            batch.push(item);
            if (batch.length >= BATCH) {
              yield* normaliseBatch(context, profile, batch, firstSeen);
              batch = [];
            }
          }
          yield* normaliseBatch(context, profile, batch, firstSeen);
        } catch (error) {
          if (context.signal?.aborted || !(error instanceof AdsApiError)) throw error;
          context.log.warn({ err: error, profileId: profile.profileId }, 'recommendations could not be listed for a profile');
          failures.push(`profile ${profile.profileId}: ${error.message}`);
        }
      }
      if (failures.length > 0) throw new Error(`Recommendations API failed for ${failures.length} profile(s): ${failures.join('; ')}`);
    },
  };
}

/** Without a memory of first sightings: undated items are dated the day they are fetched. */
export const unifiedRecommendationsSource: SourceAdapter = createUnifiedRecommendationsSource();
