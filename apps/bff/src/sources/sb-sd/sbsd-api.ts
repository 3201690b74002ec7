/**
 * The Sponsored Brands and Sponsored Display calls RecDesk makes, through the one Ads client, each with the media
 * types and limits its published document declares (shared/ads-api/specs: sponsored-brands-v4.json,
 * sponsored-brands-v3.yaml, sponsored-display-v3.yaml):
 * - SB v4 campaigns and ads: `POST /sb/v4/{campaigns,ads}/list` (≤10 ids per filter, ≤100 per page, `nextToken`),
 *   `PUT /sb/v4/campaigns` (≤10, 207 `{campaigns: {success, error}}`);
 * - SB v3 keywords: `GET /sb/keywords` (comma filters, int64 ids), `PUT /sb/keywords` (≤100, 207 array in order);
 * - SB recommendations: budgets (`/sb/campaigns/budgetRecommendations`, ≤100 ids, 207 `{success, error}`), keyword
 *   bids (`/sb/recommendations/bids`, ≤100 keywords of one campaign), headlines (≤3 ASINs, ≤10 suggestions);
 * - SD v3: campaigns, targets and product ads listed with `startIndex` / `count`, `PUT /sd/campaigns|targets` (207
 *   array in order); budgets (≤100 ids), target bids (≤100 clauses, one answer per clause by position), targeting
 *   (products and audiences for the advertised ASINs), headlines.
 * Items are validated one by one by the normaliser; only the envelopes are validated here.
 */
import { z } from 'zod';
import type { AdsClient } from '../../ads-client/ads-client.ts';
import type { AdsProfile } from '../../ads-client/profiles.ts';

export const SB_MEDIA = {
  campaigns: 'application/vnd.sbcampaignresource.v4+json',
  ads: 'application/vnd.sbadresource.v4+json',
  keywords: 'application/vnd.sbkeyword.v3.2+json',
  keywordResponse: 'application/vnd.sbkeywordresponse.v3+json',
  budget: 'application/vnd.sbbudgetrecommendation.v4+json',
  bids: 'application/vnd.sbbidsrecommendation.v3+json',
  keywordRecommendations: 'application/vnd.sbkeywordrecommendation.v3+json',
  json: 'application/json',
} as const;

export const SD_MEDIA = {
  json: 'application/json',
  budget: 'application/vnd.sdbudgetrecommendations.v3+json',
  bids: 'application/vnd.sdtargetingrecommendations.v3.3+json',
  targeting: 'application/vnd.sdtargetingrecommendations.v3.4+json',
  headlineRequest: 'application/vnd.sdheadlinerecommendationrequest.v4.0+json',
  headlineResponse: 'application/vnd.sdheadlinerecommendationresponse.v4.0+json',
} as const;

/** Published limits. */
export const LIMITS = {
  sbIdFilter: 10,
  sbPage: 100,
  sbCampaignUpdate: 10,
  sbKeywordUpdate: 100,
  budgetIds: 100,
  sbBidKeywords: 100,
  sbHeadlineAsins: 3,
  sdBidClauses: 100,
  sdUpdate: 100,
  v3Page: 100,
  headlineSuggestions: 3,
} as const;

// int64 ids arrive as numbers (SD, SB v3) or strings (SB v4): kept as strings.
const Id = z.union([z.string().min(1), z.number().int()]).transform(String);

export const SbCampaignSchema = z.looseObject({
  campaignId: Id,
  name: z.string(),
  state: z.string(),
  budget: z.number(),
  budgetType: z.string(),
  portfolioId: z.string().nullish(),
});
export type SbCampaign = z.infer<typeof SbCampaignSchema>;
export const SbAdSchema = z.looseObject({
  adId: Id,
  campaignId: Id,
  adGroupId: Id.optional(),
  state: z.string(),
  creative: z.looseObject({ asins: z.array(z.string()).optional(), headline: z.string().optional() }).optional(),
});
export type SbAd = z.infer<typeof SbAdSchema>;
export const SbKeywordSchema = z.looseObject({
  keywordId: Id,
  adGroupId: Id,
  campaignId: Id,
  keywordText: z.string(),
  matchType: z.string(),
  state: z.string(),
  bid: z.number().optional(),
});
export type SbKeyword = z.infer<typeof SbKeywordSchema>;

