/**
 * Sponsored Products recommendations, derived from the seeded world so that every run sees the same ones: the
 * consolidated recommendations per profile (`GET /sp/campaign/recommendations`), budget recommendations per campaign,
 * keyword and product targeting suggestions per ad group and ASIN. Theme-based bids are computed per request from
 * the same hash, since they answer for whatever expressions the caller names.
 *
 * Items are kept in the published response shapes (shared/ads-api/specs/sponsored-products-v3.json) and typed
 * `unknown`-friendly, so a test can push a malformed item or an unknown enum value and see what a client does.
 * `consolidatedActions` generates a dense set (every campaign gets every action it can, up to the count) for the
 * ingestion benchmark without changing the default data.
 */
import { createHash } from 'node:crypto';
import { budgetStanding } from '../performance/budget-standing.ts';
import type { AdGroup, Campaign, Keyword, Marketplace, ProductTarget, World } from './world.ts';

export interface SpRecommendationOptions {
  /** Dense mode: at least this many consolidated actions across the world (capped by what the world's campaigns can hold). */
  consolidatedActions?: number;
  now?: Date;
}

export interface KeywordTargetingRecommendation {
  action: string;
  adGroupId?: string;
  keywordId?: string;
  keywordText?: string;
  matchType?: string;
  suggestedBid?: number;
}

export interface TargetingGroupBidRecommendation {
  action: string;
  adGroupId?: string;
  targetId?: string;
  targetingGroupExpression?: string;
  suggestedBid?: number;
}

export interface PlacementBiddingRecommendation {
  action: string;
  placementType: string;
  suggestedBidAdjustment: number;
  incrementalImpressionsLowerPercent?: number;
  incrementalImpressionsUpperPercent?: number;
}

/** `CampaignRecommendation` of the published spec; every field optional there, as here. */
export interface CampaignRecommendation {
  campaignId?: string;
  budgetRecommendation?: { action: string; suggestedBudget: number };
  biddingStrategyRecommendation?: { action: string; suggestedBiddingStrategy: string };
  keywordTargetingRecommendations?: KeywordTargetingRecommendation[];
  targetingGroupBidRecommendations?: TargetingGroupBidRecommendation[];
  placementBiddingRecommendations?: PlacementBiddingRecommendation[];
  sevenDaysEstimatedOpportunities?: {
    startDate: string;
    endDate: string;
    estimatedIncrementalClicksLower: number;
    estimatedIncrementalClicksUpper: number;
  };
  [extra: string]: unknown;
}

/** `BudgetRecommendationForExistingCampaign` without its `index` (the position in the caller's request). */
export interface BudgetRecommendation {
  campaignId: string;
  suggestedBudget: number;
  sevenDaysMissedOpportunities: {
    startDate: string;
    endDate: string;
    percentTimeInBudget: number;
    estimatedMissedImpressionsLower: number;
    estimatedMissedImpressionsUpper: number;
    estimatedMissedClicksLower: number;
    estimatedMissedClicksUpper: number;
    estimatedMissedSalesLower: number;
    estimatedMissedSalesUpper: number;
  };
  budgetRuleRecommendation: { ruleId?: string; ruleName?: string; suggestedBudgetIncreasePercent?: number };
  [extra: string]: unknown;
}

export interface KeywordSuggestion {
  recId: string;
  keyword: string;
  matchType: 'BROAD' | 'EXACT' | 'PHRASE';
  rank: number;
  suggested: number;
  rangeStart: number;
  rangeEnd: number;
  searchTermImpressionShare: number;
  searchTermImpressionRank: number;
}

export interface ProductSuggestion {
  recommendedAsin: string;
  themes: string[];
}

export interface SpRecommendations {
  /** profileId → consolidated campaign recommendations, in page order. */
  consolidated: Map<number, CampaignRecommendation[]>;
  /** campaignId → its budget recommendation (a campaign that never ran out of budget gets today's budget back). */
  budgets: Map<string, BudgetRecommendation>;
  /** adGroupId → keyword suggestions (some already targeted, as the real API ranks the caller's own keywords too). */
  keywords: Map<string, KeywordSuggestion[]>;
  /** advertised ASIN → product targeting suggestions. */
  products: Map<string, ProductSuggestion[]>;
  /** Rest-of-search placement adjustments, which the world's campaigns do not carry (written by `PUT /sp/campaigns`). */
  placementRestOfSearch: Map<string, number>;
  /** The first day of the 7-day window every estimate covers, and the last. */
  window: { start: Date; end: Date };
}

