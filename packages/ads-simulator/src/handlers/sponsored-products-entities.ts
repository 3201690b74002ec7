/**
 * Sponsored Products v3 campaign management over the world: the `/list` endpoints (id, state and parent filters,
 * `maxResults` / `nextToken` paging) that clients read names and current values from, and the writes an apply path
 * makes (`PUT /sp/campaigns|keywords|targets`, `POST /sp/keywords|targets`). Writes take at most 1000 items, answer
 * 207 Multi-Status with per-index success and error lists (facts.md §6), check the marketplace's bid and budget
 * limits, refuse archived entities and archived parents, change the world and append one ledger entry per changed
 * entity. Each item is validated and applied on its own, as the real API does: one bad item never fails the batch.
 */
import { HttpResponse, http } from 'msw';
import { z } from 'zod';
import { AUTO_PREDICATES, limitsOf } from '../data/sp-recommendations.ts';
import type { AdGroup, Campaign, EntityState, Keyword, ProductTarget, Profile } from '../data/world.ts';
import { takeItemError } from '../faults.ts';
import type { SimulatorState } from '../state.ts';
import { decodeToken, encodeToken, guardSp, readJson, spError } from './sponsored-products-http.ts';

export const SP_MEDIA_TYPES = {
  campaign: 'application/vnd.spCampaign.v3+json',
  adGroup: 'application/vnd.spAdGroup.v3+json',
  keyword: 'application/vnd.spKeyword.v3+json',
  target: 'application/vnd.spTargetingClause.v3+json',
  productAd: 'application/vnd.spProductAd.v3+json',
} as const;

/** "Defaults to max page size for given API" (spec); the simulator's max page size. */
const MAX_PAGE_SIZE = 5000;
const MAX_BATCH = 1000;

const ENTITY_STATES = ['ARCHIVED', 'ENABLED', 'ENABLING', 'OTHER', 'PAUSED', 'PROPOSED', 'USER_DELETED'] as const;
const IdFilterSchema = z.object({ include: z.array(z.string()).max(MAX_BATCH) });
const ListRequestSchema = z.looseObject({
  campaignIdFilter: IdFilterSchema.optional(),
  adGroupIdFilter: IdFilterSchema.optional(),
  keywordIdFilter: IdFilterSchema.optional(),
  targetIdFilter: IdFilterSchema.optional(),
  adIdFilter: IdFilterSchema.optional(),
  stateFilter: z.object({ include: z.array(z.enum(ENTITY_STATES)).max(10) }).optional(),
  maxResults: z.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
  nextToken: z.string().optional(),
  includeExtendedDataFields: z.boolean().optional(),
});
type ListRequest = z.infer<typeof ListRequestSchema>;

// ---- entity → published shape -------------------------------------------------------------------------------

/** A manual target keeps its expression as the JSON of the published `expression` array; an auto one its group. */
function expressionOf(target: ProductTarget): { type: string; value?: string }[] {
  if (target.expressionType === 'AUTO') return [{ type: AUTO_PREDICATES[target.expression] ?? 'OTHER' }];
  try {
    return JSON.parse(target.expression) as { type: string; value?: string }[];
  } catch {
    return [{ type: 'ASIN_SAME_AS', value: target.expression }];
  }
}

export function campaignToApi(state: SimulatorState, campaign: Campaign) {
  const restOfSearch = state.sp.placementRestOfSearch.get(campaign.campaignId) ?? 0;
  return {
    campaignId: campaign.campaignId,
    name: campaign.name,
    state: campaign.state,
    targetingType: campaign.targetingType,
    startDate: campaign.startDate,
    ...(campaign.portfolioId ? { portfolioId: campaign.portfolioId } : {}),
    budget: { budget: campaign.dailyBudget, budgetType: 'DAILY', effectiveBudget: campaign.dailyBudget },
    dynamicBidding: {
      strategy: campaign.biddingStrategy,
      placementBidding: [
        { placement: 'PLACEMENT_TOP', percentage: campaign.placementTop },
        { placement: 'PLACEMENT_PRODUCT_PAGE', percentage: campaign.placementProductPage },
        { placement: 'PLACEMENT_REST_OF_SEARCH', percentage: restOfSearch },
      ].filter((p) => p.percentage > 0),
    },
  };
}