export const SdCampaignSchema = z.looseObject({
  campaignId: Id,
  name: z.string(),
  state: z.string(),
  budget: z.number(),
  tactic: z.string().optional(),
  costType: z.string().optional(),
  portfolioId: Id.nullish(),
});
export type SdCampaign = z.infer<typeof SdCampaignSchema>;
const SdExpressionSchema = z.array(z.looseObject({ type: z.string(), value: z.unknown().optional() }));
export const SdTargetSchema = z.looseObject({
  targetId: Id,
  adGroupId: Id,
  campaignId: Id,
  expressionType: z.string(),
  expression: SdExpressionSchema,
  state: z.string(),
  bid: z.number().optional(),
});
export type SdTarget = z.infer<typeof SdTargetSchema>;
export const SdProductAdSchema = z.looseObject({ adId: Id, adGroupId: Id, campaignId: Id, asin: z.string().optional(), state: z.string() });

const profileAuth = (profile: AdsProfile) => ({ kind: 'profile' as const, profileId: profile.profileId });

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

/** Items of a list that match a schema; the others are returned apart, for the caller to log or quarantine. */
function partition<T>(items: readonly unknown[], schema: z.ZodType<T>): { ok: T[]; bad: unknown[] } {
  const ok: T[] = [];
  const bad: unknown[] = [];
  for (const item of items) {
    const parsed = schema.safeParse(item);
    if (parsed.success) ok.push(parsed.data);
    else bad.push(item);
  }
  return { ok, bad };
}

// ---- Sponsored Brands ---------------------------------------------------------------------------------------------

const SbCampaignPageSchema = z.looseObject({ campaigns: z.array(z.unknown()), nextToken: z.string().nullish() });
const SbAdPageSchema = z.looseObject({ ads: z.array(z.unknown()), nextToken: z.string().nullish() });

/** Live SB campaigns (enabled, paused), or those named (≤10 ids per call, as the filter allows). */
export async function listSbCampaigns(
  client: AdsClient,
  profile: AdsProfile,
  options: { ids?: readonly string[]; signal?: AbortSignal } = {},
): Promise<SbCampaign[]> {
  const filters = options.ids ? chunks(options.ids, LIMITS.sbIdFilter).map((ids) => ({ campaignIdFilter: { include: ids } })) : [{}];
  const out: SbCampaign[] = [];
  for (const filter of filters) {
    let nextToken: string | undefined;
    do {
      const page = await client.requestJson(
        {
          region: profile.region,
          method: 'POST',
          path: '/sb/v4/campaigns/list',
          auth: profileAuth(profile),
          accept: SB_MEDIA.campaigns,
          contentType: SB_MEDIA.campaigns,
          body: {
            ...filter,
            ...(options.ids ? {} : { stateFilter: { include: ['ENABLED', 'PAUSED'] } }),
            maxResults: LIMITS.sbPage,
            ...(nextToken ? { nextToken } : {}),
          },
          endpoint: 'sbCampaigns.list',
          signal: options.signal,
        },
        SbCampaignPageSchema,
      );
      out.push(...partition(page.campaigns, SbCampaignSchema).ok);
      nextToken = page.nextToken ?? undefined;
    } while (nextToken);
  }
  return out;
}

