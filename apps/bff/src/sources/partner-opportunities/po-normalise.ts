/**
 * One Partner Opportunities CSV row → one normalised Recommendation. Columns vary by opportunity type (facts.md
 * §1.5), so the row schema is the union of the published columns, all optional, and the mapping reads what the row
 * has. Rows with `recommendationId` are recommendations that `/apply` accepts; rows without one are insights: shown,
 * never applied.
 */
import { createHash } from 'node:crypto';
import type {
  ActionDirection,
  ImpactEstimate,
  NormalisedRecommendation,
  ProposedAction,
  RecommendationGoal,
  RecommendationKind,
} from '@recdesk/shared-types';
import { z } from 'zod';
import { currencyOfMarketplace, parseOptionalDate, parseUpstreamNumber } from '../shared/upstream-values.ts';
import type { Opportunity } from './po-api.ts';

const cell = z.string().optional();
const numberCell = (min: number, max: number) =>
  cell.transform((value, ctx) => {
    try {
      const n = parseUpstreamNumber(value);
      if (n !== null && (n < min || n > max)) ctx.addIssue({ code: 'custom', message: `must be between ${min} and ${max}, got ${n}` });
      return n;
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });
const dateCell = cell.transform((value, ctx) => {
  try {
    return parseOptionalDate(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});
const jsonCell = cell.transform((value, ctx) => {
  if (!value || value.trim() === '') return null;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'is not valid JSON' });
    return z.NEVER;
  }
});

/** The union of the published CSV columns that RecDesk reads; other columns are kept in `raw`. */
export const PoRowSchema = z
  .looseObject({
    advertiserName: cell,
    advertiserType: cell,
    encryptedAdvertiserId: cell,
    entityId: cell,
    profileId: cell,
    marketplace: cell,
    brand: cell,
    asin: cell,
    productName: cell,
    adProductType: cell,
    encryptedCampaignId: cell,
    encryptedAdGroupId: cell,
    target: cell,
    targetingType: cell,
    recommendationId: cell,
    recommendationType: cell,
    applyApiEndPoint: cell,
    publishedDate: dateCell,
    expiryDate: dateCell,
    startDate: dateCell,
    dealStartDate: dateCell,
    dealEndDate: dateCell,
    explanation: jsonCell,
    currentCampaignSettings: jsonCell,
    recommendedCampaignSettings: jsonCell,
    recommendedBudget: numberCell(0, 1e9),
    confidence: numberCell(0, 1),
    impactScore: numberCell(0, 10),
    missedOpportunities_clicks_lowerBound: numberCell(0, 1e12),
    missedOpportunities_clicks_upperBound: numberCell(0, 1e12),
    missedOpportunities_impressions_lowerBound: numberCell(0, 1e12),
    missedOpportunities_impressions_upperBound: numberCell(0, 1e12),
    missedOpportunities_sales_lowerBound: numberCell(0, 1e12),
    missedOpportunities_sales_upperBound: numberCell(0, 1e12),
  })
  .superRefine((row, ctx) => {
    if (!row.encryptedAdvertiserId?.trim())
      ctx.addIssue({ code: 'custom', path: ['encryptedAdvertiserId'], message: 'is required to know whose opportunity this is' });
    if (row.recommendationId?.trim() && !row.recommendationType?.trim()) {
      ctx.addIssue({ code: 'custom', path: ['recommendationType'], message: 'is required on a row with a recommendationId' });
    }
  });
type PoRow = z.infer<typeof PoRowSchema>;

interface KindAndGoal {
  kind: RecommendationKind;
  goal: RecommendationGoal;
}

