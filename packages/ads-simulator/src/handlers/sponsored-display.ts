/**
 * The Sponsored Display endpoints RecDesk reads and writes, answered from `state.sbsd` in the shapes of
 * sponsored-display-v3.yaml: campaigns, targets and product ads listed with `startIndex` / `count` and comma-separated
 * filters (int64 ids, lower-case states), campaigns and targets updated with a 207 array in request order
 * (`{code, description, campaignId|targetId}`), budget recommendations (≤100 campaign ids), bid recommendations for
 * ≤100 targeting clauses of one set of products (one answer per clause, by position), targeting recommendations
 * (products and audiences for the advertised ASINs) and headline suggestions.
 */
import { http } from 'msw';
import { z } from 'zod';
import { headlinesOf, recommendedBidOf, SD_AUDIENCES, type SdCampaign, type SdTarget, suggestedBudgetOf } from '../data/sbsd-world.ts';
import { limitsOf, unitHash } from '../data/sp-recommendations.ts';
import type { Profile } from '../data/world.ts';
import type { SimulatorState } from '../state.ts';
import { guardGet, guardWithBody, intId, json, listParam, missedWindow, recordChange } from './sbsd-http.ts';
import { brandAndNoun } from './sponsored-brands.ts';
import { spError } from './sponsored-products-http.ts';

export const SD_MEDIA_TYPES = {
  json: 'application/json',
  budget: 'application/vnd.sdbudgetrecommendations.v3+json',
  bids: [
    'application/vnd.sdtargetingrecommendations.v3.3+json',
    'application/vnd.sdtargetingrecommendations.v3.2+json',
    'application/vnd.sdtargetingrecommendations.v3.1+json',
  ],
  bidsRequest: [
    'application/vnd.sdtargetingrecommendations.v3.4+json',
    'application/vnd.sdtargetingrecommendations.v3.3+json',
    'application/vnd.sdtargetingrecommendations.v3.2+json',
    'application/vnd.sdtargetingrecommendations.v3.1+json',
  ],
  targeting: ['application/vnd.sdtargetingrecommendations.v3.4+json', 'application/vnd.sdtargetingrecommendations.v3.3+json'],
  headlineRequest: 'application/vnd.sdheadlinerecommendationrequest.v4.0+json',
  headlineResponse: 'application/vnd.sdheadlinerecommendationresponse.v4.0+json',
} as const;

const IntId = z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String);
const UpdateCampaignsSchema = z
  .array(z.looseObject({ campaignId: IntId, budget: z.number().optional(), state: z.enum(['enabled', 'paused', 'archived']).optional() }))
  .min(1)
  .max(100);
const UpdateTargetsSchema = z
  .array(
    z.looseObject({ targetId: IntId, bid: z.number().min(0.02).optional(), state: z.enum(['enabled', 'paused', 'archived']).optional() }),
  )
  .min(1)
  .max(100);
const BudgetRequestSchema = z.object({ campaignIds: z.array(z.string()).min(1).max(100) });
const Expression = z.array(z.looseObject({ type: z.string(), value: z.unknown().optional() })).min(1);
const BidsRequestSchema = z.looseObject({
  products: z
    .array(z.object({ asin: z.string().regex(/^[a-zA-Z0-9]{10}$/) }))
    .max(10_000)
    .optional(),
  bidOptimization: z.enum(['reach', 'clicks', 'conversions']),
  costType: z.enum(['cpc', 'vcpm']),
  targetingClauses: z
    .array(z.object({ targetingClause: z.object({ expressionType: z.enum(['manual', 'auto']), expression: Expression }) }))
    .min(1)
    .max(100),
});
const TargetingRequestSchema = z.looseObject({
  tactic: z.enum(['T00020', 'T00030']),
  products: z
    .array(z.looseObject({ asin: z.string() }))
    .min(1)
    .max(10_000),
  typeFilter: z
    .array(z.enum(['PRODUCT', 'CATEGORY', 'AUDIENCE']))
    .min(1)
    .max(2),
});
const HeadlineRequestSchema = z.looseObject({
  asins: z.array(z.string()).min(1).max(100),
  maxNumRecommendations: z.number().min(1).max(10).optional(),
  adFormat: z.enum(['SPONSORED_DISPLAY']).optional(),
});