export function adGroupToApi(adGroup: AdGroup) {
  return {
    adGroupId: adGroup.adGroupId,
    campaignId: adGroup.campaignId,
    name: adGroup.name,
    state: adGroup.state,
    defaultBid: adGroup.defaultBid,
  };
}

export function keywordToApi(keyword: Keyword) {
  return {
    keywordId: keyword.keywordId,
    adGroupId: keyword.adGroupId,
    campaignId: keyword.campaignId,
    keywordText: keyword.keywordText,
    matchType: keyword.matchType,
    state: keyword.state,
    bid: keyword.bid,
  };
}

export function targetToApi(target: ProductTarget) {
  const expression = expressionOf(target);
  return {
    targetId: target.targetId,
    adGroupId: target.adGroupId,
    campaignId: target.campaignId,
    expressionType: target.expressionType,
    expression,
    resolvedExpression: expression,
    state: target.state,
    bid: target.bid,
  };
}

/** Product ads are implied by each ad group's ASINs; their ids derive from the ad group's. */
function productAdsOf(adGroup: AdGroup, campaign: Campaign) {
  return adGroup.asins.map((asin, index) => ({
    adId: `${adGroup.adGroupId}${String(index).padStart(2, '0')}`,
    adGroupId: adGroup.adGroupId,
    campaignId: adGroup.campaignId,
    asin,
    sku: `SKU-${asin}`,
    state: campaign.state === 'ARCHIVED' ? 'ARCHIVED' : adGroup.state,
  }));
}

// ---- the world seen from one profile ------------------------------------------------------------------------

interface ProfileView {
  campaigns: Map<string, Campaign>;
  adGroups: Map<string, AdGroup>;
}

function viewOf(state: SimulatorState, profile: Profile): ProfileView {
  const campaigns = new Map(state.world.campaigns.filter((c) => c.profileId === profile.profileId).map((c) => [c.campaignId, c]));
  const adGroups = new Map(state.world.adGroups.filter((g) => campaigns.has(g.campaignId)).map((g) => [g.adGroupId, g]));
  return { campaigns, adGroups };
}

function listResponse(
  request: ListRequest,
  key: string,
  all: { entity: Record<string, unknown>; ids: Record<string, string>; state: string }[],
  mediaType: string,
) {
  const filters: [keyof ListRequest, string][] = [
    ['campaignIdFilter', 'campaignId'],
    ['adGroupIdFilter', 'adGroupId'],
    ['keywordIdFilter', 'keywordId'],
    ['targetIdFilter', 'targetId'],
    ['adIdFilter', 'adId'],
  ];
  let matching = all;
  for (const [filter, field] of filters) {
    const include = (request[filter] as { include: string[] } | undefined)?.include;
    if (include) {
      const wanted = new Set(include);
      matching = matching.filter((item) => wanted.has(item.ids[field] ?? ''));
    }
  }
  const states = request.stateFilter?.include;
  if (states) matching = matching.filter((item) => (states as string[]).includes(item.state));
  const offset = decodeToken(request.nextToken);
  if (offset === null) return spError('crud', 400, 'INVALID_ARGUMENT', 'nextToken is invalid or expired');
  const size = request.maxResults ?? MAX_PAGE_SIZE;
  const page = matching.slice(offset, offset + size);
  return HttpResponse.json(
    {
      [key]: page.map((item) => item.entity),
      totalResults: matching.length,
      ...(offset + size < matching.length ? { nextToken: encodeToken(offset + size) } : {}),
    },
    { headers: { 'content-type': mediaType } },
  );
}

function listHandler(
  state: SimulatorState,
  path: string,
  mediaType: string,
  key: string,
  rows: (view: ProfileView) => { entity: Record<string, unknown>; ids: Record<string, string>; state: string }[],
) {
  return http.post(`*${path}`, async ({ request }) => {
    const profile = guardSp(state, request, 'crud', { accept: [mediaType], contentType: [mediaType] });
    if (profile instanceof Response) return profile;
    const read = await readJson(request);
    const parsed = ListRequestSchema.safeParse(read.ok ? (read.body ?? {}) : undefined);
    if (!parsed.success) return spError('crud', 400, 'INVALID_ARGUMENT', `Invalid request body: ${z.prettifyError(parsed.error)}`);
    return listResponse(parsed.data, key, rows(viewOf(state, profile)), mediaType);
  });
}

// ---- writes -------------------------------------------------------------------------------------------------

interface ItemError {
  errorType: string;
  errorValue: Record<string, Record<string, unknown>>;
}