/** Objective types as the seeds group them: strategic planning, performance optimisation, growth and expansion. */
const OBJECTIVE_TYPES: Readonly<Record<string, KindAndGoal>> = {
  ADVERTISER_INSIGHTS: { kind: 'strategic', goal: 'strategic' },
  AD_API_ENDPOINT_ADOPTION: { kind: 'strategic', goal: 'strategic' },
  AMAZON_ACCOUNT_TEAM_RECOMMENDATIONS: { kind: 'strategic', goal: 'performance' },
  BENCHMARKING_INSIGHTS: { kind: 'strategic', goal: 'strategic' },
  CAMPAIGN_OPTIMIZATION: { kind: 'strategic', goal: 'performance' },
  CATEGORY_INSIGHTS: { kind: 'strategic', goal: 'strategic' },
  CLICK_CREDITS: { kind: 'strategic', goal: 'growth' },
  DEALS: { kind: 'strategic', goal: 'growth' },
  MARKETPLACE_EXPANSION: { kind: 'strategic', goal: 'growth' },
  NEW_TO_BRAND_INSIGHTS: { kind: 'audience', goal: 'growth' },
  PARTNER_GROWTH: { kind: 'strategic', goal: 'growth' },
  PATH_TO_PURCHASE_INSIGHTS: { kind: 'audience', goal: 'strategic' },
  READY_TO_LAUNCH_CAMPAIGNS: { kind: 'strategic', goal: 'growth' },
  RETAIL_INSIGHTS: { kind: 'strategic', goal: 'strategic' },
  SHARE_OF_VOICE_INSIGHTS: { kind: 'strategic', goal: 'strategic' },
  UNLAUNCHED_ASINS: { kind: 'targeting', goal: 'growth' },
};

/** Account-team recommendation types (the same names the Recommendations API and Stream use). */
const RECOMMENDATION_TYPES: Readonly<Record<string, RecommendationKind>> = {
  CAMPAIGN_BUDGET: 'budget',
  CAMPAIGN_BUDGET_RULE: 'budget',
  NEW_CAMPAIGN_BUDGET_RULE: 'budget',
  KEYWORD_BID: 'bid',
  PRODUCT_TARGETING_BID: 'bid',
  AUDIENCE_TARGETING_BID: 'bid',
  AD_GROUP_DEFAULT_BID: 'bid',
  NEW_KEYWORD: 'targeting',
  NEW_PRODUCT_TARGETING: 'targeting',
  NEW_CAMPAIGN: 'strategic',
};

const SettingsTargetSchema = z.looseObject({
  bid: z.union([z.string(), z.number()]).optional(),
  text: z.string().optional(),
  match_type: z.string().optional(),
  target_id: z.union([z.string(), z.number()]).optional(),
  targeting: z.string().optional(),
});
const SettingsSchema = z.looseObject({
  budget: z.union([z.string(), z.number()]).optional(),
  ad_groups: z
    .array(
      z.looseObject({
        adgroup_id: z.union([z.string(), z.number()]).optional(),
        target_type: z.string().optional(),
        targets: z.array(SettingsTargetSchema).optional(),
      }),
    )
    .optional(),
});
type Settings = z.infer<typeof SettingsSchema>;

const ExplanationSchema = z.looseObject({
  description: z.string().optional(),
  missed_opportunities: z.record(z.string(), z.unknown()).optional(),
});

