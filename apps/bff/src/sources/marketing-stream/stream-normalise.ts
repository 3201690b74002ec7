/**
 * Marketing Stream records → recommendations.
 *
 * `budget-usage` above the alert threshold becomes an urgent item for that campaign (or portfolio), one per budget
 * day, updated as usage climbs: "Campaign X at 93% of its daily budget". It proposes no new budget: usage alone does
 * not say what the budget should be, so the item is an insight (not applicable) that carries the current budget as
 * `from` and no `to`, expires when the budget resets at local midnight, and points at Amazon's own suggested budget
 * when one is known. A raise is proposed only by `sp-budget-recommendations`, which carries Amazon's
 * `suggested_budget` and the missed opportunities that justify it.
 */
import type {
  BudgetUsageRecord,
  CampaignDiagnosticsRecord,
  ImpactEstimate,
  NormalisedRecommendation,
  SpBudgetRecommendationRecord,
} from '@recdesk/shared-types';
import { localDayOf, marketplaceOf, nextLocalMidnight } from './stream-marketplaces.ts';
import { diagnosticsDate } from './stream-parse.ts';

export interface BudgetUsageContext {
  eventAt: Date;
  thresholdPercent: number;
  campaignName: string | null;
  /** Amazon's latest suggested budget for the campaign, when a sp-budget-recommendation arrived recently. */
  suggestedBudget: number | null;
}

const money = (value: number, currency: string | null) => `${value.toFixed(2)}${currency ? ` ${currency}` : ''}`;

function campaignEntity(campaignId: string, campaignName: string | null): NormalisedRecommendation['entity'] {
  return {
    level: 'campaign',
    portfolioId: null,
    campaignId,
    campaignName,
    adGroupId: null,
    adGroupName: null,
    targetId: null,
    targetText: null,
    matchType: null,
    asin: null,
    brandName: null,
  };
}

export function budgetUsageSourceId(record: BudgetUsageRecord, day: string): string {
  return ['budget-usage', record.advertiser_id, record.marketplace_id, record.budget_scope_type, record.budget_scope_id, day].join(':');
}

/**
 * How an item names a campaign whose name no pull has stored yet (the message carries only its id). Stream ingest
 * replaces it with the name once a pull knows it (`StreamIngest.nameFromPulls`).
 */
export const UNNAMED_CAMPAIGN_PREFIX = 'Campaign ';
const unnamedCampaign = (campaignId: string) => `${UNNAMED_CAMPAIGN_PREFIX}${campaignId}`;

/** The urgent item for a budget-usage message at or above the threshold; null under it. */
export function normaliseBudgetUsage(record: BudgetUsageRecord, context: BudgetUsageContext): NormalisedRecommendation | null {
  const usage = record.budget_usage_percentage;
  if (usage < context.thresholdPercent) return null;
  const marketplace = marketplaceOf(record.marketplace_id);
  const timeZone = marketplace?.timeZone ?? 'UTC';
  const currency = marketplace?.currency ?? null;
  const isPortfolio = record.budget_scope_type.toUpperCase() === 'PORTFOLIO';
  const subject = isPortfolio ? `Portfolio ${record.budget_scope_id}` : (context.campaignName ?? unnamedCampaign(record.budget_scope_id));
  const rounded = Math.round(usage);
  const entity = isPortfolio
    ? {
        ...campaignEntity(record.budget_scope_id, null),
        level: 'portfolio' as const,
        campaignId: null,
        portfolioId: record.budget_scope_id,
      }
    : campaignEntity(record.budget_scope_id, context.campaignName);
  const suggestion =
    context.suggestedBudget !== null && context.suggestedBudget > record.budget
      ? ` Amazon suggests a daily budget of ${money(context.suggestedBudget, currency)} for it (see its budget recommendation).`
      : '';
  return {
    sourceRecommendationId: budgetUsageSourceId(record, localDayOf(context.eventAt, timeZone)),
    source: 'marketing-stream',
    sourceType: 'BUDGET_USAGE',
    kind: 'budget',
    goal: 'performance',
    title: `${subject} at ${rounded}% of its daily budget`,
    description:
      `${record.advertising_product_type.toUpperCase()} ${isPortfolio ? 'portfolio' : 'campaign'} has spent ${usage.toFixed(1)}% of its ` +
      `${money(record.budget, currency)} budget today and stops serving when it runs out; the budget resets at midnight ` +
      `${timeZone}.${suggestion}`,
    advertiserId: record.advertiser_id,
    advertiserName: null,
    profileId: null,
    marketplace: marketplace?.country ?? record.marketplace_id,
    entity,
    // No `to`: usage does not justify a value. A person decides, or applies Amazon's suggested budget item.
    action: { type: 'insight', field: 'dailyBudget', from: record.budget, to: null, unit: 'currency', currency, direction: 'none' },
    applicable: false,
    confidence: null,
    impactScore: null,
    estimatedImpact: [],
    generatedAt: context.eventAt.toISOString(),
    refreshedAt: context.eventAt.toISOString(),
    expiresAt: nextLocalMidnight(context.eventAt, timeZone).toISOString(),
    raw: { dataset: 'budget-usage', urgent: true, message: record },
  };
}

