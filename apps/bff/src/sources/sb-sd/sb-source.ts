/**
 * The Sponsored Brands recommendations source: per profile, the live SB campaigns (names, budgets), their ads
 * (ASINs, live headline) and keywords (bids); then budget recommendations (100 campaigns a call), keyword bid
 * recommendations (per campaign, 100 keywords a call) and headline suggestions (per campaign, its first 3 ASINs).
 * An error item is logged, a malformed item quarantined, and a failing profile does not stop the others.
 */
import { z } from 'zod';
import { issuesOf, SeenIds } from '../shared/sp-recommendation.ts';
import type { SourceAdapter, SourceContext, SourceItem } from '../source-adapter.ts';
import {
  getSbBidRecommendations,
  getSbBudgetRecommendations,
  getSbHeadlines,
  getSbKeywordRecommendations,
  LIMITS,
  listSbAds,
  listSbCampaigns,
  listSbKeywords,
} from './sbsd-api.ts';
import { emit } from './sbsd-emit.ts';
import {
  type AdCampaign,
  type LiveKeyword,
  normaliseBudget,
  normaliseHeadlines,
  normaliseSbBid,
  normaliseSbKeyword,
} from './sbsd-normalise.ts';

const ErrorItemSchema = z.looseObject({ campaignId: z.string().optional(), code: z.string().optional(), details: z.string().optional() });

export const sbRecommendationsSource: SourceAdapter = {
  source: 'sb-recommendations',
  async *fetch(context: SourceContext): AsyncGenerator<SourceItem> {
    const { client, signal } = context;
    const failures: string[] = [];
    for (const profile of context.profiles) {
      const seen = new SeenIds();
      try {
        const live = await listSbCampaigns(client, profile, { signal });
        if (live.length === 0) continue;
        const ids = live.map((c) => c.campaignId);
        const ads = await listSbAds(client, profile, ids, signal);
        const campaigns = new Map<string, AdCampaign>(
          live.map((c) => {
            const ad = ads.find((a) => a.campaignId === c.campaignId);
            return [
              c.campaignId,
              {
                campaignId: c.campaignId,
                name: c.name,
                budget: c.budget,
                portfolioId: c.portfolioId ?? null,
                asins: ad?.creative?.asins ?? [],
                headline: ad?.creative?.headline ?? null,
                adGroupId: ad?.adGroupId ?? null,
                tactic: null,
              },
            ];
          }),
        );
        // Budget recommendations are for daily budgets: a lifetime budget is not asked about.
        const daily = live.filter((c) => c.budgetType.toUpperCase() === 'DAILY').map((c) => c.campaignId);
        for (let start = 0; start < daily.length; start += LIMITS.budgetIds) {
          const response = await getSbBudgetRecommendations(client, profile, daily.slice(start, start + LIMITS.budgetIds), signal);
          for (const [index, raw] of response.success.entries()) {
            const item = emit(
              normaliseBudget('SB', raw, profile, campaigns, context.now()),
              seen,
              `profile ${profile.profileId} budget ${index}`,
            );
            if (item) yield item;
          }
          for (const raw of response.error) {
            const parsed = ErrorItemSchema.safeParse(raw);
            context.log.info(
              { profileId: profile.profileId, ...(parsed.success ? parsed.data : { reason: issuesOf(parsed.error) }) },
              'no SB budget recommendation for a campaign',
            );
          }
        }
        const keywords: LiveKeyword[] = (await listSbKeywords(client, profile, { campaignIds: ids }, signal))
          .filter((k) => k.state === 'enabled' || k.state === 'paused')
          .map((k) => ({ ...k, bid: k.bid ?? null }));
        for (const campaign of campaigns.values()) {
          const own = keywords.filter((k) => k.campaignId === campaign.campaignId);
          for (let start = 0; start < own.length; start += LIMITS.sbBidKeywords) {
            const response = await getSbBidRecommendations(
              client,
              profile,
              campaign.campaignId,
              own.slice(start, start + LIMITS.sbBidKeywords),
              signal,
            );
            for (const [index, raw] of (response.keywordsBidsRecommendationSuccessResults ?? []).entries()) {
              const item = emit(
                normaliseSbBid(raw, profile, campaign, own, context.now()),
                seen,
                `profile ${profile.profileId} campaign ${campaign.campaignId} bid ${index}`,
              );
              if (item) yield item;
            }
          }
          if (campaign.asins.length > 0) {
            const suggestions = await getSbKeywordRecommendations(client, profile, campaign.asins, signal);
            for (const [index, raw] of suggestions.entries()) {
              const item = emit(
                normaliseSbKeyword(raw, profile, campaign, context.now()),
                seen,
                `profile ${profile.profileId} campaign ${campaign.campaignId} keyword ${index}`,
              );
              if (item) yield item;
            }
            const response = await getSbHeadlines(client, profile, campaign.asins, signal);
            const item = emit(
              normaliseHeadlines('SB', response.suggestions ?? [], profile, campaign, context.now()),
              seen,
              `profile ${profile.profileId} campaign ${campaign.campaignId} headline`,
            );
            if (item) yield item;
          }
        }
      } catch (error) {
        if (signal?.aborted) throw error;
        failures.push(`profile ${profile.profileId}: ${error instanceof Error ? error.message : String(error)}`);
        context.log.warn({ profileId: profile.profileId, err: error }, 'SB recommendations failed for a profile');
      }
    }
    if (failures.length > 0) throw new Error(`SB recommendations failed for ${failures.length} profile(s): ${failures.join('; ')}`);
  },
};