/** Per-marketplace SP limits (facts.md §6). */
export const SP_LIMITS: Readonly<Record<string, { bid: [number, number]; budget: [number, number] }>> = {
  US: { bid: [0.02, 1000], budget: [1, 1_000_000] },
  CA: { bid: [0.02, 1000], budget: [1, 1_000_000] },
  UK: { bid: [0.02, 1000], budget: [1, 1_000_000] },
  DE: { bid: [0.02, 1000], budget: [1, 1_000_000] },
  FR: { bid: [0.02, 1000], budget: [1, 1_000_000] },
  ES: { bid: [0.02, 1000], budget: [1, 1_000_000] },
  IT: { bid: [0.02, 1000], budget: [1, 1_000_000] },
  JP: { bid: [2, 100_000], budget: [100, 21_000_000] },
  IN: { bid: [1, 5000], budget: [50, 21_000_000] },
};

export function limitsOf(marketplace: Marketplace | string) {
  return SP_LIMITS[marketplace] ?? { bid: [0.02, 1000] as [number, number], budget: [1, 1_000_000] as [number, number] };
}

/** A number in [0, 1) from the seed and the parts: stable whatever order things are generated in. */
export function unitHash(seed: number, ...parts: (string | number)[]): number {
  const digest = createHash('sha256')
    .update(`${seed}|${parts.join('|')}`)
    .digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function between(seed: number, min: number, max: number, ...parts: (string | number)[]): number {
  return min + unitHash(seed, ...parts) * (max - min);
}

function clampBid(bid: number, marketplace: string): number {
  const [min, max] = limitsOf(marketplace).bid;
  return round2(Math.min(max, Math.max(min, bid)));
}

/** The auto-targeting groups and the predicate each resolves to in `/sp/targets` (the spec's expression types). */
export const AUTO_PREDICATES: Readonly<Record<string, string>> = {
  CLOSE_MATCH: 'QUERY_HIGH_REL_MATCHES',
  LOOSE_MATCH: 'QUERY_BROAD_REL_MATCHES',
  SUBSTITUTES: 'ASIN_SUBSTITUTE_RELATED',
  COMPLEMENTS: 'ASIN_ACCESSORY_RELATED',
};

const KEYWORD_MODIFIERS = ['best', 'cheap', 'premium', 'for kids', 'large', 'portable', 'gift', 'set', 'replacement', 'stainless'];
const PRODUCT_THEMES = [
  'Top converting targets',
  'Similar items (frequently viewed together)',
  'Complements',
  'Similar items with low ratings and reviews',
];

function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

interface Lookup {
  marketplaceOf: Map<number, string>;
  adGroupsOf: Map<string, AdGroup[]>;
  keywordsOf: Map<string, Keyword[]>;
  targetsOf: Map<string, ProductTarget[]>;
}

function lookupOf(world: World): Lookup {
  const push = <T>(map: Map<string, T[]>, key: string, value: T) => {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  };
  const lookup: Lookup = {
    marketplaceOf: new Map(world.profiles.map((p) => [p.profileId, p.marketplace.code])),
    adGroupsOf: new Map(),
    keywordsOf: new Map(),
    targetsOf: new Map(),
  };
  for (const adGroup of world.adGroups) push(lookup.adGroupsOf, adGroup.campaignId, adGroup);
  for (const keyword of world.keywords) push(lookup.keywordsOf, keyword.campaignId, keyword);
  for (const target of world.targets) push(lookup.targetsOf, target.campaignId, target);
  return lookup;
}

function consolidatedFor(
  world: World,
  campaign: Campaign,
  lookup: Lookup,
  window: SpRecommendations['window'],
  dense: boolean,
): CampaignRecommendation | null {
  const s = world.seed;
  const id = campaign.campaignId;
  if (campaign.state === 'ARCHIVED') return null;
  if (!dense && unitHash(s, id, 'has-consolidated') > 0.8) return null;
  const marketplace = lookup.marketplaceOf.get(campaign.profileId) ?? 'US';
  const recommendation: CampaignRecommendation = { campaignId: id };

  const budgetRoll = unitHash(s, id, 'budget');
  if ((dense || budgetRoll < 0.65) && campaign.state === 'ENABLED') {
    // Raise what ran out of budget, lower what under-spends (budget-standing.ts): never the other way round.
    const standing = budgetStanding(world, campaign, window.end);
    const increase = standing.advice === 'raise';
    const decrease = standing.advice === 'lower';
    if (increase || decrease) {
      recommendation.budgetRecommendation = {
        action: increase ? 'INCREASE' : 'DECREASE',
        suggestedBudget: Math.max(limitsOf(marketplace).budget[0], increase ? standing.raiseTo : standing.lowerTo),
      };
    }
  }
  if (dense || (unitHash(s, id, 'strategy') < 0.3 && campaign.biddingStrategy !== 'AUTO_FOR_SALES')) {
    recommendation.biddingStrategyRecommendation = {
      action: 'UPDATE',
      suggestedBiddingStrategy: campaign.biddingStrategy === 'AUTO_FOR_SALES' ? 'LEGACY_FOR_SALES' : 'AUTO_FOR_SALES',
    };
  }

  const keywordRecs: KeywordTargetingRecommendation[] = [];
  for (const keyword of lookup.keywordsOf.get(id) ?? []) {
    if (keyword.state === 'ARCHIVED' || (!dense && unitHash(s, keyword.keywordId, 'bid') > 0.35)) continue;
    const up = unitHash(s, keyword.keywordId, 'bid-direction') < 0.7;
    keywordRecs.push({
      action: up ? 'INCREASE' : 'DECREASE',
      adGroupId: keyword.adGroupId,
      keywordId: keyword.keywordId,
      keywordText: keyword.keywordText,
      matchType: keyword.matchType,
      suggestedBid: clampBid(
        keyword.bid * (up ? between(s, 1.1, 1.6, keyword.keywordId) : between(s, 0.6, 0.9, keyword.keywordId)),
        marketplace,
      ),
    });
  }
  const adGroups = lookup.adGroupsOf.get(id) ?? [];
  if (campaign.targetingType === 'MANUAL') {
    // New keywords to add; in dense mode enough of them to fill the campaign's 50-item list.
    const wanted = dense ? 50 - keywordRecs.length : unitHash(s, id, 'add-keyword') < 0.5 ? 1 : 0;
    for (let n = 0; n < wanted && adGroups.length > 0; n++) {
      const adGroup = adGroups[n % adGroups.length] as AdGroup;
      const noun = adGroup.name.replace(/ (core|long tail)$/, '');
      // Distinct texts per campaign: a modifier per position, then numbered rounds of them.
      const offset = Math.floor(unitHash(s, id, 'modifier') * KEYWORD_MODIFIERS.length);
      const modifier = KEYWORD_MODIFIERS[(n + offset) % KEYWORD_MODIFIERS.length] ?? 'best';
      const round = Math.floor(n / KEYWORD_MODIFIERS.length);
      keywordRecs.push({
        action: 'ADD',
        adGroupId: adGroup.adGroupId,
        keywordText: round === 0 ? `${modifier} ${noun}` : `${modifier} ${noun} ${round + 1}`,
        matchType: (['EXACT', 'PHRASE', 'BROAD'] as const)[n % 3],
        suggestedBid: clampBid(adGroup.defaultBid * between(s, 0.9, 1.4, id, 'add-bid', n), marketplace),
      });
    }
  }
  if (keywordRecs.length > 0) recommendation.keywordTargetingRecommendations = keywordRecs.slice(0, 50);

  const targetRecs: TargetingGroupBidRecommendation[] = [];
  for (const target of lookup.targetsOf.get(id) ?? []) {
    if (target.expressionType !== 'AUTO' || target.state === 'ARCHIVED') continue;
    if (!dense && unitHash(s, target.targetId, 'bid') > 0.4) continue;
    const up = unitHash(s, target.targetId, 'bid-direction') < 0.6;
    targetRecs.push({
      action: up ? 'INCREASE' : 'DECREASE',
      adGroupId: target.adGroupId,
      targetId: target.targetId,
      targetingGroupExpression: target.expression,
      suggestedBid: clampBid(
        target.bid * (up ? between(s, 1.1, 1.5, target.targetId) : between(s, 0.6, 0.9, target.targetId)),
        marketplace,
      ),
    });
  }
  if (targetRecs.length > 0) recommendation.targetingGroupBidRecommendations = targetRecs;

  const placements: PlacementBiddingRecommendation[] = [];
  const current: Record<string, number> = {
    PLACEMENT_TOP: campaign.placementTop,
    PLACEMENT_PRODUCT_PAGE: campaign.placementProductPage,
    PLACEMENT_REST_OF_SEARCH: 0,
  };
  for (const placement of Object.keys(current)) {
    if (!dense && unitHash(s, id, placement) > 0.3) continue;
    const now = current[placement] ?? 0;
    const suggested = Math.min(900, now + 10 + Math.round(between(s, 0, 4, id, placement, 'step')) * 10);
    placements.push({
      action: now === 0 ? 'ADD' : 'INCREASE',
      placementType: placement,
      suggestedBidAdjustment: suggested,
      incrementalImpressionsLowerPercent: Math.round(between(s, 2, 10, id, placement, 'lower')),
      incrementalImpressionsUpperPercent: Math.round(between(s, 11, 30, id, placement, 'upper')),
    });
  }
  if (placements.length > 0) recommendation.placementBiddingRecommendations = placements;

  if (Object.keys(recommendation).length === 1) return null;
  const lower = Math.round(between(s, 5, 80, id, 'clicks'));
  recommendation.sevenDaysEstimatedOpportunities = {
    startDate: window.start.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    endDate: window.end.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    estimatedIncrementalClicksLower: lower,
    estimatedIncrementalClicksUpper: lower + Math.round(between(s, 10, 120, id, 'clicks-range')),
  };
  return recommendation;
}

export function countConsolidatedActions(recommendation: CampaignRecommendation): number {
  return (
    (recommendation.budgetRecommendation ? 1 : 0) +
    (recommendation.biddingStrategyRecommendation ? 1 : 0) +
    (recommendation.keywordTargetingRecommendations?.length ?? 0) +
    (recommendation.targetingGroupBidRecommendations?.length ?? 0) +
    (recommendation.placementBiddingRecommendations?.length ?? 0)
  );
}

function yyyymmdd(date: Date): string {
  return date.toISOString().slice(0, 10).replaceAll('-', '');
}

export function createSpRecommendations(world: World, options: SpRecommendationOptions = {}): SpRecommendations {
  const s = world.seed;
  const end = startOfUtcDay(options.now ?? new Date());
  const window = { start: new Date(end.getTime() - 7 * 86_400_000), end };
  const lookup = lookupOf(world);
  const dense = options.consolidatedActions !== undefined;
  let remaining = options.consolidatedActions ?? Number.POSITIVE_INFINITY;

  const consolidated = new Map<number, CampaignRecommendation[]>();
  for (const campaign of world.campaigns) {
    if (remaining <= 0) break;
    const recommendation = consolidatedFor(world, campaign, lookup, window, dense);
    if (!recommendation) continue;
    if (dense) {
      // Trim the last campaign's keyword list so the world holds exactly the requested number of actions.
      let excess = countConsolidatedActions(recommendation) - remaining;
      for (const list of [
        'keywordTargetingRecommendations',
        'targetingGroupBidRecommendations',
        'placementBiddingRecommendations',
      ] as const) {
        const items = recommendation[list];
        if (excess <= 0 || !items) continue;
        const keep = Math.max(0, items.length - excess);
        excess -= items.length - keep;
        items.length = keep;
      }
      remaining -= countConsolidatedActions(recommendation);
    }
    const list = consolidated.get(campaign.profileId) ?? [];
    list.push(recommendation);
    consolidated.set(campaign.profileId, list);
  }

  const budgets = new Map<string, BudgetRecommendation>();
  for (const campaign of world.campaigns) {
    const id = campaign.campaignId;
    // What the performance model delivered over the window: only a campaign that wants more than its budget and ran
    // out of it is told to raise it; the others get today's budget back (the API's "no change").
    const standing = budgetStanding(world, campaign, window.end);
    const outOfBudget = standing.advice === 'raise';
    const inBudget = outOfBudget ? standing.percentTimeInBudget : 1;
    const impressions = outOfBudget ? Math.round(between(s, 200, 4000, id, 'impressions')) : 0;
    const clicks = Math.round(impressions * between(s, 0.004, 0.02, id, 'ctr'));
    const sales = round2(clicks * between(s, 0.5, 4, id, 'sales'));
    const rule = outOfBudget && unitHash(s, id, 'rule') < 0.3;
    budgets.set(id, {
      campaignId: id,
      suggestedBudget: outOfBudget ? standing.raiseTo : campaign.dailyBudget,
      sevenDaysMissedOpportunities: {
        startDate: yyyymmdd(window.start),
        endDate: yyyymmdd(window.end),
        percentTimeInBudget: inBudget,
        estimatedMissedImpressionsLower: impressions,
        estimatedMissedImpressionsUpper: Math.round(impressions * 1.4),
        estimatedMissedClicksLower: clicks,
        estimatedMissedClicksUpper: Math.round(clicks * 1.4),
        estimatedMissedSalesLower: sales,
        estimatedMissedSalesUpper: round2(sales * 1.4),
      },
      budgetRuleRecommendation: rule ? { ruleId: `rule-${id}`, ruleName: 'Weekend sales boost', suggestedBudgetIncreasePercent: 20 } : {},
    });
  }

  const keywords = new Map<string, KeywordSuggestion[]>();
  const products = new Map<string, ProductSuggestion[]>();
  const campaignsById = new Map(world.campaigns.map((c) => [c.campaignId, c]));
  for (const adGroup of world.adGroups) {
    const campaign = campaignsById.get(adGroup.campaignId);
    const marketplace = campaign ? (lookup.marketplaceOf.get(campaign.profileId) ?? 'US') : 'US';
    const noun = adGroup.name.replace(/ (core|long tail)$/, '');
    const own = (lookup.keywordsOf.get(adGroup.campaignId) ?? []).filter((k) => k.adGroupId === adGroup.adGroupId);
    const suggestions: KeywordSuggestion[] = [];
    // The caller's own first keyword comes back ranked among the suggestions, as the real API does.
    const texts = [...own.slice(0, 1).map((k) => k.keywordText), ...KEYWORD_MODIFIERS.slice(0, 6).map((m) => `${m} ${noun}`)];
    texts.forEach((keyword, rank) => {
      const suggested = clampBid(adGroup.defaultBid * between(s, 0.8, 1.5, adGroup.adGroupId, keyword), marketplace);
      suggestions.push({
        recId: createHash('sha1').update(`${s}|${adGroup.adGroupId}|${keyword}`).digest('hex').slice(0, 32),
        keyword,
        matchType: (['EXACT', 'PHRASE', 'BROAD'] as const)[rank % 3] ?? 'EXACT',
        rank: rank + 1,
        suggested,
        rangeStart: clampBid(suggested * 0.7, marketplace),
        rangeEnd: clampBid(suggested * 1.4, marketplace),
        searchTermImpressionShare: round2(between(s, 0, 12, adGroup.adGroupId, keyword, 'share')),
        searchTermImpressionRank: Math.round(between(s, 1, 40, adGroup.adGroupId, keyword, 'rank')),
      });
    });
    keywords.set(adGroup.adGroupId, suggestions);
    for (const asin of adGroup.asins) {
      const list: ProductSuggestion[] = [];
      for (let n = 0; n < 12; n++) {
        const recommendedAsin = `B0${createHash('sha1').update(`${s}|${asin}|${n}`).digest('hex').slice(0, 8).toUpperCase()}`;
        list.push({
          recommendedAsin,
          themes: [PRODUCT_THEMES[Math.floor(unitHash(s, asin, n, 'theme') * PRODUCT_THEMES.length)] ?? 'Complements'],
        });
      }
      products.set(asin, list);
    }
  }

  return { consolidated, budgets, keywords, products, placementRestOfSearch: new Map(), window };
}
