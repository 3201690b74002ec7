/**
 * Sponsored Brands and Sponsored Display recommendations → normalised recommendations, with the campaign, keyword or
 * target names and live values joined in, the same shapes the SP sources produce (so the queue, the badges, the
 * conflict engine and the rules treat them alike):
 * - budget: set-budget on the campaign, from its live budget to Amazon's suggestion, missed week as impact;
 * - SB keyword bid / SD target bid: set-bid on the keyword or target, from its live bid to the recommended one;
 * - SD targeting: a new audience (kind `audience`, an audience expansion) or product target (kind `targeting`);
 * - headline (creative): the campaign's live headline → Amazon's first suggestion, the others in the description.
 *   No API applies a headline to a live ad: the item is shown with the text to paste in Amazon Ads.
 * A suggestion equal to the live value yields nothing; an item that does not match the published schema is
 * quarantined with its reason. Pure.
 */
import type { EntityRef, ImpactEstimate } from '@recdesk/shared-types';
import { z } from 'zod';
import type { AdsProfile } from '../../ads-client/profiles.ts';
import {
  advertiserFields,
  change,
  currencyOf,
  directionOf,
  issuesOf,
  type NormaliseResult,
  startOfUtcDay,
} from '../shared/sp-recommendation.ts';

/** A campaign of either product, as the normalisers need it. */
export interface AdCampaign {
  campaignId: string;
  name: string;
  budget: number;
  portfolioId: string | null;
  /** The advertised ASINs (SB ads' creative, SD product ads). */
  asins: string[];
  /** SB: the live headline of its ad; SD: none. */
  headline: string | null;
  adGroupId: string | null;
  tactic: string | null;
  /** SD: `cpc` or `vcpm`, what its bids are priced in. */
  costType?: string | null;
}

export const SOURCE_OF: Readonly<Record<'SB' | 'SD', 'sb-recommendations' | 'sd-recommendations'>> = {
  SB: 'sb-recommendations',
  SD: 'sd-recommendations',
};

const PRODUCT_NAME: Readonly<Record<'SB' | 'SD', string>> = { SB: 'Sponsored Brands', SD: 'Sponsored Display' };

function entity(
  level: EntityRef['level'],
  campaign: AdCampaign | undefined,
  campaignId: string,
  extra: Partial<EntityRef> = {},
): EntityRef {
  return {
    level,
    portfolioId: campaign?.portfolioId ?? null,
    campaignId,
    campaignName: campaign?.name ?? null,
    adGroupId: null,
    adGroupName: null,
    targetId: null,
    targetText: null,
    matchType: null,
    // The first advertised product: what the conflict engine compares across SP, SB and SD.
    asin: campaign?.asins[0] ?? null,
    brandName: null,
    ...extra,
  };
}

function base(product: 'SB' | 'SD', profile: AdsProfile, now: Date) {
  return {
    source: SOURCE_OF[product],
    goal: 'performance' as const,
    ...advertiserFields(profile),
    confidence: null,
    impactScore: null,
    generatedAt: startOfUtcDay(now).toISOString(),
    expiresAt: null,
  };
}

const label = (campaignId: string, campaign: AdCampaign | undefined) => campaign?.name ?? `Campaign ${campaignId}`;

// ---- budget -------------------------------------------------------------------------------------------------------

const BudgetItemSchema = z.looseObject({
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
});

export function normaliseBudget(
  product: 'SB' | 'SD',
  raw: unknown,
  profile: AdsProfile,
  campaigns: ReadonlyMap<string, AdCampaign>,
  now: Date,
): NormaliseResult | null {
  const parsed = BudgetItemSchema.safeParse(raw);
  if (!parsed.success)
    return { ok: false, reason: `${product} budget recommendation does not match the published schema: ${issuesOf(parsed.error)}`, raw };
  const rec = parsed.data;
  const campaign = campaigns.get(rec.campaignId);
  const from = campaign?.budget ?? null;
  const to = rec.suggestedBudget;
  if (from !== null && Math.abs(from - to) < 0.005) return null;
  const currency = currencyOf(profile);
  const missed = rec.sevenDaysMissedOpportunities;
  const range = (metric: string, lower: number | undefined, upper: number | undefined, unit: string): ImpactEstimate[] =>
    lower === undefined && upper === undefined ? [] : [{ metric, lower: lower ?? null, upper: upper ?? null, unit, periodDays: 7 }];
  const inBudget = missed.percentTimeInBudget;
  return {
    ok: true,
    recommendation: {
      ...base(product, profile, now),
      sourceRecommendationId: `budget:${rec.campaignId}`,
      sourceType: `${product}_BUDGET_RECOMMENDATION`,
      kind: 'budget',
      title: `${label(rec.campaignId, campaign)}: daily budget ${change(from, to, currency)}`,
      description: `${PRODUCT_NAME[product]} campaign. ${
        inBudget !== undefined && inBudget >= 0
          ? `In budget ${Math.round(inBudget * 100)}% of the time over the last 7 days.`
          : 'Time in budget unknown.'
      }`,
      entity: entity('campaign', campaign, rec.campaignId),
      action: { type: 'set-budget', field: 'dailyBudget', from, to, unit: 'currency', currency, direction: directionOf(from, to) },
      applicable: true,
      estimatedImpact: [
        ...range('missed impressions', missed.estimatedMissedImpressionsLower, missed.estimatedMissedImpressionsUpper, 'count'),
        ...range('missed clicks', missed.estimatedMissedClicksLower, missed.estimatedMissedClicksUpper, 'count'),
        ...range('missed sales', missed.estimatedMissedSalesLower, missed.estimatedMissedSalesUpper, currency ?? 'count'),
      ],
      raw: rec,
    },
  };
}

