/**
 * One unified Recommendations API item → one normalised Recommendation. Each of the 33 published types maps to a
 * kind, the entity it acts on and the action it proposes (facts.md §2.6; UpdateRecommendationRequest in the spec
 * says what `recommendedValue` holds per type: a number, a date, a strategy or a state). A type RecDesk does not know
 * is kept with its raw name as `sourceType`, shown as an insight, and never applied.
 *
 * The API gives no publish date and no expiry (facts.md §8): `generatedAt` is the diagnostic date or the missed-
 * opportunity window when the item has one, else the start of the UTC day it was first fetched (the API refreshes daily)
 * or the date RecDesk first stored it (so that a daily re-sync leaves an unchanged item unchanged), and `expiresAt`
 * is left to the lifecycle policy.
 */
import type {
  ActionDirection,
  ActionType,
  ActionUnit,
  EntityLevel,
  EntityRef,
  ImpactEstimate,
  NormalisedRecommendation,
  RecommendationGoal,
  RecommendationKind,
} from '@recdesk/shared-types';
import type { AdsProfile } from '../../ads-client/profiles.ts';
import { EstimatedImpactRangeSchema, type UnifiedRecommendation } from './recs-api.ts';

type ValueKind = 'money' | 'percent' | 'strategy' | 'state' | 'date' | 'none';

interface TypeRule {
  kind: RecommendationKind;
  goal: RecommendationGoal;
  level: EntityLevel;
  action: ActionType;
  field: string | null;
  value: ValueKind;
  /** What the title calls the thing it acts on. */
  noun: string;
}

const rule = (
  kind: RecommendationKind,
  level: EntityLevel,
  action: ActionType,
  field: string | null,
  value: ValueKind,
  noun: string,
  goal: RecommendationGoal = 'performance',
): TypeRule => ({
  kind,
  goal,
  level,
  action,
  field,
  value,
  noun,
});

/** The 33 published recommendation types (RecommendationType in the spec). */
export const UNIFIED_TYPE_RULES: Readonly<Record<string, TypeRule>> = {
  CAMPAIGN_BUDGET: rule('budget', 'campaign', 'set-budget', 'dailyBudget', 'money', 'daily budget'),
  CAMPAIGN_BUDGET_RULE: rule('budget', 'campaign', 'budget-rule', 'budgetRule.budgetIncreaseBy', 'percent', 'budget rule'),
  NEW_CAMPAIGN_BUDGET_RULE: rule('budget', 'campaign', 'budget-rule', 'budgetRule.budgetIncreaseBy', 'percent', 'budget rule'),
  CAMPAIGN_BIDDING_STRATEGY: rule('bid', 'campaign', 'set-bidding-strategy', 'biddingStrategy', 'strategy', 'bidding strategy'),
  CAMPAIGN_BIDDING_RULE: rule(
    'bid',
    'campaign',
    'set-bidding-strategy',
    'ruleBasedBidding.ruleRoas',
    'none',
    'rule-based bidding target ROAS',
  ),
  NEW_CAMPAIGN_BIDDING_RULE: rule(
    'bid',
    'campaign',
    'set-bidding-strategy',
    'ruleBasedBidding.ruleRoas',
    'none',
    'rule-based bidding target ROAS',
  ),
  CAMPAIGN_STATE: rule('strategic', 'campaign', 'set-state', 'state', 'state', 'campaign'),
  CAMPAIGN_END_DATE: rule('strategic', 'campaign', 'set-end-date', 'endDate', 'date', 'end date'),
  CAMPAIGN_TOP_PLACEMENT: rule('bid', 'placement', 'set-bid-adjustment', 'placementTop', 'percent', 'top-of-search placement adjustment'),
  CAMPAIGN_PRODUCT_PLACEMENT: rule(
    'bid',
    'placement',
    'set-bid-adjustment',
    'placementProductPage',
    'percent',
    'product-page placement adjustment',
  ),
  NEW_CAMPAIGN: rule('strategic', 'advertiser', 'create-campaign', null, 'none', 'campaign', 'growth'),
  NEW_VIDEO_CAMPAIGN: rule('creative', 'advertiser', 'create-campaign', null, 'none', 'video campaign', 'growth'),
  NEW_AD_GROUP: rule('targeting', 'campaign', 'create-ad-group', null, 'none', 'ad group', 'growth'),
  AD_GROUP_STATE: rule('strategic', 'ad-group', 'set-state', 'state', 'state', 'ad group'),
  AD_GROUP_DEFAULT_BID: rule('bid', 'ad-group', 'set-bid', 'defaultBid', 'money', 'default bid'),
  AD_GROUP_BID_OPTIMIZATION: rule('bid', 'ad-group', 'set-bidding-strategy', 'bidOptimization', 'strategy', 'bid optimization'),
  NEW_KEYWORD: rule('targeting', 'keyword', 'add-keyword', 'bid', 'money', 'keyword', 'growth'),
  KEYWORD_BID: rule('bid', 'keyword', 'set-bid', 'bid', 'money', 'keyword'),
  KEYWORD_STATE: rule('targeting', 'keyword', 'set-state', 'state', 'state', 'keyword'),
  NEW_NEGATIVE_KEYWORD: rule('targeting', 'keyword', 'add-negative', null, 'none', 'negative keyword'),
  NEGATIVE_KEYWORD_STATE: rule('targeting', 'keyword', 'set-state', 'state', 'state', 'negative keyword'),
  NEW_PRODUCT_TARGETING: rule('targeting', 'target', 'add-target', 'bid', 'money', 'product target', 'growth'),
  PRODUCT_TARGETING_BID: rule('bid', 'target', 'set-bid', 'bid', 'money', 'product target'),
  PRODUCT_TARGETING_STATE: rule('targeting', 'target', 'set-state', 'state', 'state', 'product target'),
  NEW_NEGATIVE_PRODUCT_TARGETING: rule('targeting', 'target', 'add-negative', null, 'none', 'negative product target'),
  NEGATIVE_PRODUCT_TARGETING_STATE: rule('targeting', 'target', 'set-state', 'state', 'state', 'negative product target'),
  NEW_AUDIENCE_TARGETING: rule('audience', 'target', 'add-target', 'bid', 'money', 'audience', 'growth'),
  AUDIENCE_TARGETING_BID: rule('bid', 'target', 'set-bid', 'bid', 'money', 'audience'),
  AUDIENCE_TARGETING_STATE: rule('audience', 'target', 'set-state', 'state', 'state', 'audience'),
  NEW_NEGATIVE_AUDIENCE_TARGETING: rule('audience', 'target', 'add-negative', null, 'none', 'negative audience'),
  NEGATIVE_AUDIENCE_TARGETING_STATE: rule('audience', 'target', 'set-state', 'state', 'state', 'negative audience'),
  NEW_PRODUCT_AD: rule('creative', 'product', 'creative', 'asin', 'none', 'product ad', 'growth'),
  PRODUCT_AD_STATE: rule('creative', 'product', 'set-state', 'state', 'state', 'product ad'),
};

