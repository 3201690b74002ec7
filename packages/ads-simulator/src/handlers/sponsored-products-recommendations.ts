/**
 * The Sponsored Products recommendation endpoints of the SP v3 spec, answered from `state.sp` and the world:
 * consolidated recommendations (`GET /sp/campaign/recommendations`, ≤50 per page with `nextToken`), budget
 * recommendations (≤100 campaign ids, 200 with success and error lists; the error item's key is a capital-E `Error`
 * as published), theme-based bids for an existing or new ad group (v3/v4/v5 media types), keyword targets for an ad
 * group or ASINs (v3/v4/v5) and product targets (the `asins` or `themes` response variant, chosen by Accept, with
 * cursors). Errors use the recommendation dialect `{code, details}`.
 */
import { HttpResponse, http } from 'msw';
import { z } from 'zod';
import { limitsOf, unitHash } from '../data/sp-recommendations.ts';
import type { AdGroup, Profile } from '../data/world.ts';
import type { SimulatorState } from '../state.ts';
import { decodeToken, encodeToken, guardSp, readJson, spError } from './sponsored-products-http.ts';

export const SP_RECOMMENDATION_MEDIA_TYPES = {
  consolidated: 'application/vnd.spgetcampaignrecommendationsresponse.v1+json',
  budget: 'application/vnd.budgetrecommendation.v3+json',
  themeBids: [
    'application/vnd.spthemebasedbidrecommendation.v3+json',
    'application/vnd.spthemebasedbidrecommendation.v4+json',
    'application/vnd.spthemebasedbidrecommendation.v5+json',
  ],
  keywords: [
    'application/vnd.spkeywordsrecommendation.v3+json',
    'application/vnd.spkeywordsrecommendation.v4+json',
    'application/vnd.spkeywordsrecommendation.v5+json',
  ],
  productsRequest: 'application/vnd.spproductrecommendation.v3+json',
  productsByAsin: 'application/vnd.spproductrecommendationresponse.asins.v3+json',
  productsByTheme: 'application/vnd.spproductrecommendationresponse.themes.v3+json',
} as const;

const CONSOLIDATED_PAGE_SIZE = 50;
const BUDGET_BATCH = 100;

