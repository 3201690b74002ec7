/**
 * `GET /sp/campaign/recommendations` (operation getCampaignRecommendations of the SP v3 spec): the top consolidated
 * recommendations of a profile, ≤50 campaigns per page, paged with `nextToken`. The schemas follow the published
 * `CampaignRecommendation`; every enum (action, strategy, match type, placement, targeting group) is a plain string
 * so that a value Amazon adds without a version bump is kept and shown. The page is validated as a page; each
 * campaign and each action inside it is validated on its own by the normaliser, so one bad item never hides others.
 */
import { z } from 'zod';
import type { AdsClient } from '../../ads-client/ads-client.ts';
import type { AdsProfile } from '../../ads-client/profiles.ts';

export const CONSOLIDATED_MEDIA_TYPE = 'application/vnd.spgetcampaignrecommendationsresponse.v1+json';
/** The spec's `maxItems` on `recommendations`. */
export const CONSOLIDATED_PAGE_SIZE = 50;

export const BudgetRecommendationSchema = z.looseObject({
  action: z.string().optional(),
  suggestedBudget: z.number().nonnegative(),
});

export const BiddingStrategyRecommendationSchema = z.looseObject({
  action: z.string().optional(),
  suggestedBiddingStrategy: z.string().min(1),
});

export const KeywordTargetingRecommendationSchema = z
  .looseObject({
    action: z.string().min(1),
    adGroupId: z.string().optional(),
    keywordId: z.string().optional(),
    keywordText: z.string().optional(),
    matchType: z.string().optional(),
    suggestedBid: z.number().nonnegative().optional(),
  })
  .refine((k) => k.keywordId || (k.adGroupId && k.keywordText), {
    message: 'names neither a keywordId nor an adGroupId with keywordText',
  });

export const TargetingGroupBidRecommendationSchema = z
  .looseObject({
    action: z.string().min(1),
    adGroupId: z.string().optional(),
    targetId: z.string().optional(),
    targetingGroupExpression: z.string().optional(),
    suggestedBid: z.number().nonnegative().optional(),
  })
  .refine((t) => t.targetId || (t.adGroupId && t.targetingGroupExpression), {
    message: 'names neither a targetId nor an adGroupId with targetingGroupExpression',
  });

export const PlacementBiddingRecommendationSchema = z.looseObject({
  action: z.string().optional(),
  placementType: z.string().min(1),
  suggestedBidAdjustment: z.number().min(0).max(900),
  incrementalImpressionsLowerPercent: z.number().optional(),
  incrementalImpressionsUpperPercent: z.number().optional(),
});

export const SevenDaysEstimatedOpportunitiesSchema = z.looseObject({
  startDate: z.string().optional(),
  endDate: z.string().optional(),
  estimatedIncrementalClicksLower: z.number().optional(),
  estimatedIncrementalClicksUpper: z.number().optional(),
});

/** The envelope of one campaign's recommendations; its parts are validated one by one. */
export const CampaignRecommendationSchema = z.looseObject({
  campaignId: z.string().min(1),
  budgetRecommendation: z.unknown().optional(),
  biddingStrategyRecommendation: z.unknown().optional(),
  keywordTargetingRecommendations: z.array(z.unknown()).optional(),
  targetingGroupBidRecommendations: z.array(z.unknown()).optional(),
  placementBiddingRecommendations: z.array(z.unknown()).optional(),
  sevenDaysEstimatedOpportunities: SevenDaysEstimatedOpportunitiesSchema.optional(),
});
export type CampaignRecommendation = z.infer<typeof CampaignRecommendationSchema>;

const PageSchema = z.looseObject({
  recommendations: z.array(z.unknown()),
  nextToken: z.string().nullish(),
});

/** Each page of a profile's consolidated recommendations, as raw items. */
export async function* listConsolidatedPages(client: AdsClient, profile: AdsProfile, signal?: AbortSignal): AsyncGenerator<unknown[]> {
  let nextToken: string | undefined;
  do {
    const page = await client.requestJson(
      {
        region: profile.region,
        method: 'GET',
        path: '/sp/campaign/recommendations',
        query: { maxResults: CONSOLIDATED_PAGE_SIZE, nextToken },
        auth: { kind: 'profile', profileId: profile.profileId },
        accept: CONSOLIDATED_MEDIA_TYPE,
        endpoint: 'spConsolidatedRecommendations.list',
        signal,
      },
      PageSchema,
    );
    yield page.recommendations;
    nextToken = page.nextToken ?? undefined;
  } while (nextToken);
}