/** Upstream statuses in which `/recommendations/apply` still accepts the item. */
const APPLICABLE_STATUSES = new Set(['PUBLISHED', 'APPLY_FAILED']);

export type NormaliseResult = { ok: true; recommendation: NormalisedRecommendation } | { ok: false; reason: string };

export interface EntityNames {
  campaignName?: string | null;
  adGroupName?: string | null;
  /** When RecDesk first stored this recommendation (ISO), if it did: the date of an item upstream leaves undated. */
  firstSeenAt?: string | null;
}

function parseValue(kind: ValueKind, text: string | null | undefined, what: string): number | string | null {
  if (text === null || text === undefined || text.trim() === '') return null;
  const value = text.trim();
  if (kind === 'money' || kind === 'percent') {
    if (!/^-?\d+(\.\d+)?$/.test(value)) throw new Error(`${what}: '${value}' is not a number`);
    return Number(value);
  }
  if (kind === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new Error(`${what}: '${value}' is not a YYYY-MM-DD date`);
  return value;
}

function directionOf(from: number | string | null, to: number | string | null, fallback: ActionDirection): ActionDirection {
  if (typeof from === 'number' && typeof to === 'number') return to > from ? 'increase' : to < from ? 'decrease' : 'none';
  return fallback;
}

function unitOf(kind: ValueKind): ActionUnit {
  return kind === 'money' ? 'currency' : kind;
}

function show(value: number | string | null, kind: ValueKind, currency: string): string {
  if (value === null) return '—';
  if (kind === 'money' && typeof value === 'number') return `${value.toFixed(2)} ${currency}`;
  if (kind === 'percent') return `${value}%`;
  return String(value);
}

function estimatesOf(rec: UnifiedRecommendation, currency: string): ImpactEstimate[] {
  const estimates: ImpactEstimate[] = [];
  const missed = rec.budgetRecommendation?.sevenDaysMissedOpportunities;
  if (missed) {
    const push = (metric: string, lower: number | undefined, upper: number | undefined, unit: string) => {
      if (lower !== undefined || upper !== undefined)
        estimates.push({ metric, lower: lower ?? null, upper: upper ?? null, unit, periodDays: 7 });
    };
    push('missed clicks', missed.estimatedMissedClicksLower, missed.estimatedMissedClicksUpper, 'count');
    push('missed impressions', missed.estimatedMissedImpressionsLower, missed.estimatedMissedImpressionsUpper, 'count');
    push('missed sales', missed.estimatedMissedSalesLower, missed.estimatedMissedSalesUpper, currency);
  }
  const campaign = rec.estimatedImpact?.campaign;
  if (campaign) {
    for (const [metric, value] of Object.entries(campaign)) {
      if (metric === 'timePeriodInDays') continue;
      const range = EstimatedImpactRangeSchema.safeParse(value);
      if (!range.success) continue;
      const { incrementalLowerBound: lower, incrementalUpperBound: upper } = range.data;
      if (lower === undefined && upper === undefined) continue;
      estimates.push({
        metric: `incremental ${metric}`,
        lower: lower ?? null,
        upper: upper ?? null,
        unit: metric === 'sales' || metric === 'cost' ? currency : 'count',
        periodDays: campaign.timePeriodInDays,
      });
    }
  }
  const opportunities = rec.consolidatedRecommendation?.sevenDaysEstimatedOpportunities;
  if (
    opportunities &&
    (opportunities.estimatedIncrementalClicksLower !== undefined || opportunities.estimatedIncrementalClicksUpper !== undefined)
  ) {
    estimates.push({
      metric: 'incremental clicks',
      lower: opportunities.estimatedIncrementalClicksLower ?? null,
      upper: opportunities.estimatedIncrementalClicksUpper ?? null,
      unit: 'count',
      periodDays: 7,
    });
  }
  return estimates;
}

function generatedAtOf(rec: UnifiedRecommendation, fetchedAt: Date, firstSeenAt: string | null): string {
  const candidates = [
    rec.recommendationContext?.diagnosticContext?.diagnosticDate,
    rec.budgetRecommendation?.sevenDaysMissedOpportunities?.endDate,
  ];
  for (const candidate of candidates) {
    if (candidate && /^\d{4}-\d{2}-\d{2}/.test(candidate)) {
      const date = new Date(candidate.length === 10 ? `${candidate}T00:00:00Z` : candidate);
      if (!Number.isNaN(date.getTime())) return date.toISOString();
    }
  }
  // Without an upstream date, the first sighting stays the date: a daily re-sync must not change an unchanged item.
  return firstSeenAt ?? new Date(Date.UTC(fetchedAt.getUTCFullYear(), fetchedAt.getUTCMonth(), fetchedAt.getUTCDate())).toISOString();
}

function subjectOf(rec: UnifiedRecommendation, rule: TypeRule | undefined, entity: EntityRef): string {
  const campaign = entity.campaignName ?? (entity.campaignId ? `campaign ${entity.campaignId}` : null);
  const adGroup = entity.adGroupName ?? (entity.adGroupId ? `ad group ${entity.adGroupId}` : null);
  const target = rec.targeting ?? rec.resolvedTargeting ?? rec.asin ?? rec.targetId;
  if (!rule) return [campaign, adGroup].filter(Boolean).join(' › ') || 'advertiser';
  if (rule.level === 'keyword' || rule.level === 'target' || rule.level === 'product') {
    return `${rule.noun} "${target ?? '?'}"${adGroup ? ` in ${adGroup}` : campaign ? ` in ${campaign}` : ''}`;
  }
  if (rule.level === 'ad-group') return adGroup ?? campaign ?? 'ad group';
  return campaign ?? 'advertiser';
}

function titleOf(
  rec: UnifiedRecommendation,
  rule: TypeRule | undefined,
  entity: EntityRef,
  from: number | string | null,
  to: number | string | null,
  currency: string,
): string {
  const subject = subjectOf(rec, rule, entity);
  const capital = subject.charAt(0).toUpperCase() + subject.slice(1);
  if (!rule) return `${rec.recommendationType.replaceAll('_', ' ').toLowerCase()}: ${subject}`;
  switch (rule.action) {
    case 'create-campaign':
      return `Launch a new ${rule.noun}`;
    case 'create-ad-group':
      return `Add an ad group to ${subject}`;
    case 'add-keyword':
    case 'add-target':
      return `Add ${subject}${to !== null ? ` at ${show(to, rule.value, currency)}` : ''}`;
    case 'add-negative':
      return `Add ${subject}`;
    case 'creative':
      return `Advertise ${rec.asin ?? 'a new product'}${entity.adGroupName || entity.adGroupId ? ` in ${entity.adGroupName ?? `ad group ${entity.adGroupId}`}` : ''}`;
    case 'budget-rule':
      return `${capital}: ${rec.recommendationType.startsWith('NEW_') ? 'add a' : 'update its'} budget rule (+${show(to, 'percent', currency)} when ROAS ≥ ${rec.budgetRule?.ruleDetails.performanceMeasureCondition?.threshold ?? '?'})`;
    case 'set-state':
      return `${capital}: state ${show(from, 'state', currency)} → ${show(to, 'state', currency)}`;
    default:
      return `${capital}: ${rule.noun} ${show(from, rule.value, currency)} → ${show(to, rule.value, currency)}`;
  }
}

export function normaliseUnifiedRecommendation(
  rec: UnifiedRecommendation,
  raw: unknown,
  profile: AdsProfile,
  fetchedAt: Date,
  names: EntityNames = {},
): NormaliseResult {
  const rule = UNIFIED_TYPE_RULES[rec.recommendationType];
  const currency = profile.currencyCode;
  let from: number | string | null = null;
  let to: number | string | null = null;
  try {
    if (rule && rule.value !== 'none') {
      from = parseValue(rule.value, rec.currentValue, 'currentValue');
      to = parseValue(rule.value, rec.recommendedValue, 'recommendedValue');
    }
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  if (rule?.action === 'budget-rule') to = rec.budgetRule?.ruleDetails.budgetIncreaseBy?.value ?? null;
  if (rule?.field === 'ruleBasedBidding.ruleRoas') {
    from = rec.ruleBasedBidding?.currentRuleRoas ?? null;
    to = rec.ruleBasedBidding?.recommendedRuleRoas ?? null;
  }
  if (rule?.action === 'creative') to = rec.asin ?? null;
  if (
    rule &&
    (rule.action === 'set-bid' || rule.action === 'set-budget' || rule.action === 'add-keyword' || rule.action === 'add-target') &&
    to === null
  ) {
    return { ok: false, reason: `recommendedValue: ${rec.recommendationType} must propose a value` };
  }

  const isPlacement = rule?.level === 'placement';
  const entity: EntityRef = {
    level: rule?.level ?? (rec.adGroupId ? 'ad-group' : rec.campaignId ? 'campaign' : 'advertiser'),
    portfolioId: null,
    campaignId: rec.campaignId ?? null,
    campaignName: names.campaignName ?? null,
    adGroupId: rec.adGroupId ?? null,
    adGroupName: names.adGroupName ?? null,
    targetId: isPlacement
      ? rule?.field === 'placementTop'
        ? 'PLACEMENT_TOP'
        : 'PLACEMENT_PRODUCT_PAGE'
      : (rec.targetId ?? rec.adId ?? null),
    targetText: rec.targeting ?? rec.resolvedTargeting ?? null,
    matchType: rec.targetingMatchType ?? null,
    asin: rec.asin ?? null,
    brandName: null,
  };
  const fallbackDirection: ActionDirection = !rule
    ? 'none'
    : rule.action.startsWith('add-') || rule.action.startsWith('create-') || rule.action === 'creative'
      ? 'add'
      : rule.action === 'budget-rule'
        ? 'add'
        : 'change';
  const description =
    rec.recommendationContext?.diagnosticContext?.summary?.message ??
    (rec.applyFailureReason ? `The last apply failed: ${rec.applyFailureReason}` : null) ??
    (rec.groupingType ? `Amazon account team recommendation (${rec.groupingType.replaceAll('_', ' ').toLowerCase()}).` : null);
  return {
    ok: true,
    recommendation: {
      sourceRecommendationId: rec.recommendationId,
      source: 'unified-recommendations',
      sourceType: rec.recommendationType,
      kind: rule?.kind ?? 'strategic',
      goal: rule?.goal ?? 'performance',
      title: titleOf(rec, rule, entity, from, to, currency),
      description,
      advertiserId: profile.accountId,
      advertiserName: profile.accountName,
      profileId: profile.profileId,
      marketplace: profile.countryCode,
      entity,
      action: rule
        ? {
            type: rule.action,
            field: rule.field,
            from,
            to,
            unit: rule.field === 'ruleBasedBidding.ruleRoas' ? 'none' : unitOf(rule.value),
            currency: rule.value === 'money' ? currency : null,
            direction: directionOf(from, to, fallbackDirection),
          }
        : {
            type: 'insight',
            field: null,
            from: rec.currentValue ?? null,
            to: rec.recommendedValue ?? null,
            unit: 'none',
            currency: null,
            direction: 'none',
          },
      // Unknown types are shown, never applied: RecDesk cannot check what an apply would change.
      applicable: Boolean(rule) && APPLICABLE_STATUSES.has(rec.status),
      confidence: null,
      impactScore: null,
      estimatedImpact: estimatesOf(rec, currency),
      generatedAt: generatedAtOf(rec, fetchedAt, names.firstSeenAt ?? null),
      expiresAt: null,
      raw,
    },
  };
}