export interface SpBudgetRecommendationContext {
  eventAt: Date;
  campaignName: string | null;
  /** The campaign's budget from its latest budget-usage message, when one arrived. */
  currentBudget: number | null;
  /** How long the suggestion stays valid: Stream pushes it again hourly while the campaign keeps running out. */
  validForMs: number;
}

export function normaliseSpBudgetRecommendation(
  record: SpBudgetRecommendationRecord,
  context: SpBudgetRecommendationContext,
): NormalisedRecommendation {
  const marketplace = marketplaceOf(record.marketplace_id);
  const currency = marketplace?.currency ?? null;
  const from = context.currentBudget;
  const to = record.suggested_budget;
  const subject = context.campaignName ?? unnamedCampaign(record.campaign_id);
  const estimates: ImpactEstimate[] = [];
  const range = (metric: string, lower: number | undefined, upper: number | undefined, unit: string) => {
    if (lower !== undefined || upper !== undefined)
      estimates.push({ metric, lower: lower ?? null, upper: upper ?? null, unit, periodDays: 7 });
  };
  range('missed sales', record.estimated_missed_sales_lower, record.estimated_missed_sales_upper, currency ?? 'count');
  range('missed clicks', record.estimated_missed_clicks_lower, record.estimated_missed_clicks_upper, 'count');
  range('missed impressions', record.estimated_missed_impressions_lower, record.estimated_missed_impressions_upper, 'count');
  const inBudget = record.percent_time_in_budget;
  const inBudgetText = inBudget !== undefined && inBudget >= 0 ? ` It was in budget ${Math.round(inBudget * 100)}% of the time.` : '';
  return {
    // One item per campaign and 7-day window: the hourly pushes of the same window update it in place.
    sourceRecommendationId: [
      'sp-budget-recommendations',
      record.advertiser_id,
      record.marketplace_id,
      record.campaign_id,
      record.end_date,
    ].join(':'),
    source: 'marketing-stream',
    sourceType: 'SP_BUDGET_RECOMMENDATION',
    kind: 'budget',
    goal: 'performance',
    title: `${subject}: daily budget ${from === null ? '?' : money(from, null)} → ${money(to, currency)}`,
    description: `${record.reason_for_suggestion ?? 'The campaign ran out of budget recently.'} Missed opportunities measured ${record.start_date} to ${record.end_date}.${inBudgetText}`,
    advertiserId: record.advertiser_id,
    advertiserName: null,
    profileId: null,
    marketplace: marketplace?.country ?? record.marketplace_id,
    entity: campaignEntity(record.campaign_id, context.campaignName),
    action: {
      type: 'set-budget',
      field: 'dailyBudget',
      from,
      to,
      unit: 'currency',
      currency,
      // The dataset only covers campaigns that ran out of budget: without the current budget it is still a raise.
      direction: from === null ? 'increase' : to > from ? 'increase' : to < from ? 'decrease' : 'none',
    },
    applicable: true,
    confidence: null,
    impactScore: null,
    estimatedImpact: estimates,
    generatedAt: context.eventAt.toISOString(),
    refreshedAt: context.eventAt.toISOString(),
    expiresAt: new Date(context.eventAt.getTime() + context.validForMs).toISOString(),
    raw: { dataset: 'sp-budget-recommendations', message: record },
  };
}