function settingsOf(value: unknown): Settings | null {
  const parsed = SettingsSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

function firstTarget(settings: Settings | null) {
  const adGroup = settings?.ad_groups?.[0];
  return { adGroup, target: adGroup?.targets?.[0] };
}

function directionOf(from: number | null, to: number | null): ActionDirection {
  if (from === null || to === null) return to === null ? 'none' : 'change';
  return to > from ? 'increase' : to < from ? 'decrease' : 'none';
}

function formatMoney(value: number | null): string {
  return value === null ? '?' : value.toFixed(2);
}

function stableInsightId(opportunityId: string, row: Record<string, string>): string {
  const identity = [
    'encryptedAdvertiserId',
    'marketplace',
    'profileId',
    'encryptedCampaignId',
    'encryptedAdGroupId',
    'asin',
    'target',
    'promotionId',
    'dealStartDate',
    'brand',
  ]
    .map((column) => row[column] ?? '')
    .join('|');
  return `${opportunityId}#${createHash('sha256').update(identity).digest('hex').slice(0, 24)}`;
}

function estimatesOf(row: PoRow): ImpactEstimate[] {
  const estimates: ImpactEstimate[] = [];
  const explanation = ExplanationSchema.safeParse(row.explanation);
  const missed = explanation.success ? explanation.data.missed_opportunities : undefined;
  for (const metric of ['impressions', 'clicks', 'conversions', 'sales'] as const) {
    const range = missed?.[metric] as { lower_bound?: unknown; upper_bound?: unknown } | undefined;
    if (range && typeof range === 'object') {
      estimates.push({
        metric: `missed ${metric}`,
        lower: parseUpstreamNumber(range.lower_bound),
        upper: parseUpstreamNumber(range.upper_bound),
        unit: 'count',
        periodDays: 7,
      });
    }
  }
  for (const metric of ['clicks', 'impressions', 'sales'] as const) {
    const lower = row[`missedOpportunities_${metric}_lowerBound`];
    const upper = row[`missedOpportunities_${metric}_upperBound`];
    if ((lower !== null && lower !== undefined) || (upper !== null && upper !== undefined)) {
      estimates.push({
        metric: `missed ${metric}`,
        lower: lower ?? null,
        upper: upper ?? null,
        unit: metric === 'sales' ? (currencyOfMarketplace(row.marketplace) ?? 'count') : 'count',
        periodDays: 7,
      });
    }
  }
  return estimates;
}

interface Mapped {
  kind: RecommendationKind;
  action: ProposedAction;
  title: string;
  entity: NormalisedRecommendation['entity'];
}

function mapAction(row: PoRow, opportunity: Opportunity, currency: string | null): Mapped {
  const type = row.recommendationType?.trim();
  const campaignEntity = {
    level: 'campaign' as const,
    portfolioId: null,
    campaignId: row.encryptedCampaignId || null,
    campaignName: null,
    adGroupId: row.encryptedAdGroupId || null,
    adGroupName: null,
    targetId: null,
    targetText: null,
    matchType: null,
    asin: row.asin || null,
    brandName: row.brand || null,
  };
  const current = settingsOf(row.currentCampaignSettings);
  const recommended = settingsOf(row.recommendedCampaignSettings);

  if (type && RECOMMENDATION_TYPES[type] === 'budget') {
    const from = parseUpstreamNumber(current?.budget);
    const to = row.recommendedBudget ?? parseUpstreamNumber(recommended?.budget);
    const direction = directionOf(from, to);
    return {
      kind: 'budget',
      entity: campaignEntity,
      action: {
        type: type === 'CAMPAIGN_BUDGET' ? 'set-budget' : 'budget-rule',
        field: 'dailyBudget',
        from,
        to,
        unit: 'currency',
        currency,
        direction,
      },
      title:
        `${direction === 'decrease' ? 'Lower' : 'Raise'} daily budget ${formatMoney(from)} → ${formatMoney(to)} ${currency ?? ''}`.trim(),
    };
  }
  if (type && (RECOMMENDATION_TYPES[type] === 'bid' || RECOMMENDATION_TYPES[type] === 'targeting')) {
    const now = firstTarget(current);
    const next = firstTarget(recommended);
    const target = next.target ?? now.target;
    const isNew = RECOMMENDATION_TYPES[type] === 'targeting';
    const from = isNew ? null : parseUpstreamNumber(now.target?.bid);
    const to = parseUpstreamNumber(next.target?.bid);
    const isKeyword = (next.adGroup?.target_type ?? now.adGroup?.target_type ?? 'KEYWORD').toUpperCase() === 'KEYWORD';
    const direction = isNew ? 'add' : directionOf(from, to);
    const entity = {
      ...campaignEntity,
      level: isKeyword ? ('keyword' as const) : ('target' as const),
      adGroupId: next.adGroup?.adgroup_id !== undefined ? String(next.adGroup.adgroup_id) : campaignEntity.adGroupId,
      targetId: target?.target_id !== undefined ? String(target.target_id) : null,
      targetText: target?.text ?? null,
      matchType: target?.match_type ?? null,
    };
    const what = isKeyword ? `keyword "${target?.text ?? '?'}"` : `target ${target?.text ?? target?.target_id ?? '?'}`;
    return {
      kind: RECOMMENDATION_TYPES[type] ?? 'bid',
      entity,
      action: isNew
        ? { type: isKeyword ? 'add-keyword' : 'add-target', field: 'bid', from: null, to, unit: 'currency', currency, direction }
        : { type: 'set-bid', field: 'bid', from, to, unit: 'currency', currency, direction },
      title: isNew
        ? `Add ${what} at ${formatMoney(to)} ${currency ?? ''}`.trim()
        : `${direction === 'decrease' ? 'Lower' : 'Raise'} bid on ${what} ${formatMoney(from)} → ${formatMoney(to)} ${currency ?? ''}`.trim(),
    };
  }
  if (type === 'NEW_CAMPAIGN') {
    return {
      kind: 'strategic',
      entity: { ...campaignEntity, level: 'advertiser' },
      action: { type: 'create-campaign', field: null, from: null, to: null, unit: 'none', currency, direction: 'add' },
      title: 'Launch a new campaign',
    };
  }
  // An insight, or a recommendation type RecDesk does not know yet: shown as it is, never applied by RecDesk.
  const level = row.encryptedCampaignId ? 'campaign' : row.asin ? 'product' : row.brand ? 'brand' : 'advertiser';
  const subject = row.productName || row.asin || row.target || row.brand || row.advertiserName || '';
  return {
    kind: OBJECTIVE_TYPES[opportunity.objectiveType]?.kind ?? 'strategic',
    entity: { ...campaignEntity, level, targetText: row.target || null },
    action: { type: 'insight', field: null, from: null, to: null, unit: 'none', currency: null, direction: 'none' },
    title: subject ? `${opportunity.title}: ${subject}` : opportunity.title,
  };
}

function validDate(value: string | undefined): Date | null {
  const date = value ? new Date(value) : null;
  return date && !Number.isNaN(date.getTime()) ? date : null;
}

export type NormaliseResult = { ok: true; recommendation: NormalisedRecommendation } | { ok: false; reason: string };

export function normalisePoRow(rawRow: Record<string, string>, opportunity: Opportunity): NormaliseResult {
  const parsed = PoRowSchema.safeParse(rawRow);
  if (!parsed.success) {
    return { ok: false, reason: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'row'}: ${issue.message}`).join('; ') };
  }
  const row = parsed.data;
  const marketplace = row.marketplace?.trim() || null;
  const currency = currencyOfMarketplace(marketplace);
  const recommendationId = row.recommendationId?.trim();
  const mapped = mapAction(row, opportunity, currency);
  const explanation = ExplanationSchema.safeParse(row.explanation);
  const fileDate = validDate(opportunity.dataMetadata.updatedDate) ?? validDate(opportunity.updatedDate) ?? new Date(0);
  const goal = recommendationId ? 'performance' : (OBJECTIVE_TYPES[opportunity.objectiveType]?.goal ?? 'strategic');
  return {
    ok: true,
    recommendation: {
      sourceRecommendationId: recommendationId || stableInsightId(opportunity.partnerOpportunityId, rawRow),
      source: 'partner-opportunities',
      sourceType: row.recommendationType?.trim() || opportunity.objectiveType,
      kind: mapped.kind,
      goal,
      title: mapped.title,
      description: (explanation.success ? explanation.data.description : undefined) ?? opportunity.description,
      advertiserId: row.encryptedAdvertiserId?.trim() ?? '',
      advertiserName: row.advertiserName?.trim() || null,
      profileId: row.profileId?.trim() || null,
      marketplace,
      entity: mapped.entity,
      action: mapped.action,
      applicable: Boolean(recommendationId && row.applyApiEndPoint?.trim()),
      confidence: row.confidence ?? null,
      impactScore: row.impactScore ?? null,
      estimatedImpact: estimatesOf(row),
      generatedAt: (row.publishedDate ?? fileDate).toISOString(),
      refreshedAt: fileDate.toISOString(),
      expiresAt: row.expiryDate?.toISOString() ?? null,
      raw: {
        opportunity: {
          partnerOpportunityId: opportunity.partnerOpportunityId,
          objectiveType: opportunity.objectiveType,
          product: opportunity.product,
          title: opportunity.title,
        },
        row: rawRow,
      },
    },
  };
}
