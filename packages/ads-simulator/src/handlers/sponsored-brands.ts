/**
 * The Sponsored Brands endpoints RecDesk reads and writes, answered from `state.sbsd` in the published shapes
 * (sponsored-brands-v4.json for campaigns, ads, budget and headline recommendations; sponsored-brands-v3.yaml for
 * keywords and bid recommendations): list and update campaigns (≤10 per update, 207 per item, errors as
 * `errors[].errorValue.<kind>Error`), list ads (for the ASINs and the live headline), list and update keywords (≤100,
 * int64 ids, 207 in request order), budget recommendations (≤100 campaign ids, 207 with success / error lists), bid
 * recommendations for up to 100 keywords of a campaign, and headline suggestions for up to 3 ASINs.
 */
import { http } from 'msw';
import { z } from 'zod';
import { headlinesOf, recommendedBidOf, type SbCampaign, suggestedBudgetOf } from '../data/sbsd-world.ts';
import { limitsOf, unitHash } from '../data/sp-recommendations.ts';
import type { Profile } from '../data/world.ts';
import type { SimulatorState } from '../state.ts';
import { guardGet, guardWithBody, intId, json, listParam, missedWindow, recordChange } from './sbsd-http.ts';
import { decodeToken, encodeToken, spError } from './sponsored-products-http.ts';

export const SB_MEDIA_TYPES = {
  campaigns: 'application/vnd.sbcampaignresource.v4+json',
  ads: 'application/vnd.sbadresource.v4+json',
  budget: 'application/vnd.sbbudgetrecommendation.v4+json',
  keywords: ['application/vnd.sbkeyword.v3.2+json', 'application/vnd.sbkeyword.v3+json'],
  keywordResponse: 'application/vnd.sbkeywordresponse.v3+json',
  bids: 'application/vnd.sbbidsrecommendation.v3+json',
  keywordRecommendations: 'application/vnd.sbkeywordrecommendation.v3+json',
  json: 'application/json',
} as const;

const KEYWORD_MODIFIERS = ['best', 'premium', 'cheap', 'large', 'gift'];

const IdFilter = (max: number) => z.object({ include: z.array(z.string()).max(max) }).optional();
const ListSchema = z.looseObject({
  campaignIdFilter: IdFilter(10),
  stateFilter: z.object({ include: z.array(z.enum(['ENABLED', 'PAUSED', 'ARCHIVED'])).max(10) }).optional(),
  maxResults: z.number().int().min(1).max(100).optional(),
  nextToken: z.string().optional(),
});
const UpdateCampaignsSchema = z.object({
  campaigns: z
    .array(z.looseObject({ campaignId: z.string(), budget: z.number().optional(), state: z.enum(['ENABLED', 'PAUSED']).optional() }))
    .min(1)
    .max(10),
});
const IntId = z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String);
const UpdateKeywordsSchema = z
  .array(
    z.looseObject({
      keywordId: IntId,
      adGroupId: IntId,
      campaignId: IntId,
      bid: z.number().optional(),
      state: z.enum(['enabled', 'paused', 'archived']).optional(),
    }),
  )
  .min(1)
  .max(100);
const BudgetRequestSchema = z.object({ campaignIds: z.array(z.string()).min(1).max(100) });
const BidsRequestSchema = z.looseObject({
  campaignId: IntId.optional(),
  keywords: z
    .array(z.object({ matchType: z.enum(['broad', 'exact', 'phrase']), keywordText: z.string().min(1) }))
    .max(100)
    .optional(),
  targets: z
    .array(z.array(z.looseObject({ type: z.string(), value: z.string().optional() })))
    .max(100)
    .optional(),
  adFormat: z.enum(['productCollection', 'video']).optional(),
});
const KeywordRecommendationRequestSchema = z.looseObject({
  asins: z.array(z.string()).min(1).max(100),
  maxNumSuggestions: z.number().int().min(1).optional(),
});
const HeadlineRequestSchema = z.looseObject({
  asins: z.array(z.string()).min(1).max(3).optional(),
  maxNumSuggestions: z.number().min(1).max(10).optional(),
  adFormat: z.enum(['SPONSORED_BRANDS', 'SPONSORED_BRANDS_SPOTLIGHT']).optional(),
});

