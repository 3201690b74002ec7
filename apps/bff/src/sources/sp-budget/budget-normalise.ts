/**
 * One budget recommendation of `POST /sp/campaigns/budgetRecommendations` → a set-budget recommendation: from the
 * campaign's current daily budget (joined) to Amazon's suggestion, with the week's missed impressions, clicks and
 * sales as the estimated impact. A suggestion equal to today's budget proposes nothing and yields nothing. The id is
 * the campaign's: there is one budget recommendation per campaign, updated in place on each sync. Pure.
 */
import type { ImpactEstimate } from '@recdesk/shared-types';
import type { AdsProfile } from '../../ads-client/profiles.ts';
import type { CampaignInfo } from '../shared/entity-catalog.ts';
import {
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
import { parseUpstreamDate } from '../shared/upstream-values.ts';
import { BudgetRecommendationSchema } from './budget-api.ts';

function dateOrNull(value: string | undefined): Date | null {
  if (!value) return null;
  try {
    return parseUpstreamDate(value);
  } catch {
    return null;
  }
}

/** null when the suggestion equals the current budget (nothing to do). */
export function normaliseBudget(
  raw: unknown,
  profile: AdsProfile,
  campaigns: ReadonlyMap<string, CampaignInfo>,
  now: Date,
): NormaliseResult | null {
  const parsed = BudgetRecommendationSchema.safeParse(raw);
  if (!parsed.success)
    return { ok: false, reason: `budget recommendation does not match the published schema: ${issuesOf(parsed.error)}`, raw };
  const rec = parsed.data;
  const campaign = campaigns.get(rec.campaignId);
  const from = campaign?.dailyBudget ?? null;
  const to = rec.suggestedBudget;
  if (from !== null && from === to) return null;
  const currency = currencyOf(profile);
  const missed = rec.sevenDaysMissedOpportunities;
  const start = dateOrNull(missed.startDate);
  const end = dateOrNull(missed.endDate);
  const periodDays = start && end ? Math.max(1, Math.round((end.getTime() - start.getTime()) / 86_400_000)) : 7;
  const range = (metric: string, lower: number | undefined, upper: number | undefined, unit: string): ImpactEstimate[] =>
    lower === undefined && upper === undefined ? [] : [{ metric, lower: lower ?? null, upper: upper ?? null, unit, periodDays }];
  const inBudget = missed.percentTimeInBudget;
  const rule = rec.budgetRuleRecommendation?.ruleName
    ? ` Amazon also suggests the budget rule “${rec.budgetRuleRecommendation.ruleName}”${
        rec.budgetRuleRecommendation.suggestedBudgetIncreasePercent !== undefined
          ? ` (+${rec.budgetRuleRecommendation.suggestedBudgetIncreasePercent}%)`
          : ''
      }.`
    : '';
  return {
    ok: true,
    recommendation: {
      sourceRecommendationId: rec.campaignId,
      source: 'sp-budget',
      sourceType: 'BUDGET_RECOMMENDATION',
      kind: 'budget',
      goal: 'performance',
      title: `${campaignLabel(rec.campaignId, campaign)}: daily budget ${change(from, to, currency)}`,
      // −1 means Amazon could not compute the time in budget (spec).
      description:
        (inBudget !== undefined && inBudget >= 0
          ? `In budget ${Math.round(inBudget * 100)}% of the time over the last ${periodDays} days.`
          : 'Time in budget unknown.') + rule,
      ...advertiserFields(profile),
      entity: entityOf('campaign', { campaignId: rec.campaignId }, { campaign }),
      action: { type: 'set-budget', field: 'dailyBudget', from, to, unit: 'currency', currency, direction: directionOf(from, to) },
      applicable: true,
      confidence: null,
      impactScore: null,
      estimatedImpact: [
        ...range('missed impressions', missed.estimatedMissedImpressionsLower, missed.estimatedMissedImpressionsUpper, 'count'),
        ...range('missed clicks', missed.estimatedMissedClicksLower, missed.estimatedMissedClicksUpper, 'count'),
        ...range('missed sales', missed.estimatedMissedSalesLower, missed.estimatedMissedSalesUpper, currency ?? 'count'),
      ],
      generatedAt: (end ?? startOfUtcDay(now)).toISOString(),
      expiresAt: null,
      raw: rec,
    },
  };
}