function campaignBody(c: SdCampaign) {
  return {
    campaignId: intId(c.campaignId),
    name: c.name,
    tactic: c.tactic,
    budgetType: 'daily',
    budget: c.budget,
    startDate: c.startDate,
    costType: 'cpc',
    state: c.state,
    deliveryProfile: 'as_soon_as_possible',
  };
}

function targetBody(t: SdTarget) {
  return {
    targetId: intId(t.targetId),
    adGroupId: intId(t.adGroupId),
    campaignId: intId(t.campaignId),
    expressionType: t.expressionType,
    expression: t.expression,
    resolvedExpression: t.expression,
    state: t.state,
    bid: t.bid,
  };
}

function campaignsOf(state: SimulatorState, profile: Profile): SdCampaign[] {
  return state.sbsd.sdCampaigns.filter((c) => c.profileId === profile.profileId);
}

function page<T>(url: URL, items: T[]): T[] {
  const startIndex = Number(url.searchParams.get('startIndex') ?? 0);
  const count = Number(url.searchParams.get('count') ?? 5000);
  return items.slice(startIndex, startIndex + count);
}

export function sponsoredDisplayHandlers(state: SimulatorState) {
  const M = SD_MEDIA_TYPES;
  const seed = state.world.seed;
  return [
    http.get('*/sd/campaigns', ({ request }) => {
      const profile = guardGet(state, request, 'recommendations', { accept: [M.json] });
      if (profile instanceof Response) return profile;
      const url = new URL(request.url);
      const ids = listParam(url, 'campaignIdFilter');
      const states = listParam(url, 'stateFilter');
      const matching = campaignsOf(state, profile).filter(
        (c) => (!ids || ids.includes(c.campaignId)) && (!states || states.includes(c.state)),
      );
      return json(page(url, matching).map(campaignBody), M.json);
    }),

    http.put('*/sd/campaigns', async ({ request }) => {
      const guarded = await guardWithBody(state, request, 'recommendations', { accept: [M.json], contentType: [M.json] });
      if (guarded instanceof Response) return guarded;
      const parsed = UpdateCampaignsSchema.safeParse(guarded.body);
      if (!parsed.success) return spError('recommendations', 400, '400', z.prettifyError(parsed.error));
      const [min, max] = limitsOf(guarded.profile.marketplace.code).budget;
      const answers = parsed.data.map((item) => {
        const campaign = campaignsOf(state, guarded.profile).find((c) => c.campaignId === item.campaignId);
        const campaignId = intId(item.campaignId);
        if (!campaign) return { code: 'NOT_FOUND', description: `Campaign ${item.campaignId} not found`, campaignId };
        if (item.budget !== undefined && (item.budget < min || item.budget > max))
          return { code: 'INVALID_ARGUMENT', description: `Budget must be between ${min} and ${max}`, campaignId };
        const before = campaignBody(campaign);
        if (item.budget !== undefined) campaign.budget = item.budget;
        if (item.state === 'enabled' || item.state === 'paused') campaign.state = item.state;
        recordChange(state, 'sd.campaigns.update', `sd-campaign:${campaign.campaignId}`, before, campaignBody(campaign));
        return { code: 'SUCCESS', campaignId };
      });
      return json(answers, M.json, 207);
    }),

    http.get('*/sd/targets', ({ request }) => {
      const profile = guardGet(state, request, 'recommendations', { accept: [M.json] });
      if (profile instanceof Response) return profile;
      const url = new URL(request.url);
      const ids = listParam(url, 'targetIdFilter');
      const campaigns = listParam(url, 'campaignIdFilter');
      const states = listParam(url, 'stateFilter');
      const own = new Set(campaignsOf(state, profile).map((c) => c.campaignId));
      const matching = state.sbsd.sdTargets.filter(
        (t) =>
          own.has(t.campaignId) &&
          (!ids || ids.includes(t.targetId)) &&
          (!campaigns || campaigns.includes(t.campaignId)) &&
          (!states || states.includes(t.state)),
      );
      return json(page(url, matching).map(targetBody), M.json);
    }),

    http.put('*/sd/targets', async ({ request }) => {
      const guarded = await guardWithBody(state, request, 'recommendations', { accept: [M.json], contentType: [M.json] });
      if (guarded instanceof Response) return guarded;
      const parsed = UpdateTargetsSchema.safeParse(guarded.body);
      if (!parsed.success) return spError('recommendations', 400, '400', z.prettifyError(parsed.error));
      const [, max] = limitsOf(guarded.profile.marketplace.code).bid;
      const own = new Set(campaignsOf(state, guarded.profile).map((c) => c.campaignId));
      const answers = parsed.data.map((item) => {
        const target = state.sbsd.sdTargets.find((t) => t.targetId === item.targetId && own.has(t.campaignId));
        const targetId = intId(item.targetId);
        if (!target) return { code: 'NOT_FOUND', description: `Target ${item.targetId} not found`, targetId };
        if (item.bid !== undefined && item.bid > max)
          return { code: 'INVALID_ARGUMENT', description: `Bid must be at most ${max}`, targetId };
        const before = targetBody(target);
        if (item.bid !== undefined) target.bid = item.bid;
        if (item.state === 'enabled' || item.state === 'paused') target.state = item.state;
        recordChange(state, 'sd.targets.update', `sd-target:${target.targetId}`, before, targetBody(target));
        return { code: 'SUCCESS', targetId };
      });
      return json(answers, M.json, 207);
    }),

    http.get('*/sd/productAds', ({ request }) => {
      const profile = guardGet(state, request, 'recommendations', { accept: [M.json] });
      if (profile instanceof Response) return profile;
      const url = new URL(request.url);
      const campaigns = listParam(url, 'campaignIdFilter');
      const ads = campaignsOf(state, profile)
        .filter((c) => !campaigns || campaigns.includes(c.campaignId))
        .flatMap((c) =>
          c.asins.map((asin, n) => ({
            adId: intId(String(Number(c.adId) * 10 + n)),
            adGroupId: intId(c.adGroupId),
            campaignId: intId(c.campaignId),
            asin,
            state: c.state,
          })),
        );
      return json(page(url, ads), M.json);
    }),

    http.post('*/sd/campaigns/budgetRecommendations', async ({ request }) => {
      const guarded = await guardWithBody(state, request, 'recommendations', { accept: [M.budget], contentType: [M.budget] });
      if (guarded instanceof Response) return guarded;
      const parsed = BudgetRequestSchema.safeParse(guarded.body);
      if (!parsed.success)
        return spError('recommendations', 400, '400', `campaignIds must hold 1 to 100 ids: ${z.prettifyError(parsed.error)}`);
      const window = missedWindow(state.clock.now());
      const success: Record<string, unknown>[] = [];
      const errors: Record<string, unknown>[] = [];
      parsed.data.campaignIds.forEach((campaignId, index) => {
        const campaign = campaignsOf(state, guarded.profile).find((c) => c.campaignId === campaignId);
        if (!campaign) {
          errors.push({ index, campaignId, code: '404', details: `Campaign ${campaignId} was not found for this advertiser` });
          return;
        }
        const suggested = suggestedBudgetOf(seed, campaign.campaignId, campaign.budget, guarded.profile.marketplace.code);
        const clicks = Math.round(15 + unitHash(seed, campaignId, 'missed-clicks') * 60);
        success.push({
          index,
          campaignId,
          suggestedBudget: suggested,
          sevenDaysMissedOpportunities: {
            ...window,
            percentTimeInBudget: suggested > campaign.budget ? Math.round((0.4 + unitHash(seed, campaignId, 'tib') * 0.5) * 100) / 100 : 1,
            estimatedMissedSalesLower: clicks * 2,
            estimatedMissedSalesUpper: clicks * 4,
            estimatedMissedClicksLower: clicks,
            estimatedMissedClicksUpper: Math.round(clicks * 1.4),
            estimatedMissedImpressionsLower: clicks * 50,
            estimatedMissedImpressionsUpper: clicks * 70,
            estimatedMissedViewableImpressionsLower: clicks * 30,
            estimatedMissedViewableImpressionsUpper: clicks * 45,
          },
        });
      });
      return json({ budgetRecommendationsSuccessResults: success, budgetRecommendationsErrorResults: errors }, M.budget, 207);
    }),

    http.post('*/sd/targets/bid/recommendations', async ({ request }) => {
      const guarded = await guardWithBody(state, request, 'recommendations', { accept: M.bids, contentType: M.bidsRequest });
      if (guarded instanceof Response) return guarded;
      const parsed = BidsRequestSchema.safeParse(guarded.body);
      if (!parsed.success) return spError('recommendations', 400, '400', z.prettifyError(parsed.error));
      const { products = [], bidOptimization, costType, targetingClauses } = parsed.data;
      const asins = new Set(products.map((p) => p.asin));
      const campaign = campaignsOf(state, guarded.profile).find((c) => c.asins.some((a) => asins.has(a)));
      const code = guarded.profile.marketplace.code;
      const bidRecommendations = targetingClauses.map(({ targetingClause }) => {
        const key = JSON.stringify(targetingClause.expression);
        const live =
          campaign && state.sbsd.sdTargets.find((t) => t.campaignId === campaign.campaignId && JSON.stringify(t.expression) === key);
        if (!campaign) return { code: 'NOT_FOUND', details: 'No advertised product of this advertiser was named' };
        const bid = recommendedBidOf(seed, `${campaign.campaignId}|${key}`, live?.bid ?? 1, code);
        return { code: 'SUCCESS', ...bid };
      });
      const accept = (request.headers.get('accept') ?? '').toLowerCase();
      const mediaType = M.bids.find((m) => m === accept) ?? M.bids[0];
      return json({ bidOptimization, costType, bidRecommendations }, mediaType, 207);
    }),

    http.post('*/sd/targets/recommendations', async ({ request }) => {
      const guarded = await guardWithBody(state, request, 'recommendations', { accept: M.targeting, contentType: M.targeting });
      if (guarded instanceof Response) return guarded;
      const parsed = TargetingRequestSchema.safeParse(guarded.body);
      if (!parsed.success) return spError('recommendations', 400, '400', z.prettifyError(parsed.error));
      const asins = parsed.data.products.map((p) => p.asin);
      const campaign = campaignsOf(state, guarded.profile).find((c) => c.asins.some((a) => asins.includes(a)));
      const key = campaign?.campaignId ?? asins.join(',');
      const recommendations: Record<string, unknown> = {};
      if (parsed.data.typeFilter.includes('AUDIENCE')) {
        // Two audiences per campaign, ranked; the same ones every day.
        const picked = [...SD_AUDIENCES].sort((a, b) => unitHash(seed, key, a.audience) - unitHash(seed, key, b.audience)).slice(0, 2);
        const categories = [...new Set(picked.map((a) => a.category))];
        recommendations.audiences = categories.map((category) => ({
          category,
          audiences: picked
            .filter((a) => a.category === category)
            .map((a) => ({ audience: a.audience, name: a.name, rank: picked.indexOf(a) + 1 })),
        }));
      }
      if (parsed.data.typeFilter.includes('PRODUCT')) {
        const competitor = `B0${unitHash(seed, key, 'competitor').toString(36).slice(2, 10).toUpperCase().padEnd(8, 'X')}`;
        recommendations.products = [{ products: [{ asin: competitor, rank: 1, advertisedAsins: asins.slice(0, 5) }] }];
      }
      const accept = (request.headers.get('accept') ?? '').toLowerCase();
      return json({ recommendations }, M.targeting.find((m) => m === accept) ?? M.targeting[0]);
    }),

    http.post('*/sd/recommendations/creative/headline', async ({ request }) => {
      const guarded = await guardWithBody(state, request, 'recommendations', {
        accept: [M.headlineResponse],
        contentType: [M.headlineRequest],
      });
      if (guarded instanceof Response) return guarded;
      const parsed = HeadlineRequestSchema.safeParse(guarded.body);
      if (!parsed.success) return spError('recommendations', 400, '400', z.prettifyError(parsed.error));
      const asins = parsed.data.asins;
      const campaign = campaignsOf(state, guarded.profile).find((c) => c.asins.some((a) => asins.includes(a)));
      const { brand, noun } = brandAndNoun(campaign?.name ?? guarded.profile.advertiser.brand);
      return json(
        { requestId: `sdhlreq-${asins.join('-')}`, recommendations: headlinesOf(brand, noun, parsed.data.maxNumRecommendations ?? 3) },
        M.headlineResponse,
      );
    }),
  ];
}