/** The ads of SB campaigns (their ASINs and live headline), ≤10 campaign ids per call. */
export async function listSbAds(
  client: AdsClient,
  profile: AdsProfile,
  campaignIds: readonly string[],
  signal?: AbortSignal,
): Promise<SbAd[]> {
  const out: SbAd[] = [];
  for (const ids of chunks(campaignIds, LIMITS.sbIdFilter)) {
    let nextToken: string | undefined;
    do {
      const page = await client.requestJson(
        {
          region: profile.region,
          method: 'POST',
          path: '/sb/v4/ads/list',
          auth: profileAuth(profile),
          accept: SB_MEDIA.ads,
          contentType: SB_MEDIA.ads,
          body: { campaignIdFilter: { include: ids }, maxResults: LIMITS.sbPage, ...(nextToken ? { nextToken } : {}) },
          endpoint: 'sbAds.list',
          signal,
        },
        SbAdPageSchema,
      );
      out.push(...partition(page.ads, SbAdSchema).ok);
      nextToken = page.nextToken ?? undefined;
    } while (nextToken);
  }
  return out;
}

/** SB keywords of some campaigns, or the keywords named (`keywordIdFilter`), paged by `startIndex` / `count`. */
export async function listSbKeywords(
  client: AdsClient,
  profile: AdsProfile,
  filter: { campaignIds?: readonly string[]; keywordIds?: readonly string[] },
  signal?: AbortSignal,
): Promise<SbKeyword[]> {
  const out: SbKeyword[] = [];
  const groups = filter.keywordIds
    ? chunks(filter.keywordIds, 100).map((ids) => ({ keywordIdFilter: ids.join(',') }))
    : chunks(filter.campaignIds ?? [], 100).map((ids) => ({ campaignIdFilter: ids.join(',') }));
  for (const query of groups) {
    for (let startIndex = 0; ; startIndex += LIMITS.v3Page) {
      const page = await client.requestJson(
        {
          region: profile.region,
          method: 'GET',
          path: '/sb/keywords',
          query: { ...query, startIndex, count: LIMITS.v3Page },
          auth: profileAuth(profile),
          accept: SB_MEDIA.keywords,
          endpoint: 'sbKeywords.list',
          signal,
        },
        z.array(z.unknown()),
      );
      out.push(...partition(page, SbKeywordSchema).ok);
      if (page.length < LIMITS.v3Page) break;
    }
  }
  return out;
}

const SbBudgetResponseSchema = z.looseObject({ success: z.array(z.unknown()), error: z.array(z.unknown()) });

export async function getSbBudgetRecommendations(
  client: AdsClient,
  profile: AdsProfile,
  campaignIds: readonly string[],
  signal?: AbortSignal,
) {
  if (campaignIds.length === 0 || campaignIds.length > LIMITS.budgetIds)
    throw new RangeError(`SB budgetRecommendations takes 1 to 100 ids`);
  return client.requestJson(
    {
      region: profile.region,
      method: 'POST',
      path: '/sb/campaigns/budgetRecommendations',
      auth: profileAuth(profile),
      accept: SB_MEDIA.budget,
      contentType: SB_MEDIA.budget,
      body: { campaignIds },
      endpoint: 'sbBudgetRecommendations.get',
      signal,
    },
    SbBudgetResponseSchema,
  );
}

const SbBidsResponseSchema = z.looseObject({
  keywordsBidsRecommendationSuccessResults: z.array(z.unknown()).optional(),
  keywordsBidsRecommendationErrorResults: z.array(z.unknown()).optional(),
});

/** Bid recommendations for ≤100 keywords of one SB campaign (the v3 request names them by text and match type). */
export async function getSbBidRecommendations(
  client: AdsClient,
  profile: AdsProfile,
  campaignId: string,
  keywords: readonly { keywordText: string; matchType: string }[],
  signal?: AbortSignal,
) {
  if (keywords.length === 0 || keywords.length > LIMITS.sbBidKeywords)
    throw new RangeError('SB bid recommendations take 1 to 100 keywords');
  return client.requestJson(
    {
      region: profile.region,
      method: 'POST',
      path: '/sb/recommendations/bids',
      auth: profileAuth(profile),
      accept: SB_MEDIA.bids,
      contentType: SB_MEDIA.json,
      body: {
        campaignId: /^\d+$/.test(campaignId) ? Number(campaignId) : campaignId,
        keywords: keywords.map((k) => ({ matchType: k.matchType.toLowerCase(), keywordText: k.keywordText })),
        adFormat: 'productCollection',
      },
      endpoint: 'sbBidRecommendations.get',
      signal,
    },
    SbBidsResponseSchema,
  );
}

