/**
 * The two SP targeting suggestion endpoints:
 * - `POST /sp/targets/keywords/recommendations` with KEYWORDS_FOR_ADGROUP. v4 is asked for: it answers one object
 *   (`keywordTargetList`) with a recommendation id, bids per match type and search-term share, where v3's published
 *   schema is ambiguous (an object in the spec, an array in practice).
 * - `POST /sp/targets/products/recommendations` for an ad group's advertised ASINs, the `asins` response variant
 *   (chosen by Accept; the `themes` variant groups the same ASINs), paged with `nextCursor`.
 * Match types and themes are strings: a new value is kept and shown.
 */
import { z } from 'zod';
import type { AdsClient } from '../../ads-client/ads-client.ts';
import type { AdsProfile } from '../../ads-client/profiles.ts';

export const KEYWORD_RECOMMENDATIONS_MEDIA_TYPE = 'application/vnd.spkeywordsrecommendation.v4+json';
export const PRODUCT_RECOMMENDATIONS_REQUEST_TYPE = 'application/vnd.spproductrecommendation.v3+json';
export const PRODUCT_RECOMMENDATIONS_ASINS_TYPE = 'application/vnd.spproductrecommendationresponse.asins.v3+json';
/** Suggestions asked for per ad group (the API allows 200). */
export const KEYWORDS_PER_AD_GROUP = 50;
export const PRODUCTS_PER_PAGE = 50;
/** A cap on product suggestion pages per ad group: the first ones are the best ranked. */
export const MAX_PRODUCT_PAGES = 4;

export const KeywordTargetSchema = z.looseObject({
  recId: z.string().optional(),
  keyword: z.string().min(1),
  translation: z.string().optional(),
  userSelectedKeyword: z.boolean().optional(),
  searchTermImpressionShare: z.number().optional(),
  searchTermImpressionRank: z.number().optional(),
  bidInfo: z
    .array(
      z.looseObject({
        matchType: z.string().min(1),
        rank: z.number().optional(),
        bid: z.number().optional(),
        suggestedBid: z
          .looseObject({
            rangeStart: z.number().optional(),
            rangeEnd: z.number().optional(),
            suggested: z.number().optional(),
            bidRecId: z.string().optional(),
          })
          .optional(),
      }),
    )
    .max(3),
});
export type KeywordTarget = z.infer<typeof KeywordTargetSchema>;

export const ProductRecommendationSchema = z.looseObject({
  recommendedAsin: z.string().length(10),
  themes: z.array(z.string()).optional(),
});
export type ProductRecommendation = z.infer<typeof ProductRecommendationSchema>;

export async function getKeywordRecommendations(
  client: AdsClient,
  profile: AdsProfile,
  adGroup: { campaignId: string; adGroupId: string },
  signal?: AbortSignal,
): Promise<unknown[]> {
  const response = await client.requestJson(
    {
      region: profile.region,
      method: 'POST',
      path: '/sp/targets/keywords/recommendations',
      auth: { kind: 'profile', profileId: profile.profileId },
      accept: KEYWORD_RECOMMENDATIONS_MEDIA_TYPE,
      contentType: KEYWORD_RECOMMENDATIONS_MEDIA_TYPE,
      body: {
        recommendationType: 'KEYWORDS_FOR_ADGROUP',
        campaignId: adGroup.campaignId,
        adGroupId: adGroup.adGroupId,
        maxRecommendations: KEYWORDS_PER_AD_GROUP,
        sortDimension: 'DEFAULT',
      },
      endpoint: 'spKeywordRecommendations.get',
      signal,
    },
    z.looseObject({ keywordTargetList: z.array(z.unknown()).optional() }),
  );
  return response.keywordTargetList ?? [];
}

/** Every page (up to MAX_PRODUCT_PAGES) of product suggestions for these advertised ASINs. */
export async function* listProductRecommendations(
  client: AdsClient,
  profile: AdsProfile,
  adAsins: readonly string[],
  signal?: AbortSignal,
): AsyncGenerator<unknown[]> {
  let cursor: string | undefined;
  let pages = 0;
  do {
    const response = await client.requestJson(
      {
        region: profile.region,
        method: 'POST',
        path: '/sp/targets/products/recommendations',
        auth: { kind: 'profile', profileId: profile.profileId },
        accept: PRODUCT_RECOMMENDATIONS_ASINS_TYPE,
        contentType: PRODUCT_RECOMMENDATIONS_REQUEST_TYPE,
        body: { adAsins, count: PRODUCTS_PER_PAGE, ...(cursor ? { cursor } : {}) },
        endpoint: 'spProductRecommendations.get',
        signal,
      },
      z.looseObject({ recommendations: z.array(z.unknown()).optional(), nextCursor: z.string().nullish() }),
    );
    yield response.recommendations ?? [];
    cursor = response.nextCursor ?? undefined;
    pages++;
  } while (cursor && pages < MAX_PRODUCT_PAGES);
}