function versionOf(mediaType: string | null): 3 | 4 | 5 {
  const match = /\.v(\d)\+json/i.exec(mediaType ?? '');
  return match?.[1] === '5' ? 5 : match?.[1] === '4' ? 4 : 3;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function adGroupIn(state: SimulatorState, profile: Profile, campaignId: string, adGroupId: string): AdGroup | null {
  const campaign = state.world.campaigns.find((c) => c.campaignId === campaignId && c.profileId === profile.profileId);
  const adGroup = state.world.adGroups.find((g) => g.adGroupId === adGroupId && g.campaignId === campaignId);
  return campaign && adGroup ? adGroup : null;
}

const TargetingExpressionSchema = z.object({ type: z.string(), value: z.string().optional() });
const ThemeBidRequestSchema = z.discriminatedUnion('recommendationType', [
  z.looseObject({
    recommendationType: z.literal('BIDS_FOR_EXISTING_AD_GROUP'),
    campaignId: z.string(),
    adGroupId: z.string(),
    targetingExpressions: z.array(TargetingExpressionSchema).max(100),
    includeAnalysis: z.boolean().optional(),
  }),
  z.looseObject({
    recommendationType: z.literal('BIDS_FOR_NEW_AD_GROUP'),
    asins: z.array(z.string()).min(1).max(50),
    bidding: z.looseObject({ strategy: z.string() }),
    targetingExpressions: z.array(TargetingExpressionSchema).max(100),
    includeAnalysis: z.boolean().optional(),
  }),
]);

const KeywordRequestSchema = z.discriminatedUnion('recommendationType', [
  z.looseObject({
    recommendationType: z.literal('KEYWORDS_FOR_ADGROUP'),
    campaignId: z.string(),
    adGroupId: z.string(),
    maxRecommendations: z.number().int().min(0).max(200).optional(),
    sortDimension: z.string().optional(),
    locale: z.string().optional(),
  }),
  z.looseObject({
    recommendationType: z.literal('KEYWORDS_FOR_ASINS'),
    asins: z.array(z.string()).min(1),
    maxRecommendations: z.number().int().min(0).max(200).optional(),
    sortDimension: z.string().optional(),
    locale: z.string().optional(),
  }),
]);

const ProductRequestSchema = z.looseObject({
  adAsins: z.array(z.string().length(10)).min(1),
  count: z.number().int().min(1).optional(),
  cursor: z.string().optional(),
  locale: z.string().optional(),
});

export function sponsoredProductsRecommendationHandlers(state: SimulatorState) {
  const M = SP_RECOMMENDATION_MEDIA_TYPES;
  const seed = state.world.seed;

  return [
    http.get('*/sp/campaign/recommendations', ({ request }) => {
      const profile = guardSp(state, request, 'recommendations', { accept: [M.consolidated] });
      if (profile instanceof Response) return profile;
      const url = new URL(request.url);
      const maxResults = Number(url.searchParams.get('maxResults') ?? CONSOLIDATED_PAGE_SIZE);
      if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > CONSOLIDATED_PAGE_SIZE) {
        return spError('recommendations', 400, '400', `maxResults must be an integer from 1 to ${CONSOLIDATED_PAGE_SIZE}`);
      }
      const ids = url.searchParams.getAll('campaignIds').flatMap((value) => value.split(','));
      const all = state.sp.consolidated.get(profile.profileId) ?? [];
      const matching = ids.length > 0 ? all.filter((r) => ids.includes(String(r.campaignId))) : all;
      const offset = decodeToken(url.searchParams.get('nextToken'));
      if (offset === null) return spError('recommendations', 400, '400', 'nextToken is invalid or expired');
      return HttpResponse.json(
        {
          recommendations: matching.slice(offset, offset + maxResults),
          ...(offset + maxResults < matching.length ? { nextToken: encodeToken(offset + maxResults) } : {}),
        },
        { headers: { 'content-type': M.consolidated } },
      );
    }),

    http.post('*/sp/campaigns/budgetRecommendations', async ({ request }) => {
      const profile = guardSp(state, request, 'recommendations', { accept: [M.budget], contentType: [M.budget] });
      if (profile instanceof Response) return profile;
      const read = await readJson(request);
      const parsed = z.object({ campaignIds: z.array(z.string()).min(1).max(BUDGET_BATCH) }).safeParse(read.ok ? read.body : undefined);
      if (!parsed.success) {
        return spError(
          'recommendations',
          400,
          '400',
          `campaignIds must hold 1 to ${BUDGET_BATCH} campaign ids: ${z.prettifyError(parsed.error)}`,
        );
      }
      const success: Record<string, unknown>[] = [];
      const errors: Record<string, unknown>[] = [];
      parsed.data.campaignIds.forEach((campaignId, index) => {
        const campaign = state.world.campaigns.find((c) => c.campaignId === campaignId && c.profileId === profile.profileId);
        const recommendation = state.sp.budgets.get(campaignId);
        if (!campaign || !recommendation) {
          errors.push({ index, campaignId, Error: { code: '404', details: `Campaign ${campaignId} was not found for this advertiser` } });
        } else if (campaign.state === 'ARCHIVED') {
          errors.push({
            index,
            campaignId,
            Error: { code: '400', details: 'Budget recommendations are not available for archived campaigns' },
          });
        } else {
          success.push({ ...recommendation, index });
        }
      });
      return HttpResponse.json(
        { budgetRecommendationsSuccessResults: success, budgetRecommendationsErrorResults: errors },
        { headers: { 'content-type': M.budget } },
      );
    }),

    http.post('*/sp/targets/bid/recommendations', async ({ request }) => {
      const profile = guardSp(state, request, 'recommendations', { accept: M.themeBids, contentType: M.themeBids });
      if (profile instanceof Response) return profile;
      const version = versionOf(request.headers.get('accept'));
      const read = await readJson(request);
      const parsed = ThemeBidRequestSchema.safeParse(read.ok ? read.body : undefined);
      if (!parsed.success) return spError('recommendations', 400, '400', `Invalid request: ${z.prettifyError(parsed.error)}`);
      const body = parsed.data;
      let base: number;
      let key: string;
      if (body.recommendationType === 'BIDS_FOR_EXISTING_AD_GROUP') {
        const adGroup = adGroupIn(state, profile, body.campaignId, body.adGroupId);
        if (!adGroup)
          return spError('recommendations', 422, '422', `Ad group ${body.adGroupId} of campaign ${body.campaignId} was not found`);
        base = adGroup.defaultBid;
        key = adGroup.adGroupId;
      } else {
        base = 0.75 * (profile.marketplace.code === 'UK' ? 0.8 : profile.marketplace.code === 'DE' ? 0.9 : 1);
        key = body.asins.join(',');
      }
      const [minBid, maxBid] = limitsOf(profile.marketplace.code).bid;
      const clamp = (bid: number) => round2(Math.min(maxBid, Math.max(minBid, bid)));
      // A second theme for some ad groups, as during a high-sales event.
      const themes = unitHash(seed, key, 'event-theme') < 0.25 ? ['CONVERSION_OPPORTUNITIES', 'PRIME_DAY'] : ['CONVERSION_OPPORTUNITIES'];
      const bidRecommendations = themes.map((theme, t) => {
        const lift = t === 0 ? 1 : 1.3;
        const perExpression = body.targetingExpressions.map((expression) => {
          const mid = clamp(base * lift * (0.9 + unitHash(seed, key, expression.type, expression.value ?? '') * 0.6));
          const bidValues = [clamp(mid * 0.75), mid, clamp(mid * 1.35)].map((suggestedBid) => ({ suggestedBid }));
          return {
            targetingExpression: expression,
            bidValues,
            ...(version === 5
              ? {
                  suggestedBidImpactMetrics: {
                    estimatedImpressionLower: Math.round(200 + 800 * unitHash(seed, key, expression.type, 'imp')),
                    estimatedImpressionUpper: Math.round(1200 + 3000 * unitHash(seed, key, expression.type, 'imp')),
                  },
                }
              : {}),
          };
        });
        const clicks = [0, 1, 2].map((n) => {
          const lower = Math.round((n + 1) * 10 * lift * (1 + unitHash(seed, key, theme, n)));
          return { lower, upper: Math.round(lower * 1.6) };
        });
        return {
          theme,
          bidRecommendationsForTargetingExpressions: perExpression,
          ...(version === 3
            ? {
                impactMetrics: {
                  clicks: { values: clicks },
                  orders: { values: clicks.map((c) => ({ lower: Math.round(c.lower / 8), upper: Math.round(c.upper / 8) })) },
                },
              }
            : {}),
        };
      });
      return HttpResponse.json({ bidRecommendations }, { headers: { 'content-type': M.themeBids[version - 3] as string } });
    }),

    http.post('*/sp/targets/keywords/recommendations', async ({ request }) => {
      const profile = guardSp(state, request, 'recommendations', { accept: M.keywords, contentType: M.keywords });
      if (profile instanceof Response) return profile;
      const version = versionOf(request.headers.get('accept'));
      const read = await readJson(request);
      const parsed = KeywordRequestSchema.safeParse(read.ok ? read.body : undefined);
      if (!parsed.success) return spError('recommendations', 400, '400', `Invalid request: ${z.prettifyError(parsed.error)}`);
      const body = parsed.data;
      let suggestions: NonNullable<ReturnType<typeof state.sp.keywords.get>>;
      if (body.recommendationType === 'KEYWORDS_FOR_ADGROUP') {
        const adGroup = adGroupIn(state, profile, body.campaignId, body.adGroupId);
        if (!adGroup)
          return spError('recommendations', 422, '422', `Ad group ${body.adGroupId} of campaign ${body.campaignId} was not found`);
        suggestions = state.sp.keywords.get(adGroup.adGroupId) ?? [];
      } else {
        const adGroup = state.world.adGroups.find((g) => g.asins.some((asin) => body.asins.includes(asin)));
        suggestions = adGroup ? (state.sp.keywords.get(adGroup.adGroupId) ?? []) : [];
      }
      const limited = suggestions.slice(0, body.maxRecommendations ?? 200);
      const contentType = { headers: { 'content-type': M.keywords[version - 3] as string } };
      if (version === 3) {
        // v3 answers a ranked array of KeywordTargetResponse items.
        return HttpResponse.json(
          limited.map((s) => ({
            keyword: s.keyword,
            matchType: s.matchType,
            rank: s.rank,
            bid: s.suggested,
            suggestedBid: { rangeStart: s.rangeStart, rangeEnd: s.rangeEnd, suggested: s.suggested, bidRecId: `${s.recId}-bid` },
          })),
          contentType,
        );
      }
      if (version === 4) {
        return HttpResponse.json(
          {
            keywordTargetList: limited.map((s) => ({
              recId: s.recId,
              keyword: s.keyword,
              searchTermImpressionShare: s.searchTermImpressionShare,
              searchTermImpressionRank: s.searchTermImpressionRank,
              bidInfo: [
                {
                  matchType: s.matchType,
                  rank: s.rank,
                  bid: s.suggested,
                  suggestedBid: { rangeStart: s.rangeStart, rangeEnd: s.rangeEnd, suggested: s.suggested, bidRecId: `${s.recId}-bid` },
                },
              ],
            })),
          },
          contentType,
        );
      }
      return HttpResponse.json(
        {
          keywordTargetList: limited.map((s) => ({
            recId: s.recId,
            keyword: s.keyword,
            searchTermImpressionShare: s.searchTermImpressionShare,
            searchTermImpressionRank: s.searchTermImpressionRank,
            bidInfo: [
              {
                matchType: s.matchType,
                rank: s.rank,
                theme: 'CONVERSION_OPPORTUNITIES',
                bid: s.suggested,
                suggestedBid: { rangeStart: s.rangeStart, rangeEnd: s.rangeEnd, suggested: s.suggested },
              },
            ],
          })),
          impactMetrics: [],
        },
        contentType,
      );
    }),

    http.post('*/sp/targets/products/recommendations', async ({ request }) => {
      const profile = guardSp(state, request, 'recommendations', {
        accept: [M.productsByAsin, M.productsByTheme],
        contentType: [M.productsRequest],
      });
      if (profile instanceof Response) return profile;
      const byTheme = (request.headers.get('accept') ?? '').toLowerCase().includes('.themes.');
      const read = await readJson(request);
      const parsed = ProductRequestSchema.safeParse(read.ok ? read.body : undefined);
      if (!parsed.success) return spError('recommendations', 400, '400', `Invalid request: ${z.prettifyError(parsed.error)}`);
      const { adAsins, cursor } = parsed.data;
      const offset = decodeToken(cursor);
      if (offset === null) return spError('recommendations', 400, '400', 'cursor is invalid or expired');
      const suggestions = adAsins.flatMap((asin) => state.sp.products.get(asin) ?? []);
      const unique = [...new Map(suggestions.map((s) => [s.recommendedAsin, s])).values()];
      const headers = { 'content-type': byTheme ? M.productsByTheme : M.productsByAsin };
      const cursors = (size: number, total: number) => ({
        ...(offset + size < total ? { nextCursor: encodeToken(offset + size) } : {}),
        ...(offset > 0 ? { previousCursor: encodeToken(Math.max(0, offset - size)) } : {}),
      });
      if (byTheme) {
        const themes = [...new Set(unique.flatMap((s) => s.themes))].map((theme) => ({
          theme,
          description: theme,
          recommendedAsins: unique.filter((s) => s.themes.includes(theme)).map((s) => s.recommendedAsin),
        }));
        const size = Math.min(parsed.data.count ?? 5, 10);
        return HttpResponse.json({ recommendations: themes.slice(offset, offset + size), ...cursors(size, themes.length) }, { headers });
      }
      const size = Math.min(parsed.data.count ?? 100, 1000);
      return HttpResponse.json({ recommendations: unique.slice(offset, offset + size), ...cursors(size, unique.length) }, { headers });
    }),
  ];
}
