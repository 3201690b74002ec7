/**
 * `POST /sp/targets/bid/recommendations` (GetThemeBasedBidRecommendationForAdGroup_v1 of the SP v3 spec) for an
 * existing ad group: up to 100 targeting expressions per call, answered with up to two themes (e.g.
 * CONVERSION_OPPORTUNITIES, PRIME_DAY), each with three bids per expression (low, suggested, high) and, in v3, the
 * clicks and orders each of those bids is expected to bring. v3 is asked for because it alone carries those impact
 * ranges; the simulator and Amazon also answer v4 and v5. Themes and expression types are strings: new ones are kept.
 */
import { z } from 'zod';
import type { AdsClient } from '../../ads-client/ads-client.ts';
import type { AdsProfile } from '../../ads-client/profiles.ts';

export const THEME_BIDS_MEDIA_TYPE = 'application/vnd.spthemebasedbidrecommendation.v3+json';
/** The spec's `maxItems` on `targetingExpressions`. */
export const EXPRESSIONS_PER_CALL = 100;

export const TargetingExpressionSchema = z.looseObject({ type: z.string().min(1), value: z.string().optional() });
export type TargetingExpression = z.infer<typeof TargetingExpressionSchema>;

const RangeSchema = z.looseObject({ lower: z.number().optional(), upper: z.number().optional() });
const ImpactMetricSchema = z.looseObject({ values: z.array(RangeSchema).optional() }).nullish();

export const ThemeRecommendationSchema = z.looseObject({
  theme: z.string().min(1),
  impactMetrics: z.looseObject({ clicks: ImpactMetricSchema, orders: ImpactMetricSchema }).nullish(),
  bidRecommendationsForTargetingExpressions: z.array(z.unknown()),
});

export const ExpressionBidsSchema = z.looseObject({
  targetingExpression: TargetingExpressionSchema,
  bidValues: z
    .array(z.looseObject({ suggestedBid: z.number().nonnegative() }))
    .min(1)
    .max(3),
});

const ResponseSchema = z.looseObject({ bidRecommendations: z.array(z.unknown()) });

export async function getThemeBasedBids(
  client: AdsClient,
  profile: AdsProfile,
  request: { campaignId: string; adGroupId: string; targetingExpressions: readonly TargetingExpression[] },
  signal?: AbortSignal,
): Promise<unknown[]> {
  const response = await client.requestJson(
    {
      region: profile.region,
      method: 'POST',
      path: '/sp/targets/bid/recommendations',
      auth: { kind: 'profile', profileId: profile.profileId },
      accept: THEME_BIDS_MEDIA_TYPE,
      contentType: THEME_BIDS_MEDIA_TYPE,
      body: { recommendationType: 'BIDS_FOR_EXISTING_AD_GROUP', ...request },
      endpoint: 'spThemeBasedBids.get',
      signal,
    },
    ResponseSchema,
  );
  return response.bidRecommendations;
}