function itemError(kind: string, reason: string, message: string, location: string, extra: Record<string, unknown> = {}): ItemError {
  return { errorType: kind, errorValue: { [kind]: { reason, message, cause: { location }, ...extra } } };
}

function entityStateBlock(
  entityType: string,
  entity: { state: EntityState },
  parents: { state: EntityState }[],
  location: string,
): ItemError | null {
  if (entity.state === 'ARCHIVED') {
    return itemError(
      'entityStateError',
      'ARCHIVED_ENTITY_CANNOT_BE_MODIFIED',
      `An archived ${entityType.toLowerCase()} cannot be modified`,
      location,
      {
        entityType,
      },
    );
  }
  if (parents.some((p) => p.state === 'ARCHIVED')) {
    return itemError('entityStateError', 'PARENT_ARCHIVED_FORBIDS_UPDATES', 'The parent campaign or ad group is archived', location, {
      entityType,
    });
  }
  return null;
}

function bidError(bid: number, marketplace: string, location: string, budget: number | null): ItemError | null {
  const [min, max] = limitsOf(marketplace).bid;
  if (!Number.isFinite(bid) || bid < min || bid > max) {
    return itemError('biddingError', 'BID_OUT_OF_MARKET_PLACE_RANGE', `Bid must be between ${min} and ${max} in ${marketplace}`, location, {
      lowerLimit: String(min),
      upperLimit: String(max),
      marketplace,
    });
  }
  if (budget !== null && bid > budget) {
    return itemError('biddingError', 'BID_GT_BUDGET', `Bid ${bid} is greater than the campaign's daily budget ${budget}`, location, {
      marketplace,
    });
  }
  return null;
}

const UpdatableStateSchema = z.enum(['ENABLED', 'PAUSED', 'PROPOSED']);

/** Runs each item of a write through `apply`, collecting 207 success and error lists by request index. */
async function multiStatus<T>(
  state: SimulatorState,
  request: Request,
  options: {
    mediaType: string;
    key: string;
    itemSchema: z.ZodType<T>;
    apply: (
      item: T,
      index: number,
      profile: Profile,
      view: ProfileView,
    ) => { ok: true; id: string; entity: () => unknown; idField: string; entityField: string } | { ok: false; errors: ItemError[] };
  },
): Promise<Response> {
  const profile = guardSp(state, request, 'crud', { accept: [options.mediaType], contentType: [options.mediaType] });
  if (profile instanceof Response) return profile;
  const read = await readJson(request);
  const body = read.ok ? (read.body as Record<string, unknown> | null) : null;
  const items = body?.[options.key];
  if (!Array.isArray(items)) return spError('crud', 400, 'INVALID_ARGUMENT', `The body must be {"${options.key}": [...]}`);
  if (items.length === 0 || items.length > MAX_BATCH) {
    return spError('crud', 400, 'INVALID_ARGUMENT', `${options.key} must hold 1 to ${MAX_BATCH} items, got ${items.length}`);
  }
  const view = viewOf(state, profile);
  const representation = /return=representation/i.test(request.headers.get('prefer') ?? '');
  const success: Record<string, unknown>[] = [];
  const error: { index: number; errors: ItemError[] }[] = [];
  items.forEach((raw, index) => {
    const parsed = options.itemSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const location = `$.${options.key}[${index}]${issue?.path.length ? `.${issue.path.join('.')}` : ''}`;
      const missing = issue?.code === 'invalid_type' && issue.message.includes('undefined');
      error.push({
        index,
        errors: [
          missing
            ? itemError('missingValueError', 'MISSING_VALUE', `${issue?.path.join('.')} is required`, location)
            : itemError('malformedValueError', 'PATTERN_NOT_MATCHED', issue?.message ?? 'malformed value', location),
        ],
      });
      return;
    }
    if (takeItemError(state, new URL(request.url).pathname)) {
      const location = `$.${options.key}[${index}]`;
      error.push({
        index,
        errors: [itemError('otherError', 'INTERNAL_ERROR', 'Simulated failure of this item; nothing was changed.', location)],
      });
      return;
    }
    const result = options.apply(parsed.data, index, profile, view);
    if (result.ok) {
      success.push({ index, [result.idField]: result.id, ...(representation ? { [result.entityField]: result.entity() } : {}) });
    } else {
      error.push({ index, errors: result.errors });
    }
  });
  return HttpResponse.json(
    { [options.key]: { success, error } },
    {
      status: 207,
      headers: { 'content-type': options.mediaType, ...(representation ? { 'preference-applied': 'return=representation' } : {}) },
    },
  );
}

