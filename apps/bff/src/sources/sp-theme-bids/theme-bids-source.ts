/**
 * The theme-based bid recommendations source: for each enabled ad group of each enabled campaign, the current
 * keywords and auto-targeting groups (entity catalog) are sent as targeting expressions, at most 100 per call, and
 * Amazon's suggested bids come back as set-bid recommendations with current values joined. Manual product targets
 * are left out: v3 has no expression type for them.
 */

import { catalogFor, type KeywordInfo, type TargetInfo } from '../shared/entity-catalog.ts';
import { SeenIds } from '../shared/sp-recommendation.ts';
import type { SourceAdapter, SourceContext, SourceItem } from '../source-adapter.ts';
import { EXPRESSIONS_PER_CALL, getThemeBasedBids, type TargetingExpression } from './theme-bids-api.ts';
import { expressionKey, expressionOfKeyword, normaliseThemeBids } from './theme-bids-normalise.ts';

export const spThemeBidsSource: SourceAdapter = {
  source: 'sp-theme-bids',
  async *fetch(context: SourceContext): AsyncGenerator<SourceItem> {
    const catalog = catalogFor(context);
    const seen = new SeenIds();
    const failures: string[] = [];
    for (const profile of context.profiles) {
      try {
        const campaigns = new Map(
          (await catalog.all(profile, 'campaigns')).filter((c) => c.state === 'ENABLED').map((c) => [c.campaignId, c]),
        );
        const campaignIds = [...campaigns.keys()];
        const adGroups = (await catalog.under(profile, 'adGroups', { campaignIds })).filter((g) => g.state === 'ENABLED');
        const adGroupIds = adGroups.map((g) => g.adGroupId);
        const keywords = await catalog.under(profile, 'keywords', { adGroupIds });
        const targets = await catalog.under(profile, 'targets', { adGroupIds });
        for (const adGroup of adGroups) {
          const entities = new Map<string, { keyword?: KeywordInfo; target?: TargetInfo }>();
          const expressions: TargetingExpression[] = [];
          for (const keyword of keywords) {
            if (keyword.adGroupId !== adGroup.adGroupId || keyword.state !== 'ENABLED') continue;
            const expression = expressionOfKeyword(keyword);
            if (!expression) continue;
            entities.set(expressionKey(expression), { keyword });
            expressions.push(expression);
          }
          for (const target of targets) {
            if (target.adGroupId !== adGroup.adGroupId || target.state !== 'ENABLED' || !target.autoGroup) continue;
            const expression = { type: target.autoGroup };
            entities.set(expressionKey(expression), { target });
            expressions.push(expression);
          }
          for (let start = 0; start < expressions.length; start += EXPRESSIONS_PER_CALL) {
            const themes = await getThemeBasedBids(
              context.client,
              profile,
              {
                campaignId: adGroup.campaignId,
                adGroupId: adGroup.adGroupId,
                targetingExpressions: expressions.slice(start, start + EXPRESSIONS_PER_CALL),
              },
              context.signal,
            );
            const results = normaliseThemeBids(
              themes,
              { profile, campaign: campaigns.get(adGroup.campaignId), campaignId: adGroup.campaignId, adGroup, entities },
              context.now(),
            );
            for (const result of results) {
              if (!result.ok) {
                yield {
                  type: 'quarantined',
                  reason: result.reason,
                  location: `profile ${profile.profileId} ad group ${adGroup.adGroupId}`,
                  raw: result.raw,
                };
              } else if (seen.first(result.recommendation.sourceRecommendationId)) {
                yield { type: 'recommendation', recommendation: result.recommendation };
              }
            }
          }
        }
      } catch (error) {
        if (context.signal?.aborted) throw error;
        failures.push(`profile ${profile.profileId}: ${error instanceof Error ? error.message : String(error)}`);
        context.log.warn({ profileId: profile.profileId, err: error }, 'theme-based bids failed for a profile');
      }
    }
    if (failures.length > 0) throw new Error(`theme-based bids failed for ${failures.length} profile(s): ${failures.join('; ')}`);
  },
};