// ---- bids ---------------------------------------------------------------------------------------------------------

const SbBidItemSchema = z.looseObject({
  recommendationId: z.string().optional(),
  recommendedBid: z.looseObject({ rangeStart: z.number().optional(), rangeEnd: z.number().optional(), recommended: z.number() }),
  keyword: z.looseObject({ keywordText: z.string(), matchType: z.string() }),
  keywordIndex: z.number().int().nonnegative().optional(),
});

export interface LiveKeyword {
  keywordId: string;
  adGroupId: string;
  campaignId: string;
  keywordText: string;
  matchType: string;
  bid: number | null;
}

/** One SB keyword bid recommendation; the keyword is found by text and match type among the campaign's. */
export function normaliseSbBid(
  raw: unknown,
  profile: AdsProfile,
  campaign: AdCampaign | undefined,
  keywords: readonly LiveKeyword[],
  now: Date,
): NormaliseResult | null {
  const parsed = SbBidItemSchema.safeParse(raw);
  if (!parsed.success)
    return { ok: false, reason: `SB bid recommendation does not match the published schema: ${issuesOf(parsed.error)}`, raw };
  const rec = parsed.data;
  const keyword = keywords.find(
    (k) =>
      k.keywordText.toLowerCase() === rec.keyword.keywordText.toLowerCase() &&
      k.matchType.toLowerCase() === rec.keyword.matchType.toLowerCase(),
  );
  if (!keyword)
    return { ok: false, reason: `SB bid recommendation names a keyword the campaign does not have: "${rec.keyword.keywordText}"`, raw };
  const from = keyword.bid;
  const to = rec.recommendedBid.recommended;
  if (from !== null && Math.abs(from - to) < 0.005) return null;
  const currency = currencyOf(profile);
  const match = keyword.matchType.toUpperCase();
  return {
    ok: true,
    recommendation: {
      ...base('SB', profile, now),
      sourceRecommendationId: `bid:${keyword.keywordId}`,
      sourceType: 'SB_KEYWORD_BID',
      kind: 'bid',
      title: `${label(keyword.campaignId, campaign)} › "${keyword.keywordText}" (${match}): bid ${change(from, to, currency)}`,
      description: `Sponsored Brands keyword. Amazon's range: ${rec.recommendedBid.rangeStart ?? '?'} – ${rec.recommendedBid.rangeEnd ?? '?'}.`,
      entity: entity('keyword', campaign, keyword.campaignId, {
        adGroupId: keyword.adGroupId,
        targetId: keyword.keywordId,
        targetText: keyword.keywordText,
        matchType: match,
      }),
      action: { type: 'set-bid', field: 'bid', from, to, unit: 'currency', currency, direction: directionOf(from, to) },
      applicable: true,
      estimatedImpact: [],
      raw: rec,
    },
  };
}

const SdBidItemSchema = z.looseObject({
  code: z.string(),
  recommended: z.number().optional(),
  rangeLower: z.number().optional(),
  rangeUpper: z.number().optional(),
  details: z.string().optional(),
});

export interface LiveTarget {
  targetId: string;
  adGroupId: string;
  campaignId: string;
  expressionType: string;
  expression: unknown[];
  bid: number | null;
}