function record(state: SimulatorState, api: string, key: string, before: unknown, after: unknown) {
  state.ledger.push({ at: state.clock.now().toISOString(), api, key, body: { before, after } });
}

function nextEntityId(state: SimulatorState): string {
  const ids = [...state.world.keywords.map((k) => k.keywordId), ...state.world.targets.map((t) => t.targetId)];
  const max = ids.reduce((m, id) => (/^\d+$/.test(id) && BigInt(id) > m ? BigInt(id) : m), 0n);
  return String(max + 1n);
}

const UpdateCampaignSchema = z.looseObject({
  campaignId: z.string(),
  name: z.string().min(1).max(128).optional(),
  state: UpdatableStateSchema.optional(),
  budget: z.object({ budget: z.number(), budgetType: z.enum(['DAILY']) }).optional(),
  dynamicBidding: z
    .object({
      strategy: z.enum(['AUTO_FOR_SALES', 'LEGACY_FOR_SALES', 'MANUAL', 'RULE_BASED']),
      placementBidding: z
        .array(
          z.object({
            placement: z.enum(['PLACEMENT_PRODUCT_PAGE', 'PLACEMENT_REST_OF_SEARCH', 'PLACEMENT_TOP', 'SITE_AMAZON_BUSINESS']),
            percentage: z.number().int().min(0).max(900),
          }),
        )
        .optional(),
    })
    .optional(),
  endDate: z.string().nullable().optional(),
  portfolioId: z.string().optional(),
});

const UpdateKeywordSchema = z.looseObject({ keywordId: z.string(), bid: z.number().optional(), state: UpdatableStateSchema.optional() });
const UpdateTargetSchema = z.looseObject({ targetId: z.string(), bid: z.number().optional(), state: UpdatableStateSchema.optional() });
const CreateKeywordSchema = z.looseObject({
  campaignId: z.string(),
  adGroupId: z.string(),
  keywordText: z.string().min(1).max(80),
  matchType: z.enum(['BROAD', 'EXACT', 'PHRASE']),
  state: UpdatableStateSchema,
  bid: z.number().optional(),
});
const CreateTargetSchema = z.looseObject({
  campaignId: z.string(),
  adGroupId: z.string(),
  expressionType: z.enum(['MANUAL']),
  expression: z.array(z.object({ type: z.string(), value: z.string().optional() })).min(1),
  state: UpdatableStateSchema,
  bid: z.number().optional(),
});

/** The simulated world knows ENABLED, PAUSED and ARCHIVED; PROPOSED belongs to a draft flow it does not model. */
function stateError(next: string | undefined, location: string, entityType: string): ItemError | null {
  return next === 'PROPOSED'
    ? itemError('entityStateError', 'INVALID_TARGET_STATE', 'PROPOSED is not a state this account can move to', location, { entityType })
    : null;
}

function maxBidIn(state: SimulatorState, campaignId: string): number {
  let max = 0;
  for (const k of state.world.keywords) if (k.campaignId === campaignId && k.state === 'ENABLED') max = Math.max(max, k.bid);
  for (const t of state.world.targets) if (t.campaignId === campaignId && t.state === 'ENABLED') max = Math.max(max, t.bid);
  return max;
}

