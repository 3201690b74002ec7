/**
 * The unified Recommendations API as the client calls it (shared/ads-api/specs/tactical-recommendations.json,
 * facts.md §2.6): `POST /recommendations/list` per advertiser profile, with versioned media types and `nextToken`
 * paging. The response schema follows the spec, but enum-like fields (`recommendationType`, `status`, `adProduct`,
 * `targetingMatchType`...) are read as strings: Amazon adds values without a version bump, and an unknown one must be
 * kept and shown. Each recommendation is validated on its own, so one malformed item never drops its page.
 */
import { z } from 'zod';
import type { AdsClient } from '../../ads-client/ads-client.ts';
import type { AdsProfile } from '../../ads-client/profiles.ts';

export const LIST_REQUEST_MEDIA_TYPE = 'application/vnd.listRecommendationsRequest.v1+json';
export const LIST_RESPONSE_MEDIA_TYPE = 'application/vnd.listRecommendationsResponse.v1+json';
/** The spec's maximum page size: fewer calls against the (dynamic) rate limits. */
export const MAX_RESULTS = 500;

export const EstimatedImpactRangeSchema = z.looseObject({
  forecastedCurrentLowerBound: z.number().optional(),
  forecastedCurrentUpperBound: z.number().optional(),
  forecastedRecommendedLowerBound: z.number().optional(),
  forecastedRecommendedUpperBound: z.number().optional(),
  incrementalLowerBound: z.number().optional(),
  incrementalUpperBound: z.number().optional(),
});

export const UnifiedRecommendationSchema = z.looseObject({
  recommendationId: z.string().min(1),
  recommendationType: z.string().min(1),
  status: z.string().min(1),
  adProduct: z.string().min(1),
  campaignId: z.string().optional(),
  adGroupId: z.string().optional(),
  adId: z.string().optional(),
  targetId: z.string().optional(),
  campaignTemplateId: z.string().optional(),
  currentValue: z.string().nullish(),
  recommendedValue: z.string().nullish(),
  targeting: z.string().optional(),
  resolvedTargeting: z.string().optional(),
  targetingMatchType: z.string().optional(),
  groupingType: z.string().optional(),
  asin: z.string().optional(),
  sku: z.string().optional(),
  applyFailureReason: z.string().optional(),
  budgetRecommendation: z
    .looseObject({
      sevenDaysMissedOpportunities: z.looseObject({
        startDate: z.string().optional(),
        endDate: z.string().optional(),
        estimatedMissedClicksLower: z.number().optional(),
        estimatedMissedClicksUpper: z.number().optional(),
        estimatedMissedImpressionsLower: z.number().optional(),
        estimatedMissedImpressionsUpper: z.number().optional(),
        estimatedMissedSalesLower: z.number().optional(),
        estimatedMissedSalesUpper: z.number().optional(),
        percentTimeInBudget: z.number().optional(),
      }),
    })
    .optional(),
  consolidatedRecommendation: z
    .looseObject({
      recommendationReasons: z.array(z.string()).optional(),
      sevenDaysEstimatedOpportunities: z
        .looseObject({
          startDate: z.string(),
          endDate: z.string(),
          estimatedIncrementalClicksLower: z.number().optional(),
          estimatedIncrementalClicksUpper: z.number().optional(),
        })
        .optional(),
    })
    .optional(),
  estimatedImpact: z
    .looseObject({
      campaign: z.looseObject({ timePeriodInDays: z.number().int().positive() }).catchall(z.unknown()).optional(),
    })
    .optional(),
  budgetRule: z
    .looseObject({
      ruleId: z.string().optional(),
      ruleDetails: z.looseObject({
        ruleName: z.string().optional(),
        ruleType: z.string().optional(),
        budgetIncreaseBy: z.looseObject({ value: z.number() }).optional(),
        performanceMeasureCondition: z.looseObject({ threshold: z.number() }).optional(),
      }),
    })
    .optional(),
  ruleBasedBidding: z
    .looseObject({
      currentBiddingStrategy: z.string().optional(),
      currentRuleRoas: z.number().optional(),
      recommendedBiddingStrategy: z.string(),
      recommendedRuleRoas: z.number(),
    })
    .optional(),
  recommendationContext: z
    .looseObject({
      diagnosticContext: z
        .looseObject({
          diagnosticDate: z.string().optional(),
          summary: z.looseObject({ code: z.string().optional(), message: z.string().optional() }).optional(),
        })
        .optional(),
    })
    .optional(),
});
export type UnifiedRecommendation = z.infer<typeof UnifiedRecommendationSchema>;

const ListResponseSchema = z.looseObject({
  recommendations: z.array(z.unknown()),
  totalResults: z.number().int().nonnegative(),
  nextToken: z.string().nullish(),
});

export type ListedRecommendation =
  | { ok: true; recommendation: UnifiedRecommendation; raw: unknown }
  | { ok: false; reason: string; raw: unknown; location: string };

/** Every recommendation of one profile, across pages. */
export async function* listRecommendations(
  client: AdsClient,
  profile: AdsProfile,
  signal?: AbortSignal,
): AsyncGenerator<ListedRecommendation> {
  let nextToken: string | undefined;
  let page = 0;
  do {
    page++;
    const response = await client.requestJson(
      {
        region: profile.region,
        method: 'POST',
        path: '/recommendations/list',
        auth: { kind: 'profile', profileId: profile.profileId },
        contentType: LIST_REQUEST_MEDIA_TYPE,
        accept: LIST_RESPONSE_MEDIA_TYPE,
        body: { maxResults: MAX_RESULTS, ...(nextToken ? { nextToken } : {}) },
        endpoint: 'recommendations.list',
        signal,
      },
      ListResponseSchema,
    );
    for (const [index, raw] of response.recommendations.entries()) {
      const parsed = UnifiedRecommendationSchema.safeParse(raw);
      yield parsed.success
        ? { ok: true, recommendation: parsed.data, raw }
        : {
            ok: false,
            reason: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'recommendation'}: ${issue.message}`).join('; '),
            raw,
            location: `profile ${profile.profileId} page ${page} item ${index}`,
          };
    }
    nextToken = response.nextToken ?? undefined;
  } while (nextToken);
}
