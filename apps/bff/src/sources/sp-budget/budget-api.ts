/**
 * `POST /sp/campaigns/budgetRecommendations` (getBudgetRecommendations of the SP v3 spec): for at most 100 campaign
 * ids per call, a suggested daily budget with the last seven days' missed impressions, clicks and sales. It answers
 * 200 with a success list and an error list, each item naming its `index` in the request; the error item's payload
 * sits under a capital-E `Error` key, as published. Items are validated one by one by the normaliser.
 */
import { z } from 'zod';
import type { AdsClient } from '../../ads-client/ads-client.ts';
import type { AdsProfile } from '../../ads-client/profiles.ts';

export const BUDGET_MEDIA_TYPE = 'application/vnd.budgetrecommendation.v3+json';
/** The spec's `maxItems` on `campaignIds`. */
export const BUDGET_BATCH_SIZE = 100;

export const BudgetRecommendationSchema = z.looseObject({
  campaignId: z.string().min(1),
  index: z.number().int().nonnegative(),
  suggestedBudget: z.number().nonnegative(),
  sevenDaysMissedOpportunities: z.looseObject({
    startDate: z.string().optional(),
    endDate: z.string().optional(),
    percentTimeInBudget: z.number().optional(),
    estimatedMissedImpressionsLower: z.number().optional(),
    estimatedMissedImpressionsUpper: z.number().optional(),
    estimatedMissedClicksLower: z.number().optional(),
    estimatedMissedClicksUpper: z.number().optional(),
    estimatedMissedSalesLower: z.number().optional(),
    estimatedMissedSalesUpper: z.number().optional(),
  }),
  // Required by the spec, yet an empty object when no rule is suggested; tolerated when absent or null.
  budgetRuleRecommendation: z
    .looseObject({ ruleId: z.string().optional(), ruleName: z.string().optional(), suggestedBudgetIncreasePercent: z.number().optional() })
    .nullish(),
});
export type BudgetRecommendation = z.infer<typeof BudgetRecommendationSchema>;

export const BudgetErrorSchema = z.looseObject({
  campaignId: z.string().optional(),
  index: z.number().int().optional(),
  Error: z.looseObject({ code: z.string().optional(), details: z.string().optional() }).optional(),
});

const ResponseSchema = z.looseObject({
  budgetRecommendationsSuccessResults: z.array(z.unknown()),
  budgetRecommendationsErrorResults: z.array(z.unknown()),
});

export async function getBudgetRecommendations(
  client: AdsClient,
  profile: AdsProfile,
  campaignIds: readonly string[],
  signal?: AbortSignal,
): Promise<z.infer<typeof ResponseSchema>> {
  if (campaignIds.length === 0 || campaignIds.length > BUDGET_BATCH_SIZE) {
    throw new RangeError(`budgetRecommendations takes 1 to ${BUDGET_BATCH_SIZE} campaign ids, got ${campaignIds.length}`);
  }
  return client.requestJson(
    {
      region: profile.region,
      method: 'POST',
      path: '/sp/campaigns/budgetRecommendations',
      auth: { kind: 'profile', profileId: profile.profileId },
      accept: BUDGET_MEDIA_TYPE,
      contentType: BUDGET_MEDIA_TYPE,
      body: { campaignIds },
      endpoint: 'spBudgetRecommendations.get',
      signal,
    },
    ResponseSchema,
  );
}
