/**
 * Keyword and product targeting suggestions for one ad group → add-keyword and add-target recommendations, skipping
 * what the ad group already targets (the keyword API ranks the caller's own keywords among its suggestions). A
 * keyword suggestion yields one item per match type Amazon bids for, proposing its suggested bid; a product
 * suggestion proposes an `asin="…"` expression (the ad group's default bid applies unless a bid is set). Pure.
 */
import type { AdsProfile } from '../../ads-client/profiles.ts';
import type { AdGroupInfo, CampaignInfo, KeywordInfo, TargetInfo } from '../shared/entity-catalog.ts';
import {
  adGroupLabel,
  advertiserFields,
  amount,
  campaignLabel,
  currencyOf,
  entityOf,
  issuesOf,
  type NormaliseResult,
  startOfUtcDay,
} from '../shared/sp-recommendation.ts';
import { KeywordTargetSchema, ProductRecommendationSchema } from './targeting-api.ts';

export interface AdGroupTargetingContext {
  profile: AdsProfile;
  campaign: CampaignInfo | undefined;
  adGroup: AdGroupInfo;
  /** The ad group's current keywords and targets (any state but archived). */
  keywords: readonly KeywordInfo[];
  targets: readonly TargetInfo[];
}

function common(context: AdGroupTargetingContext, now: Date) {
  return {
    source: 'sp-targeting' as const,
    kind: 'targeting' as const,
    // The seeds file targeting recommendations under performance optimisation.
    goal: 'performance' as const,
    ...advertiserFields(context.profile),
    applicable: true,
    confidence: null,
    impactScore: null,
    generatedAt: startOfUtcDay(now).toISOString(),
    expiresAt: null,
  };
}

export function normaliseKeywordSuggestions(items: readonly unknown[], context: AdGroupTargetingContext, now: Date): NormaliseResult[] {
  const { adGroup, campaign, profile } = context;
  const currency = currencyOf(profile);
  const owned = new Set(context.keywords.filter((k) => k.state !== 'ARCHIVED').map((k) => `${k.matchType}|${k.keywordText.toLowerCase()}`));
  const where = `${campaignLabel(adGroup.campaignId, campaign)} › ${adGroupLabel(adGroup.adGroupId, adGroup)}`;
  const results: NormaliseResult[] = [];
  for (const [index, raw] of items.entries()) {
    const parsed = KeywordTargetSchema.safeParse(raw);
    if (!parsed.success) {
      results.push({
        ok: false,
        reason: `keyword suggestion ${index} for ad group ${adGroup.adGroupId} does not match the published schema: ${issuesOf(parsed.error)}`,
        raw: { adGroupId: adGroup.adGroupId, suggestion: raw },
      });
      continue;
    }
    const suggestion = parsed.data;
    for (const bid of suggestion.bidInfo) {
      const key = `${bid.matchType}|${suggestion.keyword.toLowerCase()}`;
      if (owned.has(key)) continue;
      const to = bid.suggestedBid?.suggested ?? bid.bid ?? null;
      const range = bid.suggestedBid;
      results.push({
        ok: true,
        recommendation: {
          ...common(context, now),
          sourceRecommendationId: `${adGroup.adGroupId}:add-keyword:${bid.matchType}:${suggestion.keyword.toLowerCase()}`,
          sourceType: 'KEYWORDS_FOR_ADGROUP',
          title: `${where}: add keyword "${suggestion.keyword}" (${bid.matchType})${to === null ? '' : ` at ${amount(to, currency)}`}`,
          description:
            [
              bid.rank !== undefined ? `Ranked ${bid.rank} by Amazon.` : null,
              range?.rangeStart !== undefined && range.rangeEnd !== undefined
                ? `Suggested bid range ${amount(range.rangeStart, currency)} – ${amount(range.rangeEnd, currency)}.`
                : null,
              suggestion.searchTermImpressionShare !== undefined
                ? `Your search-term impression share: ${suggestion.searchTermImpressionShare}%.`
                : null,
            ]
              .filter(Boolean)
              .join(' ') || null,
          entity: entityOf(
            'keyword',
            { campaignId: adGroup.campaignId, adGroupId: adGroup.adGroupId },
            { campaign, adGroup },
            {
              text: suggestion.keyword,
              matchType: bid.matchType,
            },
          ),
          action: { type: 'add-keyword', field: 'bid', from: null, to, unit: 'currency', currency, direction: 'add' },
          estimatedImpact: [],
          raw: { adGroupId: adGroup.adGroupId, suggestion },
        },
      });
    }
  }
  return results;
}

export function normaliseProductSuggestions(items: readonly unknown[], context: AdGroupTargetingContext, now: Date): NormaliseResult[] {
  const { adGroup, campaign } = context;
  const owned = new Set(
    context.targets
      .filter((t) => t.state !== 'ARCHIVED')
      .flatMap((t) => t.expression.filter((e) => e.type === 'ASIN_SAME_AS' && e.value).map((e) => (e.value as string).toUpperCase())),
  );
  const where = `${campaignLabel(adGroup.campaignId, campaign)} › ${adGroupLabel(adGroup.adGroupId, adGroup)}`;
  const results: NormaliseResult[] = [];
  for (const [index, raw] of items.entries()) {
    const parsed = ProductRecommendationSchema.safeParse(raw);
    if (!parsed.success) {
      results.push({
        ok: false,
        reason: `product suggestion ${index} for ad group ${adGroup.adGroupId} does not match the published schema: ${issuesOf(parsed.error)}`,
        raw: { adGroupId: adGroup.adGroupId, suggestion: raw },
      });
      continue;
    }
    const asin = parsed.data.recommendedAsin.toUpperCase();
    if (owned.has(asin)) continue;
    const expression = `asin="${asin}"`;
    results.push({
      ok: true,
      recommendation: {
        ...common(context, now),
        sourceRecommendationId: `${adGroup.adGroupId}:add-target:asin:${asin}`,
        sourceType: 'PRODUCT_TARGETS_FOR_ASINS',
        title: `${where}: target product ${asin}`,
        description: parsed.data.themes?.length ? `Why: ${parsed.data.themes.join('; ')}.` : null,
        entity: entityOf(
          'target',
          { campaignId: adGroup.campaignId, adGroupId: adGroup.adGroupId },
          { campaign, adGroup },
          { text: expression, asin },
        ),
        action: { type: 'add-target', field: 'expression', from: null, to: expression, unit: 'none', currency: null, direction: 'add' },
        estimatedImpact: [],
        raw: { adGroupId: adGroup.adGroupId, suggestion: parsed.data },
      },
    });
  }
  return results;
}