/** New keyword suggestions for a campaign's advertised ASINs (≤100 ASINs). */
export async function getSbKeywordRecommendations(client: AdsClient, profile: AdsProfile, asins: readonly string[], signal?: AbortSignal) {
  return client.requestJson(
    {
      region: profile.region,
      method: 'POST',
      path: '/sb/recommendations/keyword',
      auth: profileAuth(profile),
      accept: SB_MEDIA.keywordRecommendations,
      contentType: SB_MEDIA.keywordRecommendations,
      body: { asins: asins.slice(0, 100), maxNumSuggestions: LIMITS.headlineSuggestions, creativeType: 'PRODUCT_COLLECTION' },
      endpoint: 'sbKeywordRecommendations.get',
      signal,
    },
    z.array(z.unknown()),
  );
}

const SbHeadlineResponseSchema = z.looseObject({ suggestions: z.array(z.unknown()).optional() });

export async function getSbHeadlines(client: AdsClient, profile: AdsProfile, asins: readonly string[], signal?: AbortSignal) {
  return client.requestJson(
    {
      region: profile.region,
      method: 'POST',
      path: '/sb/recommendations/creative/headline',
      auth: profileAuth(profile),
      accept: SB_MEDIA.json,
      contentType: SB_MEDIA.json,
      body: { asins: asins.slice(0, LIMITS.sbHeadlineAsins), maxNumSuggestions: LIMITS.headlineSuggestions, adFormat: 'SPONSORED_BRANDS' },
      endpoint: 'sbHeadlines.get',
      signal,
    },
    SbHeadlineResponseSchema,
  );
}

// ---- Sponsored Display --------------------------------------------------------------------------------------------

async function listSd<T>(
  client: AdsClient,
  profile: AdsProfile,
  path: string,
  query: Record<string, string>,
  schema: z.ZodType<T>,
  endpoint: string,
  signal?: AbortSignal,
): Promise<T[]> {
  const out: T[] = [];
  for (let startIndex = 0; ; startIndex += LIMITS.v3Page) {
    const page = await client.requestJson(
      {
        region: profile.region,
        method: 'GET',
        path,
        query: { ...query, startIndex, count: LIMITS.v3Page },
        auth: profileAuth(profile),
        accept: SD_MEDIA.json,
        endpoint,
        signal,
      },
      z.array(z.unknown()),
    );
    out.push(...partition(page, schema).ok);
    if (page.length < LIMITS.v3Page) break;
  }
  return out;
}

export function listSdCampaigns(client: AdsClient, profile: AdsProfile, options: { ids?: readonly string[]; signal?: AbortSignal } = {}) {
  const query: Record<string, string> = options.ids ? { campaignIdFilter: options.ids.join(',') } : { stateFilter: 'enabled,paused' };
  return listSd(client, profile, '/sd/campaigns', query, SdCampaignSchema, 'sdCampaigns.list', options.signal);
}

export function listSdTargets(
  client: AdsClient,
  profile: AdsProfile,
  filter: { campaignIds?: readonly string[]; targetIds?: readonly string[] },
  signal?: AbortSignal,
) {
  const query: Record<string, string> = filter.targetIds
    ? { targetIdFilter: filter.targetIds.join(',') }
    : { campaignIdFilter: (filter.campaignIds ?? []).join(','), stateFilter: 'enabled,paused' };
  return listSd(client, profile, '/sd/targets', query, SdTargetSchema, 'sdTargets.list', signal);
}

export function listSdProductAds(client: AdsClient, profile: AdsProfile, campaignIds: readonly string[], signal?: AbortSignal) {
  return listSd(
    client,
    profile,
    '/sd/productAds',
    { campaignIdFilter: campaignIds.join(',') },
    SdProductAdSchema,
    'sdProductAds.list',
    signal,
  );
}

