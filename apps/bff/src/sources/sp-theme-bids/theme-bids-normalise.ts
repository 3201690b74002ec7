/**
 * Theme-based bid recommendations for one existing ad group → one set-bid recommendation per theme and targeting
 * expression whose suggested bid differs from the current one. The current bid is the keyword's or target's own
 * (or the ad group's default bid when it has none); the proposal is the middle of Amazon's three bids, and the
 * clicks and orders Amazon expects at that bid are the estimated impact. Pure.
 */
import type { ImpactEstimate } from '@recdesk/shared-types';
import type { AdsProfile } from '../../ads-client/profiles.ts';
import type { AdGroupInfo, CampaignInfo, KeywordInfo, TargetInfo } from '../shared/entity-catalog.ts';
import { describeAutoGroup } from '../shared/entity-catalog.ts';
import {
  adGroupLabel,
  advertiserFields,
  campaignLabel,
  change,
  currencyOf,
  directionOf,
  entityOf,
  issuesOf,
  type NormaliseResult,
  startOfUtcDay,
} from '../shared/sp-recommendation.ts';
import { ExpressionBidsSchema, type TargetingExpression, ThemeRecommendationSchema } from './theme-bids-api.ts';

export interface AdGroupBidContext {
  profile: AdsProfile;
  campaign: CampaignInfo | undefined;
  campaignId: string;
  adGroup: AdGroupInfo;
  /** `type|value` of each expression sent → the keyword or target it stands for. */
  entities: ReadonlyMap<string, { keyword?: KeywordInfo; target?: TargetInfo }>;
}

const KEYWORD_EXPRESSIONS: Readonly<Record<string, string>> = {
  KEYWORD_EXACT_MATCH: 'EXACT',
  KEYWORD_PHRASE_MATCH: 'PHRASE',
  KEYWORD_BROAD_MATCH: 'BROAD',
};

export function expressionKey(expression: TargetingExpression): string {
  return `${expression.type}|${(expression.value ?? '').toLowerCase()}`;
}

/** The expression the API understands for a keyword; null for a match type v3 cannot name. */
export function expressionOfKeyword(keyword: KeywordInfo): TargetingExpression | null {
  const type = Object.entries(KEYWORD_EXPRESSIONS).find(([, matchType]) => matchType === keyword.matchType)?.[0];
  return type ? { type, value: keyword.keywordText } : null;
}

export function normaliseThemeBids(themes: readonly unknown[], context: AdGroupBidContext, now: Date): NormaliseResult[] {
  const { profile, campaign, campaignId, adGroup } = context;
  const currency = currencyOf(profile);
  const results: NormaliseResult[] = [];
  const where = `${campaignLabel(campaignId, campaign)} › ${adGroupLabel(adGroup.adGroupId, adGroup)}`;
  for (const [themeIndex, rawTheme] of themes.entries()) {
    const theme = ThemeRecommendationSchema.safeParse(rawTheme);
    if (!theme.success) {
      results.push({
        ok: false,
        reason: `ad group ${adGroup.adGroupId} theme ${themeIndex} does not match the published schema: ${issuesOf(theme.error)}`,
        raw: { adGroupId: adGroup.adGroupId, theme: rawTheme },
      });
      continue;
    }
    const { clicks, orders } = theme.data.impactMetrics ?? {};
    for (const [index, rawBids] of theme.data.bidRecommendationsForTargetingExpressions.entries()) {
      const parsed = ExpressionBidsSchema.safeParse(rawBids);
      if (!parsed.success) {
        results.push({
          ok: false,
          reason: `ad group ${adGroup.adGroupId} theme ${theme.data.theme} expression ${index}: ${issuesOf(parsed.error)}`,
          raw: { adGroupId: adGroup.adGroupId, theme: theme.data.theme, bids: rawBids },
        });
        continue;
      }
      const { targetingExpression: expression, bidValues } = parsed.data;
      const { keyword, target } = context.entities.get(expressionKey(expression)) ?? {};
      // Three bids are low, suggested, high; a single one is the suggestion.
      const pick = bidValues.length === 3 ? 1 : 0;
      const to = bidValues[pick]?.suggestedBid ?? null;
      const current = keyword?.bid ?? target?.bid ?? null;
      const from = keyword || target ? (current ?? adGroup.defaultBid) : null;
      if (from !== null && from === to) continue;
      const matchType = KEYWORD_EXPRESSIONS[expression.type] ?? null;
      const text = matchType ? (expression.value ?? null) : (target?.text ?? describeAutoGroup(expression.type));
      const impact: ImpactEstimate[] = [];
      for (const [metric, values] of [
        ['clicks', clicks],
        ['orders', orders],
      ] as const) {
        const range = values?.values?.[pick];
        if (range) impact.push({ metric, lower: range.lower ?? null, upper: range.upper ?? null, unit: 'count', periodDays: null });
      }
      const knownTheme = theme.data.theme === 'CONVERSION_OPPORTUNITIES';
      results.push({
        ok: true,
        recommendation: {
          sourceRecommendationId: `${adGroup.adGroupId}:${expressionKey(expression)}:${theme.data.theme}`,
          source: 'sp-theme-bids',
          sourceType: theme.data.theme,
          kind: 'bid',
          goal: 'performance',
          title: `${where}: ${matchType ? `keyword "${text}" (${matchType})` : (text ?? expression.type)} bid ${change(from, to, currency)}${
            knownTheme ? '' : ` for ${theme.data.theme}`
          }`,
          description: `Theme ${theme.data.theme}: Amazon's bids ${bidValues.map((b) => b.suggestedBid.toFixed(2)).join(' / ')}${currency ? ` ${currency}` : ''}.`,
          ...advertiserFields(profile),
          entity: entityOf(
            keyword ? 'keyword' : 'target',
            { campaignId, adGroupId: adGroup.adGroupId, targetId: keyword?.keywordId ?? target?.targetId ?? null },
            { campaign, adGroup },
            { text, matchType },
          ),
          action: { type: 'set-bid', field: 'bid', from, to, unit: 'currency', currency, direction: directionOf(from, to) },
          applicable: Boolean(keyword || target) && to !== null,
          confidence: null,
          impactScore: null,
          estimatedImpact: impact,
          generatedAt: startOfUtcDay(now).toISOString(),
          expiresAt: null,
          raw: {
            adGroupId: adGroup.adGroupId,
            theme: theme.data.theme,
            impactMetrics: theme.data.impactMetrics ?? null,
            bids: parsed.data,
          },
        },
      });
    }
  }
  return results;
}
