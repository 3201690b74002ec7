/**
 * The Sponsored Display recommendations source: per profile, the live SD campaigns (names, budgets, tactic), their
 * product ads (ASINs) and targets (bids); then budget recommendations (100 campaigns a call), target bid
 * recommendations (per campaign, 100 clauses a call, answered by position), targeting recommendations (audiences and
 * products for its ASINs) and headline suggestions. Errors are logged, malformed items quarantined, and a failing
 * profile does not stop the others.
 */
import { z } from 'zod';
import { issuesOf, SeenIds } from '../shared/sp-recommendation.ts';
import type { SourceAdapter, SourceContext, SourceItem } from '../source-adapter.ts';
import {
  getSdBidRecommendations,
  getSdBudgetRecommendations,
  getSdHeadlines,
  getSdTargetingRecommendations,
  LIMITS,
  listSdCampaigns,
  listSdProductAds,
  listSdTargets,
} from './sbsd-api.ts';
import { emit } from './sbsd-emit.ts';
import {
  type AdCampaign,
  type LiveTarget,
  normaliseBudget,
  normaliseHeadlines,
  normaliseSdBid,
  normaliseSdTargeting,
} from './sbsd-normalise.ts';

const ErrorItemSchema = z.looseObject({ campaignId: z.string().optional(), code: z.string().optional(), details: z.string().optional() });

export const sdRecommendationsSource: SourceAdapter = {
  source: 'sd-recommendations',
  async *fetch(context: SourceContext): AsyncGenerator<SourceItem> {
    const { client, signal } = context;
    const failures: string[] = [];
    for (const profile of context.profiles) {
      const seen = new SeenIds();
      try {
        const live = await listSdCampaigns(client, profile, { signal });
        if (live.length === 0) continue;
        const ids = live.map((c) => c.campaignId);
        const ads = await listSdProductAds(client, profile, ids, signal);
        const targets: LiveTarget[] = (await listSdTargets(client, profile, { campaignIds: ids }, signal)).map((t) => ({
          ...t,
          bid: t.bid ?? null,
        }));
        const campaigns = new Map<string, AdCampaign>(
          live.map((c) => {
            const own = ads.filter((a) => a.campaignId === c.campaignId);
            return [
              c.campaignId,
              {
                campaignId: c.campaignId,
                name: c.name,
                budget: c.budget,
                portfolioId: c.portfolioId ?? null,
                asins: [...new Set(own.flatMap((a) => (a.asin ? [a.asin] : [])))],
                headline: null,
                adGroupId: own[0]?.adGroupId ?? targets.find((t) => t.campaignId === c.campaignId)?.adGroupId ?? null,
                tactic: c.tactic ?? null,
                costType: c.costType ?? null,
              },
            ];
          }),
        );
        for (let start = 0; start < ids.length; start += LIMITS.budgetIds) {
          const response = await getSdBudgetRecommendations(client, profile, ids.slice(start, start + LIMITS.budgetIds), signal);
          for (const [index, raw] of response.budgetRecommendationsSuccessResults.entries()) {
            const item = emit(
              normaliseBudget('SD', raw, profile, campaigns, context.now()),
              seen,
              `profile ${profile.profileId} budget ${index}`,
            );
            if (item) yield item;
          }
          for (const raw of response.budgetRecommendationsErrorResults) {
            const parsed = ErrorItemSchema.safeParse(raw);
            context.log.info(
              { profileId: profile.profileId, ...(parsed.success ? parsed.data : { reason: issuesOf(parsed.error) }) },
              'no SD budget recommendation for a campaign',
            );
          }
        }
        for (const campaign of campaigns.values()) {
          const own = targets.filter((t) => t.campaignId === campaign.campaignId);
          if (campaign.asins.length === 0) continue;
          for (let start = 0; start < own.length; start += LIMITS.sdBidClauses) {
            const batch = own.slice(start, start + LIMITS.sdBidClauses);
            const response = await getSdBidRecommendations(
              client,
              profile,
              campaign.asins,
              batch,
              campaign.costType === 'vcpm' ? 'vcpm' : 'cpc',
              signal,
            );
            for (const [index, raw] of response.bidRecommendations.entries()) {
              const target = batch[index];
              if (!target) break;
              const item = emit(
                normaliseSdBid(raw, profile, campaign, target, context.now()),
                seen,
                `profile ${profile.profileId} campaign ${campaign.campaignId} bid ${start + index}`,
              );
              if (item) yield item;
            }
          }
          const targeting = await getSdTargetingRecommendations(client, profile, campaign.tactic ?? 'T00030', campaign.asins, signal);
          for (const [index, result] of normaliseSdTargeting(targeting.recommendations, profile, campaign, context.now()).entries()) {
            const item = emit(result, seen, `profile ${profile.profileId} campaign ${campaign.campaignId} targeting ${index}`);
            if (item) yield item;
          }
          const headlines = await getSdHeadlines(client, profile, campaign.asins, signal);
          const item = emit(
            normaliseHeadlines('SD', headlines.recommendations ?? [], profile, campaign, context.now()),
            seen,
            `profile ${profile.profileId} campaign ${campaign.campaignId} headline`,
          );
          if (item) yield item;
        }
      } catch (error) {
        if (signal?.aborted) throw error;
        failures.push(`profile ${profile.profileId}: ${error instanceof Error ? error.message : String(error)}`);
        context.log.warn({ profileId: profile.profileId, err: error }, 'SD recommendations failed for a profile');
      }
    }
    if (failures.length > 0) throw new Error(`SD recommendations failed for ${failures.length} profile(s): ${failures.join('; ')}`);
  },
};