/** A person's reading of an SD clause: `views: exactProduct, lookback 30`, `audience 3712…`. */
export function describeSdExpression(expression: readonly unknown[]): string {
  return expression
    .map((part) => {
      const p = part as { type?: string; value?: unknown };
      if (Array.isArray(p.value))
        return `${p.type}: ${(p.value as { type?: string; value?: string }[]).map((v) => (v.value ? `${v.type} ${v.value}` : v.type)).join(', ')}`;
      return p.value ? `${p.type}=${String(p.value)}` : String(p.type);
    })
    .join('; ');
}

/** One SD target bid recommendation: the answer at the clause's position. An error answer yields nothing. */
export function normaliseSdBid(
  raw: unknown,
  profile: AdsProfile,
  campaign: AdCampaign | undefined,
  target: LiveTarget,
  now: Date,
): NormaliseResult | null {
  const parsed = SdBidItemSchema.safeParse(raw);
  if (!parsed.success)
    return { ok: false, reason: `SD bid recommendation does not match the published schema: ${issuesOf(parsed.error)}`, raw };
  const rec = parsed.data;
  if (rec.recommended === undefined) return null;
  const from = target.bid;
  const to = rec.recommended;
  if (from !== null && Math.abs(from - to) < 0.005) return null;
  const currency = currencyOf(profile);
  const text = describeSdExpression(target.expression);
  return {
    ok: true,
    recommendation: {
      ...base('SD', profile, now),
      sourceRecommendationId: `bid:${target.targetId}`,
      sourceType: 'SD_TARGET_BID',
      kind: 'bid',
      title: `${label(target.campaignId, campaign)} › ${text}: bid ${change(from, to, currency)}`,
      description: `Sponsored Display target. Amazon's range: ${rec.rangeLower ?? '?'} – ${rec.rangeUpper ?? '?'}.`,
      entity: entity('target', campaign, target.campaignId, { adGroupId: target.adGroupId, targetId: target.targetId, targetText: text }),
      action: { type: 'set-bid', field: 'bid', from, to, unit: 'currency', currency, direction: directionOf(from, to) },
      applicable: true,
      estimatedImpact: [],
      raw: { recommendation: rec, target },
    },
  };
}

// ---- SD targeting -------------------------------------------------------------------------------------------------

const AudienceGroupSchema = z.looseObject({
  category: z.string().optional(),
  audiences: z.array(z.looseObject({ audience: z.string(), name: z.string().optional(), rank: z.number().optional() })),
});
const ProductGroupSchema = z.looseObject({
  products: z.array(z.looseObject({ asin: z.string(), rank: z.number().optional(), advertisedAsins: z.array(z.string()).optional() })),
});

/** SD targeting recommendations for one campaign's ad group: new audiences (audience expansion) and product targets. */
export function normaliseSdTargeting(
  raw: { audiences?: unknown[]; products?: unknown[] },
  profile: AdsProfile,
  campaign: AdCampaign,
  now: Date,
): NormaliseResult[] {
  const out: NormaliseResult[] = [];
  const adGroupId = campaign.adGroupId;
  for (const group of raw.audiences ?? []) {
    const parsed = AudienceGroupSchema.safeParse(group);
    if (!parsed.success) {
      out.push({
        ok: false,
        reason: `SD audience recommendation does not match the published schema: ${issuesOf(parsed.error)}`,
        raw: group,
      });
      continue;
    }
    for (const audience of parsed.data.audiences) {
      const name = audience.name ?? audience.audience;
      out.push({
        ok: true,
        recommendation: {
          ...base('SD', profile, now),
          sourceRecommendationId: `audience:${campaign.campaignId}:${audience.audience}`,
          sourceType: 'SD_AUDIENCE_TARGETING',
          kind: 'audience',
          title: `${campaign.name}: reach the audience “${name}”`,
          description: `Sponsored Display audience expansion${parsed.data.category ? ` (${parsed.data.category})` : ''}, ranked ${audience.rank ?? '?'} by Amazon.`,
          entity: entity('target', campaign, campaign.campaignId, { adGroupId, targetText: `audience “${name}”` }),
          action: {
            type: 'add-target',
            field: 'audience',
            from: null,
            to: audience.audience,
            unit: 'none',
            currency: null,
            direction: 'add',
          },
          applicable: true,
          estimatedImpact: [],
          raw: { category: parsed.data.category, audience },
        },
      });
    }
  }
  for (const group of raw.products ?? []) {
    const parsed = ProductGroupSchema.safeParse(group);
    if (!parsed.success) {
      out.push({
        ok: false,
        reason: `SD product recommendation does not match the published schema: ${issuesOf(parsed.error)}`,
        raw: group,
      });
      continue;
    }
    for (const product of parsed.data.products) {
      out.push({
        ok: true,
        recommendation: {
          ...base('SD', profile, now),
          sourceRecommendationId: `product:${campaign.campaignId}:${product.asin}`,
          sourceType: 'SD_PRODUCT_TARGETING',
          kind: 'targeting',
          title: `${campaign.name}: target product ${product.asin}`,
          description: `Sponsored Display product target, ranked ${product.rank ?? '?'} by Amazon.`,
          entity: entity('target', campaign, campaign.campaignId, { adGroupId, targetText: `asinSameAs=${product.asin}` }),
          action: {
            type: 'add-target',
            field: 'expression',
            from: null,
            to: `asinSameAs=${product.asin}`,
            unit: 'none',
            currency: null,
            direction: 'add',
          },
          applicable: true,
          estimatedImpact: [],
          raw: product,
        },
      });
    }
  }
  return out;
}

