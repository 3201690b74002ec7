/**
 * The SP targeting suggestions source: for each enabled ad group of each enabled manual campaign, Amazon's keyword
 * suggestions (KEYWORDS_FOR_ADGROUP) and the product targets it suggests for the ad group's advertised ASINs (from
 * `/sp/productAds/list`). What the ad group already targets is skipped; the rest become add-keyword and add-target
 * recommendations with the campaign and ad group names joined.
 */

import { catalogFor } from '../shared/entity-catalog.ts';
import { type NormaliseResult, SeenIds } from '../shared/sp-recommendation.ts';
import type { SourceAdapter, SourceContext, SourceItem } from '../source-adapter.ts';
import { getKeywordRecommendations, listProductRecommendations } from './targeting-api.ts';
import { normaliseKeywordSuggestions, normaliseProductSuggestions } from './targeting-normalise.ts';

export const spTargetingSource: SourceAdapter = {
  source: 'sp-targeting',
  async *fetch(context: SourceContext): AsyncGenerator<SourceItem> {
    const catalog = catalogFor(context);
    const seen = new SeenIds();
    const failures: string[] = [];
    for (const profile of context.profiles) {
      try {
        const campaigns = new Map(
          (await catalog.all(profile, 'campaigns'))
            .filter((c) => c.state === 'ENABLED' && c.targetingType === 'MANUAL')
            .map((c) => [c.campaignId, c]),
        );
        const adGroups = (await catalog.under(profile, 'adGroups', { campaignIds: [...campaigns.keys()] })).filter(
          (g) => g.state === 'ENABLED',
        );
        const adGroupIds = adGroups.map((g) => g.adGroupId);
        const [keywords, targets, productAds] = await Promise.all([
          catalog.under(profile, 'keywords', { adGroupIds }),
          catalog.under(profile, 'targets', { adGroupIds }),
          catalog.under(profile, 'productAds', { adGroupIds }),
        ]);
        for (const adGroup of adGroups) {
          const adGroupContext = {
            profile,
            campaign: campaigns.get(adGroup.campaignId),
            adGroup,
            keywords: keywords.filter((k) => k.adGroupId === adGroup.adGroupId),
            targets: targets.filter((t) => t.adGroupId === adGroup.adGroupId),
          };
          const location = `profile ${profile.profileId} ad group ${adGroup.adGroupId}`;
          const emit = function* (results: NormaliseResult[]): Generator<SourceItem> {
            for (const result of results) {
              if (!result.ok) yield { type: 'quarantined', reason: result.reason, location, raw: result.raw };
              else if (seen.first(result.recommendation.sourceRecommendationId))
                yield { type: 'recommendation', recommendation: result.recommendation };
            }
          };
          const suggestions = await getKeywordRecommendations(context.client, profile, adGroup, context.signal);
          yield* emit(normaliseKeywordSuggestions(suggestions, adGroupContext, context.now()));
          const asins = [
            ...new Set(
              productAds
                .filter((ad) => ad.adGroupId === adGroup.adGroupId && ad.state !== 'ARCHIVED' && ad.asin)
                .map((ad) => ad.asin as string),
            ),
          ];
          if (asins.length === 0) continue;
          for await (const page of listProductRecommendations(context.client, profile, asins, context.signal)) {
            yield* emit(normaliseProductSuggestions(page, adGroupContext, context.now()));
          }
        }
      } catch (error) {
        if (context.signal?.aborted) throw error;
        failures.push(`profile ${profile.profileId}: ${error instanceof Error ? error.message : String(error)}`);
        context.log.warn({ profileId: profile.profileId, err: error }, 'targeting suggestions failed for a profile');
      }
    }
    if (failures.length > 0) throw new Error(`targeting suggestions failed for ${failures.length} profile(s): ${failures.join('; ')}`);
  },
};