function campaignBody(c: SbCampaign) {
  return {
    campaignId: c.campaignId,
    name: c.name,
    state: c.state,
    budget: c.budget,
    budgetType: 'DAILY',
    startDate: c.startDate,
    ...(c.portfolioId ? { portfolioId: c.portfolioId } : {}),
  };
}

function campaignsOf(state: SimulatorState, profile: Profile): SbCampaign[] {
  return state.sbsd.sbCampaigns.filter((c) => c.profileId === profile.profileId);
}

/** The brand and product noun of a campaign name (`Brand | noun | SB Brand | US`). */
export function brandAndNoun(name: string): { brand: string; noun: string } {
  const [brand = 'Brand', noun = 'product'] = name.split(' | ');
  return { brand, noun };
}

export function sponsoredBrandsHandlers(state: SimulatorState) {
  const M = SB_MEDIA_TYPES;
  const seed = state.world.seed;
  return [
    http.post('*/sb/v4/campaigns/list', async ({ request }) => {
      const guarded = await guardWithBody(state, request, 'crud', { accept: [M.campaigns], contentType: [M.campaigns] });
      if (guarded instanceof Response) return guarded;
      const parsed = ListSchema.safeParse(guarded.body ?? {});
      if (!parsed.success) return spError('crud', 400, 'INVALID_ARGUMENT', z.prettifyError(parsed.error));
      const { campaignIdFilter, stateFilter, maxResults = 100, nextToken } = parsed.data;
      const offset = decodeToken(nextToken);
      if (offset === null) return spError('crud', 400, 'INVALID_ARGUMENT', 'nextToken is invalid or expired');
      const matching = campaignsOf(state, guarded.profile).filter(
        (c) =>
          (!campaignIdFilter?.include.length || campaignIdFilter.include.includes(c.campaignId)) &&
          (!stateFilter?.include.length || stateFilter.include.includes(c.state)),
      );
      const page = matching.slice(offset, offset + maxResults);
      return json(
        {
          campaigns: page.map(campaignBody),
          totalCount: matching.length,
          ...(offset + maxResults < matching.length ? { nextToken: encodeToken(offset + maxResults) } : {}),
        },
        M.campaigns,
      );
    }),

    http.put('*/sb/v4/campaigns', async ({ request }) => {
      const guarded = await guardWithBody(state, request, 'crud', { accept: [M.campaigns], contentType: [M.campaigns] });
      if (guarded instanceof Response) return guarded;
      const parsed = UpdateCampaignsSchema.safeParse(guarded.body);
      if (!parsed.success) return spError('crud', 400, 'INVALID_ARGUMENT', z.prettifyError(parsed.error));
      const [min, max] = limitsOf(guarded.profile.marketplace.code).budget;
      const success: Record<string, unknown>[] = [];
      const error: Record<string, unknown>[] = [];
      const fail = (index: number, kind: string, reason: string, message: string): void => {
        error.push({
          index,
          errors: [{ errorType: kind, errorValue: { [kind]: { reason, message, cause: { location: `$.campaigns[${index}]` } } } }],
        });
      };
      for (const [index, item] of parsed.data.campaigns.entries()) {
        const campaign = campaignsOf(state, guarded.profile).find((c) => c.campaignId === item.campaignId);
        if (!campaign) {
          fail(index, 'otherError', 'ENTITY_NOT_FOUND', `Campaign ${item.campaignId} not found`);
          continue;
        }
        if (item.budget !== undefined && (item.budget < min || item.budget > max)) {
          fail(index, 'budgetError', 'BUDGET_OUT_OF_RANGE', `Daily budget must be between ${min} and ${max}`);
          continue;
        }
        const before = campaignBody(campaign);
        if (item.budget !== undefined) campaign.budget = item.budget;
        if (item.state !== undefined) campaign.state = item.state;
        recordChange(state, 'sb.campaigns.update', `sb-campaign:${campaign.campaignId}`, before, campaignBody(campaign));
        success.push({ index, campaignId: campaign.campaignId, campaign: campaignBody(campaign) });
      }
      // Both lists declare minItems 1: an empty one is left out.
      return json({ campaigns: { ...(success.length ? { success } : {}), ...(error.length ? { error } : {}) } }, M.campaigns, 207);
    }),

    http.post('*/sb/v4/ads/list', async ({ request }) => {
      const guarded = await guardWithBody(state, request, 'crud', { accept: [M.ads], contentType: [M.ads] });
      if (guarded instanceof Response) return guarded;
      const parsed = ListSchema.safeParse(guarded.body ?? {});
      if (!parsed.success) return spError('crud', 400, 'INVALID_ARGUMENT', z.prettifyError(parsed.error));
      const { campaignIdFilter, maxResults = 100, nextToken } = parsed.data;
      const offset = decodeToken(nextToken);
      if (offset === null) return spError('crud', 400, 'INVALID_ARGUMENT', 'nextToken is invalid or expired');
      const matching = campaignsOf(state, guarded.profile).filter(
        (c) => !campaignIdFilter?.include.length || campaignIdFilter.include.includes(c.campaignId),
      );
      const page = matching.slice(offset, offset + maxResults);
      return json(
        {
          ads: page.map((c) => ({
            adId: c.adId,
            adGroupId: c.adGroupId,
            campaignId: c.campaignId,
            name: `${c.name} ad`,
            state: c.state,
            creative: { type: 'PRODUCT_COLLECTION', asins: c.asins, headline: c.headline },
          })),
          totalResults: matching.length,
          ...(offset + maxResults < matching.length ? { nextToken: encodeToken(offset + maxResults) } : {}),
        },
        M.ads,
      );
    }),

    http.get('*/sb/keywords', ({ request }) => {
      const profile = guardGet(state, request, 'recommendations', { accept: M.keywords });
      if (profile instanceof Response) return profile;
      const url = new URL(request.url);
      const campaigns = listParam(url, 'campaignIdFilter');
      const keywordIds = listParam(url, 'keywordIdFilter');
      const states = listParam(url, 'stateFilter');
      const startIndex = Number(url.searchParams.get('startIndex') ?? 0);
      const count = Number(url.searchParams.get('count') ?? 5000);
      const own = new Set(campaignsOf(state, profile).map((c) => c.campaignId));
      const matching = state.sbsd.sbKeywords.filter(
        (k) =>
          own.has(k.campaignId) &&
          (!campaigns || campaigns.includes(k.campaignId)) &&
          (!keywordIds || keywordIds.includes(k.keywordId)) &&
          (!states || states.includes(k.state)),
      );
      const accept = (request.headers.get('accept') ?? '').toLowerCase().includes('v3.2') ? M.keywords[0] : M.keywords[1];
      return json(
        matching.slice(startIndex, startIndex + count).map((k) => ({
          keywordId: intId(k.keywordId),
          adGroupId: intId(k.adGroupId),
          campaignId: intId(k.campaignId),
          keywordText: k.keywordText,
          matchType: k.matchType,
          state: k.state,
          bid: k.bid,
        })),
        accept,
      );
    }),

    http.put('*/sb/keywords', async ({ request }) => {
      const guarded = await guardWithBody(state, request, 'recommendations', { accept: [M.keywordResponse], contentType: [M.json] });
      if (guarded instanceof Response) return guarded;
      const parsed = UpdateKeywordsSchema.safeParse(guarded.body);
      if (!parsed.success) return spError('recommendations', 400, '400', z.prettifyError(parsed.error));
      const [min, max] = limitsOf(guarded.profile.marketplace.code).bid;
      const own = new Set(campaignsOf(state, guarded.profile).map((c) => c.campaignId));
      // 207 in request order (the spec's description), one SBKeywordResponse per item.
      const answers = parsed.data.map((item) => {
        const keyword = state.sbsd.sbKeywords.find((k) => k.keywordId === item.keywordId && own.has(k.campaignId));
        if (!keyword) return { keywordId: intId(item.keywordId), code: 'NOT_FOUND', description: `Keyword ${item.keywordId} not found` };
        if (item.bid !== undefined && (item.bid < min || item.bid > max))
          return { keywordId: intId(item.keywordId), code: 'INVALID_ARGUMENT', description: `Bid must be between ${min} and ${max}` };
        const before = { ...keyword };
        if (item.bid !== undefined) keyword.bid = item.bid;
        if (item.state === 'enabled' || item.state === 'paused') keyword.state = item.state;
        recordChange(state, 'sb.keywords.update', `sb-keyword:${keyword.keywordId}`, before, { ...keyword });
        return { keywordId: intId(keyword.keywordId), code: 'SUCCESS' };
      });
      return json(answers, M.keywordResponse, 207);
    }),

    http.post('*/sb/campaigns/budgetRecommendations', async ({ request }) => {
      const guarded = await guardWithBody(state, request, 'recommendations', { accept: [M.budget], contentType: [M.budget] });
      if (guarded instanceof Response) return guarded;
      const parsed = BudgetRequestSchema.safeParse(guarded.body);
      if (!parsed.success)
        return spError('crud', 422, 'INVALID_ARGUMENT', `campaignIds must hold 1 to 100 ids: ${z.prettifyError(parsed.error)}`);
      const window = missedWindow(state.clock.now());
      const success: Record<string, unknown>[] = [];
      const error: Record<string, unknown>[] = [];
      parsed.data.campaignIds.forEach((campaignId, index) => {
        const campaign = campaignsOf(state, guarded.profile).find((c) => c.campaignId === campaignId);
        if (!campaign) {
          error.push({ index, campaignId, code: '404', details: `Campaign ${campaignId} was not found for this advertiser` });
          return;
        }
        const suggested = suggestedBudgetOf(seed, campaign.campaignId, campaign.budget, guarded.profile.marketplace.code);
        const clicks = Math.round(20 + unitHash(seed, campaignId, 'missed-clicks') * 80);
        success.push({
          index,
          campaignId,
          suggestedBudget: suggested,
          sevenDaysMissedOpportunities: {
            ...window,
            percentTimeInBudget: suggested > campaign.budget ? Math.round((0.4 + unitHash(seed, campaignId, 'tib') * 0.5) * 100) / 100 : 1,
            estimatedMissedImpressionsLower: clicks * 40,
            estimatedMissedImpressionsUpper: clicks * 60,
            estimatedMissedClicksLower: clicks,
            estimatedMissedClicksUpper: Math.round(clicks * 1.5),
            estimatedMissedSalesLower: clicks * 3,
            estimatedMissedSalesUpper: clicks * 5,
          },
        });
      });
      return json({ success, error }, M.budget, 207);
    }),

    http.post('*/sb/recommendations/bids', async ({ request }) => {
      const guarded = await guardWithBody(state, request, 'recommendations', { accept: [M.bids], contentType: [M.json] });
      if (guarded instanceof Response) return guarded;
      const parsed = BidsRequestSchema.safeParse(guarded.body);
      if (!parsed.success) return spError('recommendations', 400, '400', z.prettifyError(parsed.error));
      const { campaignId, keywords = [] } = parsed.data;
      const campaign = campaignsOf(state, guarded.profile).find((c) => c.campaignId === campaignId);
      const code = guarded.profile.marketplace.code;
      const success: Record<string, unknown>[] = [];
      const errors: Record<string, unknown>[] = [];
      keywords.forEach((keyword, keywordIndex) => {
        const live = state.sbsd.sbKeywords.find(
          (k) => k.campaignId === campaignId && k.keywordText === keyword.keywordText && k.matchType === keyword.matchType,
        );
        if (!campaign) {
          errors.push({
            code: 'NOT_FOUND',
            details: `Campaign ${campaignId ?? '?'} not found`,
            keyword: { type: keyword.matchType, value: keyword.keywordText },
            keywordIndex,
          });
          return;
        }
        const base = live?.bid ?? 1 * (code === 'UK' ? 0.8 : code === 'DE' ? 0.9 : 1);
        const bid = recommendedBidOf(seed, `${campaign.campaignId}|${keyword.keywordText}|${keyword.matchType}`, base, code);
        success.push({
          recommendationId: `sbbid-${campaign.campaignId}-${keywordIndex}`,
          recommendedBid: { rangeStart: bid.rangeLower, rangeEnd: bid.rangeUpper, recommended: bid.recommended },
          keyword,
          keywordIndex,
        });
      });
      return json({ keywordsBidsRecommendationSuccessResults: success, keywordsBidsRecommendationErrorResults: errors }, M.bids);
    }),

    http.post('*/sb/recommendations/keyword', async ({ request }) => {
      const M2 = M.keywordRecommendations;
      const guarded = await guardWithBody(state, request, 'recommendations', { accept: [M2], contentType: [M2] });
      if (guarded instanceof Response) return guarded;
      const parsed = KeywordRecommendationRequestSchema.safeParse(guarded.body);
      if (!parsed.success) return spError('recommendations', 400, '400', z.prettifyError(parsed.error));
      const asins = parsed.data.asins;
      const campaign = campaignsOf(state, guarded.profile).find((c) => c.asins.some((a) => asins.includes(a)));
      const { brand, noun } = brandAndNoun(campaign?.name ?? guarded.profile.advertiser.brand);
      const targeted = new Set(
        state.sbsd.sbKeywords.filter((k) => k.campaignId === campaign?.campaignId).map((k) => `${k.keywordText}|${k.matchType}`),
      );
      // Ranked by the seed; the campaign's own keywords are left out, as Amazon suggests new ones.
      const suggestions = KEYWORD_MODIFIERS.map((modifier, n) => ({
        value: `${modifier} ${noun}`,
        matchType: (['broad', 'phrase', 'exact'] as const)[n % 3] ?? 'broad',
        score: unitHash(seed, campaign?.campaignId ?? brand, modifier),
      }))
        .filter((s) => !targeted.has(`${s.value}|${s.matchType}`))
        .sort((a, b) => b.score - a.score)
        .slice(0, Math.min(parsed.data.maxNumSuggestions ?? 3, 3));
      return json(
        suggestions.map((s, rank) => ({
          recommendationId: `sbkw-${campaign?.campaignId ?? 'new'}-${rank}`,
          type: 'addKeyword',
          value: s.value,
          matchType: s.matchType,
          searchTermImpressionRank: rank + 1,
          searchTermImpressionShare: Math.round(s.score * 4000) / 100,
        })),
        M2,
      );
    }),

    http.post('*/sb/recommendations/creative/headline', async ({ request }) => {
      const guarded = await guardWithBody(state, request, 'recommendations', { accept: [M.json], contentType: [M.json] });
      if (guarded instanceof Response) return guarded;
      const parsed = HeadlineRequestSchema.safeParse(guarded.body);
      if (!parsed.success || !parsed.data.asins) return spError('recommendations', 400, '400', 'asins must name 1 to 3 ASINs');
      const asins = parsed.data.asins;
      const campaign = campaignsOf(state, guarded.profile).find((c) => c.asins.some((a) => asins.includes(a)));
      const { brand, noun } = brandAndNoun(campaign?.name ?? guarded.profile.advertiser.brand);
      return json(
        { requestId: `hlreq-${asins.join('-')}`, suggestions: headlinesOf(brand, noun, parsed.data.maxNumSuggestions ?? 3) },
        M.json,
      );
    }),
  ];
}