const SdBudgetResponseSchema = z.looseObject({
  budgetRecommendationsSuccessResults: z.array(z.unknown()),
  budgetRecommendationsErrorResults: z.array(z.unknown()),
});

export async function getSdBudgetRecommendations(
  client: AdsClient,
  profile: AdsProfile,
  campaignIds: readonly string[],
  signal?: AbortSignal,
) {
  if (campaignIds.length === 0 || campaignIds.length > LIMITS.budgetIds)
    throw new RangeError(`SD budgetRecommendations takes 1 to 100 ids`);
  return client.requestJson(
    {
      region: profile.region,
      method: 'POST',
      path: '/sd/campaigns/budgetRecommendations',
      auth: profileAuth(profile),
      accept: SD_MEDIA.budget,
      contentType: SD_MEDIA.budget,
      body: { campaignIds },
      endpoint: 'sdBudgetRecommendations.get',
      signal,
    },
    SdBudgetResponseSchema,
  );
}

const SdBidsResponseSchema = z.looseObject({ bidRecommendations: z.array(z.unknown()) });

/** Bid recommendations for ≤100 targeting clauses advertising some ASINs: one answer per clause, by position. */
export async function getSdBidRecommendations(
  client: AdsClient,
  profile: AdsProfile,
  asins: readonly string[],
  clauses: readonly { expressionType: string; expression: unknown[] }[],
  costType: 'cpc' | 'vcpm',
  signal?: AbortSignal,
) {
  if (clauses.length === 0 || clauses.length > LIMITS.sdBidClauses) throw new RangeError('SD bid recommendations take 1 to 100 clauses');
  return client.requestJson(
    {
      region: profile.region,
      method: 'POST',
      path: '/sd/targets/bid/recommendations',
      auth: profileAuth(profile),
      accept: SD_MEDIA.bids,
      contentType: SD_MEDIA.bids,
      body: {
        products: asins.map((asin) => ({ asin })),
        bidOptimization: 'clicks',
        costType,
        targetingClauses: clauses.map((c) => ({ targetingClause: { expressionType: c.expressionType, expression: c.expression } })),
      },
      endpoint: 'sdBidRecommendations.get',
      signal,
    },
    SdBidsResponseSchema,
  );
}

const SdTargetingResponseSchema = z.looseObject({
  recommendations: z.looseObject({ products: z.array(z.unknown()).optional(), audiences: z.array(z.unknown()).optional() }),
});

export async function getSdTargetingRecommendations(
  client: AdsClient,
  profile: AdsProfile,
  tactic: string,
  asins: readonly string[],
  signal?: AbortSignal,
) {
  return client.requestJson(
    {
      region: profile.region,
      method: 'POST',
      path: '/sd/targets/recommendations',
      auth: profileAuth(profile),
      accept: SD_MEDIA.targeting,
      contentType: SD_MEDIA.targeting,
      body: {
        tactic: tactic === 'T00020' ? 'T00020' : 'T00030',
        products: asins.map((asin) => ({ asin })),
        typeFilter: ['PRODUCT', 'AUDIENCE'],
      },
      endpoint: 'sdTargetingRecommendations.get',
      signal,
    },
    SdTargetingResponseSchema,
  );
}

const SdHeadlineResponseSchema = z.looseObject({ recommendations: z.array(z.unknown()).optional() });

export async function getSdHeadlines(client: AdsClient, profile: AdsProfile, asins: readonly string[], signal?: AbortSignal) {
  return client.requestJson(
    {
      region: profile.region,
      method: 'POST',
      path: '/sd/recommendations/creative/headline',
      auth: profileAuth(profile),
      accept: SD_MEDIA.headlineResponse,
      contentType: SD_MEDIA.headlineRequest,
      body: { asins: asins.slice(0, 100), maxNumRecommendations: LIMITS.headlineSuggestions, adFormat: 'SPONSORED_DISPLAY' },
      endpoint: 'sdHeadlines.get',
      signal,
    },
    SdHeadlineResponseSchema,
  );
}