// ---- SB keyword targeting ----------------------------------------------------------------------------------------

const SbKeywordSuggestionSchema = z.looseObject({
  recommendationId: z.string().optional(),
  type: z.string().optional(),
  value: z.string().min(1),
  matchType: z.string(),
  searchTermImpressionShare: z.number().optional(),
  searchTermImpressionRank: z.number().optional(),
});

/** One SB keyword suggestion for a campaign → a new keyword in its ad group (kind `targeting`). */
export function normaliseSbKeyword(raw: unknown, profile: AdsProfile, campaign: AdCampaign, now: Date): NormaliseResult {
  const parsed = SbKeywordSuggestionSchema.safeParse(raw);
  if (!parsed.success)
    return { ok: false, reason: `SB keyword recommendation does not match the published schema: ${issuesOf(parsed.error)}`, raw };
  const rec = parsed.data;
  const match = rec.matchType.toUpperCase();
  return {
    ok: true,
    recommendation: {
      ...base('SB', profile, now),
      sourceRecommendationId: `keyword:${campaign.campaignId}:${rec.value.toLowerCase()}:${match}`,
      sourceType: 'SB_KEYWORD_TARGETING',
      kind: 'targeting',
      title: `${campaign.name}: add keyword "${rec.value}" (${match})`,
      description: `Sponsored Brands keyword suggestion${
        rec.searchTermImpressionShare !== undefined ? `, ${rec.searchTermImpressionShare}% search term impression share` : ''
      }.`,
      entity: entity('keyword', campaign, campaign.campaignId, { adGroupId: campaign.adGroupId, targetText: rec.value, matchType: match }),
      action: { type: 'add-keyword', field: 'keywordText', from: null, to: rec.value, unit: 'none', currency: null, direction: 'add' },
      applicable: true,
      estimatedImpact: [],
      raw: rec,
    },
  };
}

// ---- headlines ----------------------------------------------------------------------------------------------------

const HeadlineSchema = z.looseObject({ headlineId: z.string().optional(), headline: z.string().min(1).max(50) });

/** Amazon's headline suggestions for one campaign → one creative item: live headline → the first suggestion. */
export function normaliseHeadlines(
  product: 'SB' | 'SD',
  suggestions: readonly unknown[],
  profile: AdsProfile,
  campaign: AdCampaign,
  now: Date,
): NormaliseResult | null {
  const parsed = z.array(HeadlineSchema).safeParse(suggestions);
  if (!parsed.success)
    return {
      ok: false,
      reason: `${product} headline recommendation does not match the published schema: ${issuesOf(parsed.error)}`,
      raw: suggestions,
    };
  const fresh = parsed.data.filter((s) => s.headline !== campaign.headline);
  const [first, ...others] = fresh;
  if (!first) return null;
  return {
    ok: true,
    recommendation: {
      ...base(product, profile, now),
      sourceRecommendationId: `headline:${campaign.campaignId}`,
      sourceType: `${product}_HEADLINE`,
      kind: 'creative',
      title: `${campaign.name}: headline “${first.headline}”`,
      description:
        `Paste in Amazon Ads (${PRODUCT_NAME[product]} ad of this campaign): “${first.headline}”.` +
        (others.length > 0 ? ` Other suggestions: ${others.map((o) => `“${o.headline}”`).join(', ')}.` : ''),
      entity: entity('campaign', campaign, campaign.campaignId),
      action: {
        type: 'creative',
        field: 'headline',
        from: campaign.headline,
        to: first.headline,
        unit: 'none',
        currency: null,
        direction: 'change',
      },
      applicable: true,
      estimatedImpact: [],
      raw: { suggestions: parsed.data, asins: campaign.asins },
    },
  };
}