/** Diagnostics types that change bids; every other non-budget type is advice a person follows up upstream. */
const BID_TYPES = new Set(['KEYWORD_BID', 'PRODUCT_TARGETING_BID', 'AUDIENCE_TARGETING_BID']);

/**
 * A campaign diagnostics recommendation (Amazon's account team, through Stream). A CAMPAIGN_BUDGET one with both
 * budgets is a budget change RecDesk applies like any other (SP campaign update); the other types (new campaigns,
 * budget rules, bid sets across ad groups) are insights: RecDesk shows them and points at Amazon's apply endpoint.
 * A REMOVED one expires its item at once.
 */
export function normaliseCampaignDiagnostics(record: CampaignDiagnosticsRecord, context: { eventAt: Date }): NormalisedRecommendation {
  const body = record.messageBody;
  const marketplace = marketplaceOf(record.marketplaceId);
  const currency = marketplace?.currency ?? null;
  const campaignId = body.campaign_id ?? null;
  const from = body.current_campaign_settings?.budget ?? null;
  const to = body.recommended_campaign_settings?.budget ?? null;
  const isBudget = body.type === 'CAMPAIGN_BUDGET' && campaignId !== null && to !== null;
  const subject = body.campaign_name ?? (campaignId ? `Campaign ${campaignId}` : 'Account');
  const removed = (body.recommendation_status ?? '').toUpperCase() === 'REMOVED';
  const expiresAt = removed
    ? context.eventAt
    : body.expiry_date
      ? diagnosticsDate(body.expiry_date, 'messageBody.expiry_date')
      : new Date(context.eventAt.getTime() + 7 * 86_400_000);
  const explanation = [body.explanation?.description, body.explanation?.missed_opportunities].filter(Boolean).join(' ');
  const typeWords = body.type.toLowerCase().replaceAll('_', ' ');
  return {
    sourceRecommendationId: ['diagnostics', record.advertiserId, record.marketplaceId, body.recommendation_id].join(':'),
    source: 'marketing-stream',
    sourceType: `DIAGNOSTICS_${body.type}`,
    kind: body.type.includes('BUDGET') ? 'budget' : BID_TYPES.has(body.type) ? 'bid' : 'strategic',
    goal: 'performance',
    title: isBudget
      ? `${subject}: daily budget ${from === null ? '?' : money(from, null)} → ${money(to, currency)}`
      : `${subject}: ${typeWords} recommendation`,
    description: `${explanation || `Amazon recommends a ${typeWords} change.`} (Campaign diagnostics; applied upstream through ${body.apply_endpoint ?? '/recommendations/apply'}.)`,
    advertiserId: record.advertiserId,
    advertiserName: null,
    profileId: null,
    marketplace: marketplace?.country ?? record.marketplaceId,
    entity: campaignEntity(campaignId ?? String(body.recommendation_id), body.campaign_name ?? null),
    action: isBudget
      ? {
          type: 'set-budget',
          field: 'dailyBudget',
          from,
          to,
          unit: 'currency',
          currency,
          direction: from === null ? 'increase' : to > from ? 'increase' : to < from ? 'decrease' : 'none',
        }
      : { type: 'insight', field: null, from: null, to: null, unit: 'none', currency: null, direction: 'none' },
    applicable: isBudget,
    confidence: null,
    impactScore: null,
    estimatedImpact: [],
    generatedAt: context.eventAt.toISOString(),
    refreshedAt: context.eventAt.toISOString(),
    expiresAt: expiresAt.toISOString(),
    raw: { dataset: 'sponsored-ads-campaign-diagnostics-recommendations', message: record },
  };
}