export function sponsoredProductsEntityHandlers(state: SimulatorState) {
  const M = SP_MEDIA_TYPES;
  return [
    listHandler(state, '/sp/campaigns/list', M.campaign, 'campaigns', (view) =>
      [...view.campaigns.values()].map((c) => ({
        entity: campaignToApi(state, c),
        ids: { campaignId: c.campaignId },
        state: c.state,
      })),
    ),
    listHandler(state, '/sp/adGroups/list', M.adGroup, 'adGroups', (view) =>
      [...view.adGroups.values()].map((g) => ({
        entity: adGroupToApi(g),
        ids: { campaignId: g.campaignId, adGroupId: g.adGroupId },
        state: g.state,
      })),
    ),
    listHandler(state, '/sp/keywords/list', M.keyword, 'keywords', (view) =>
      state.world.keywords
        .filter((k) => view.campaigns.has(k.campaignId))
        .map((k) => ({
          entity: keywordToApi(k),
          ids: { campaignId: k.campaignId, adGroupId: k.adGroupId, keywordId: k.keywordId },
          state: k.state,
        })),
    ),
    listHandler(state, '/sp/targets/list', M.target, 'targetingClauses', (view) =>
      state.world.targets
        .filter((t) => view.campaigns.has(t.campaignId))
        .map((t) => ({
          entity: targetToApi(t),
          ids: { campaignId: t.campaignId, adGroupId: t.adGroupId, targetId: t.targetId },
          state: t.state,
        })),
    ),
    listHandler(state, '/sp/productAds/list', M.productAd, 'productAds', (view) =>
      [...view.adGroups.values()].flatMap((g) => {
        const campaign = view.campaigns.get(g.campaignId);
        return campaign
          ? productAdsOf(g, campaign).map((ad) => ({
              entity: ad,
              ids: { campaignId: ad.campaignId, adGroupId: ad.adGroupId, adId: ad.adId },
              state: ad.state,
            }))
          : [];
      }),
    ),

    http.put('*/sp/campaigns', ({ request }) =>
      multiStatus(state, request, {
        mediaType: M.campaign,
        key: 'campaigns',
        itemSchema: UpdateCampaignSchema,
        apply: (item, index, profile, view) => {
          const at = `$.campaigns[${index}]`;
          const campaign = view.campaigns.get(item.campaignId);
          if (!campaign) {
            return {
              ok: false,
              errors: [
                itemError('entityNotFoundError', 'ENTITY_NOT_FOUND', `Campaign ${item.campaignId} not found`, `${at}.campaignId`, {
                  entityType: 'CAMPAIGN',
                  entityId: item.campaignId,
                }),
              ],
            };
          }
          const errors: ItemError[] = [];
          const blocked = entityStateBlock('CAMPAIGN', campaign, [], at);
          if (blocked) return { ok: false, errors: [blocked] };
          const badState = stateError(item.state, `${at}.state`, 'CAMPAIGN');
          if (badState) errors.push(badState);
          if (item.budget) {
            const [min, max] = limitsOf(profile.marketplace.code).budget;
            const budget = item.budget.budget;
            if (budget < min || budget > max) {
              errors.push(
                itemError(
                  'budgetError',
                  'BUDGET_OUT_OF_MARKET_PLACE_RANGE',
                  `Daily budget must be between ${min} and ${max} in ${profile.marketplace.code}`,
                  `${at}.budget.budget`,
                  { lowerLimit: String(min), upperLimit: String(max) },
                ),
              );
            } else if (budget < maxBidIn(state, campaign.campaignId)) {
              errors.push(
                itemError(
                  'budgetError',
                  'BUDGET_LT_KEYWORD_BIDS',
                  'Daily budget is lower than a keyword or target bid',
                  `${at}.budget.budget`,
                ),
              );
            }
          }
          if (errors.length > 0) return { ok: false, errors };
          const before = campaignToApi(state, campaign);
          if (item.name !== undefined) campaign.name = item.name;
          if (item.state === 'ENABLED' || item.state === 'PAUSED') campaign.state = item.state;
          if (item.budget) campaign.dailyBudget = item.budget.budget;
          if (item.portfolioId !== undefined) campaign.portfolioId = item.portfolioId;
          if (item.dynamicBidding) {
            // The world models the three documented strategies; RULE_BASED is accepted and kept as MANUAL bidding.
            const strategy = item.dynamicBidding.strategy;
            campaign.biddingStrategy = strategy === 'RULE_BASED' ? 'MANUAL' : strategy;
            for (const placement of item.dynamicBidding.placementBidding ?? []) {
              if (placement.placement === 'PLACEMENT_TOP') campaign.placementTop = placement.percentage;
              if (placement.placement === 'PLACEMENT_PRODUCT_PAGE') campaign.placementProductPage = placement.percentage;
              if (placement.placement === 'PLACEMENT_REST_OF_SEARCH') {
                state.sp.placementRestOfSearch.set(campaign.campaignId, placement.percentage);
              }
            }
          }
          const after = campaignToApi(state, campaign);
          record(state, 'PUT /sp/campaigns', `campaign:${campaign.campaignId}`, before, after);
          return { ok: true, id: campaign.campaignId, idField: 'campaignId', entityField: 'campaign', entity: () => after };
        },
      }),
    ),

    http.put('*/sp/keywords', ({ request }) =>
      multiStatus(state, request, {
        mediaType: M.keyword,
        key: 'keywords',
        itemSchema: UpdateKeywordSchema,
        apply: (item, index, profile, view) => {
          const at = `$.keywords[${index}]`;
          const keyword = state.world.keywords.find((k) => k.keywordId === item.keywordId && view.campaigns.has(k.campaignId));
          if (!keyword) {
            return {
              ok: false,
              errors: [
                itemError('entityNotFoundError', 'ENTITY_NOT_FOUND', `Keyword ${item.keywordId} not found`, `${at}.keywordId`, {
                  entityType: 'KEYWORD',
                  entityId: item.keywordId,
                }),
              ],
            };
          }
          const campaign = view.campaigns.get(keyword.campaignId) as Campaign;
          const adGroup = view.adGroups.get(keyword.adGroupId);
          const blocked = entityStateBlock('KEYWORD', keyword, [campaign, ...(adGroup ? [adGroup] : [])], at);
          if (blocked) return { ok: false, errors: [blocked] };
          const errors = [
            stateError(item.state, `${at}.state`, 'KEYWORD'),
            item.bid === undefined ? null : bidError(item.bid, profile.marketplace.code, `${at}.bid`, campaign.dailyBudget),
          ].filter((e): e is ItemError => e !== null);
          if (errors.length > 0) return { ok: false, errors };
          const before = keywordToApi(keyword);
          if (item.bid !== undefined) keyword.bid = item.bid;
          if (item.state === 'ENABLED' || item.state === 'PAUSED') keyword.state = item.state;
          const after = keywordToApi(keyword);
          record(state, 'PUT /sp/keywords', `keyword:${keyword.keywordId}`, before, after);
          return { ok: true, id: keyword.keywordId, idField: 'keywordId', entityField: 'keyword', entity: () => after };
        },
      }),
    ),

    http.put('*/sp/targets', ({ request }) =>
      multiStatus(state, request, {
        mediaType: M.target,
        key: 'targetingClauses',
        itemSchema: UpdateTargetSchema,
        apply: (item, index, profile, view) => {
          const at = `$.targetingClauses[${index}]`;
          const target = state.world.targets.find((t) => t.targetId === item.targetId && view.campaigns.has(t.campaignId));
          if (!target) {
            return {
              ok: false,
              errors: [
                itemError('entityNotFoundError', 'ENTITY_NOT_FOUND', `Target ${item.targetId} not found`, `${at}.targetId`, {
                  entityType: 'TARGETING_CLAUSE',
                  entityId: item.targetId,
                }),
              ],
            };
          }
          const campaign = view.campaigns.get(target.campaignId) as Campaign;
          const adGroup = view.adGroups.get(target.adGroupId);
          const blocked = entityStateBlock('TARGETING_CLAUSE', target, [campaign, ...(adGroup ? [adGroup] : [])], at);
          if (blocked) return { ok: false, errors: [blocked] };
          const errors = [
            stateError(item.state, `${at}.state`, 'TARGETING_CLAUSE'),
            item.bid === undefined ? null : bidError(item.bid, profile.marketplace.code, `${at}.bid`, campaign.dailyBudget),
          ].filter((e): e is ItemError => e !== null);
          if (errors.length > 0) return { ok: false, errors };
          const before = targetToApi(target);
          if (item.bid !== undefined) target.bid = item.bid;
          if (item.state === 'ENABLED' || item.state === 'PAUSED') target.state = item.state;
          const after = targetToApi(target);
          record(state, 'PUT /sp/targets', `target:${target.targetId}`, before, after);
          return { ok: true, id: target.targetId, idField: 'targetId', entityField: 'targetingClause', entity: () => after };
        },
      }),
    ),

    http.post('*/sp/keywords', ({ request }) =>
      multiStatus(state, request, {
        mediaType: M.keyword,
        key: 'keywords',
        itemSchema: CreateKeywordSchema,
        apply: (item, index, profile, view) => {
          const at = `$.keywords[${index}]`;
          const adGroup = view.adGroups.get(item.adGroupId);
          const campaign = view.campaigns.get(item.campaignId);
          if (!adGroup || !campaign || adGroup.campaignId !== campaign.campaignId) {
            return {
              ok: false,
              errors: [itemError('parentEntityError', 'PARENT_ENTITY_NOT_FOUND', 'Campaign or ad group not found', `${at}.adGroupId`)],
            };
          }
          if (campaign.state === 'ARCHIVED' || adGroup.state === 'ARCHIVED') {
            return {
              ok: false,
              errors: [itemError('parentEntityError', 'PARENT_ENTITY_ARCHIVED', 'The campaign or ad group is archived', `${at}.adGroupId`)],
            };
          }
          const text = item.keywordText.trim();
          const duplicate = state.world.keywords.some(
            (k) =>
              k.adGroupId === adGroup.adGroupId &&
              k.matchType === item.matchType &&
              k.state !== 'ARCHIVED' &&
              k.keywordText.toLowerCase() === text.toLowerCase(),
          );
          if (duplicate) {
            return {
              ok: false,
              errors: [
                itemError('duplicateValueError', 'DUPLICATE_VALUE', 'The ad group already targets this keyword', `${at}.keywordText`),
              ],
            };
          }
          const bid = item.bid ?? adGroup.defaultBid;
          const errors = [
            stateError(item.state, `${at}.state`, 'KEYWORD'),
            bidError(bid, profile.marketplace.code, `${at}.bid`, campaign.dailyBudget),
          ].filter((e): e is ItemError => e !== null);
          if (errors.length > 0) return { ok: false, errors };
          const keyword: Keyword = {
            keywordId: nextEntityId(state),
            adGroupId: adGroup.adGroupId,
            campaignId: campaign.campaignId,
            keywordText: text,
            matchType: item.matchType,
            state: item.state === 'PAUSED' ? 'PAUSED' : 'ENABLED',
            bid,
          };
          state.world.keywords.push(keyword);
          const after = keywordToApi(keyword);
          record(state, 'POST /sp/keywords', `keyword:${keyword.keywordId}`, null, after);
          return { ok: true, id: keyword.keywordId, idField: 'keywordId', entityField: 'keyword', entity: () => after };
        },
      }),
    ),

    http.post('*/sp/targets', ({ request }) =>
      multiStatus(state, request, {
        mediaType: M.target,
        key: 'targetingClauses',
        itemSchema: CreateTargetSchema,
        apply: (item, index, profile, view) => {
          const at = `$.targetingClauses[${index}]`;
          const adGroup = view.adGroups.get(item.adGroupId);
          const campaign = view.campaigns.get(item.campaignId);
          if (!adGroup || !campaign || adGroup.campaignId !== campaign.campaignId) {
            return {
              ok: false,
              errors: [itemError('parentEntityError', 'PARENT_ENTITY_NOT_FOUND', 'Campaign or ad group not found', `${at}.adGroupId`)],
            };
          }
          if (campaign.state === 'ARCHIVED' || adGroup.state === 'ARCHIVED') {
            return {
              ok: false,
              errors: [itemError('parentEntityError', 'PARENT_ENTITY_ARCHIVED', 'The campaign or ad group is archived', `${at}.adGroupId`)],
            };
          }
          const expression = JSON.stringify(item.expression);
          const duplicate = state.world.targets.some(
            (t) =>
              t.adGroupId === adGroup.adGroupId && t.state !== 'ARCHIVED' && t.expressionType === 'MANUAL' && t.expression === expression,
          );
          if (duplicate) {
            return {
              ok: false,
              errors: [
                itemError('duplicateValueError', 'DUPLICATE_VALUE', 'The ad group already has this targeting clause', `${at}.expression`),
              ],
            };
          }
          const bid = item.bid ?? adGroup.defaultBid;
          const errors = [
            stateError(item.state, `${at}.state`, 'TARGETING_CLAUSE'),
            bidError(bid, profile.marketplace.code, `${at}.bid`, campaign.dailyBudget),
          ].filter((e): e is ItemError => e !== null);
          if (errors.length > 0) return { ok: false, errors };
          const target: ProductTarget = {
            targetId: nextEntityId(state),
            adGroupId: adGroup.adGroupId,
            campaignId: campaign.campaignId,
            expressionType: 'MANUAL',
            expression,
            state: item.state === 'PAUSED' ? 'PAUSED' : 'ENABLED',
            bid,
          };
          state.world.targets.push(target);
          const after = targetToApi(target);
          record(state, 'POST /sp/targets', `target:${target.targetId}`, null, after);
          return { ok: true, id: target.targetId, idField: 'targetId', entityField: 'targetingClause', entity: () => after };
        },
      }),
    ),
  ];
}
