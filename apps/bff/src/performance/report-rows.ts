/**
 * One Reporting v3 row → one performance_daily row, validated with zod. Ids come as numbers or strings; metrics as
 * non-negative numbers (a missing attribution metric counts as 0, a negative or non-numeric one makes the row
 * malformed). spCampaigns rows key `campaign:<id>` with the day's budget; spTargeting rows key `keyword:<id>` for
 * keywords (BROAD / PHRASE / EXACT) and `target:<id>` for product and auto targets.
 */
import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { PerformanceDailyTable } from '../db/schema.ts';
import type { PerformanceReportType } from './reporting-api.ts';

const Id = z.union([z.number().int().nonnegative(), z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)]).transform(String);
const Metric = z.number().nonnegative().finite();
const OptionalMetric = z
  .number()
  .nonnegative()
  .finite()
  .nullish()
  .transform((v) => v ?? 0);

const CommonSchema = z.looseObject({
  date: z.iso.date(),
  campaignId: Id,
  campaignBudgetCurrencyCode: z.string().length(3).nullish(),
  impressions: Metric,
  clicks: Metric,
  cost: Metric,
  sales14d: OptionalMetric,
  purchases14d: OptionalMetric,
});

const CampaignRowSchema = CommonSchema.extend({
  campaignName: z.string().nullish(),
  campaignBudgetAmount: z.number().nonnegative().finite().nullish(),
});

const TargetingRowSchema = CommonSchema.extend({
  adGroupId: Id.nullish(),
  keywordId: Id,
  keyword: z.string().nullish(),
  keywordType: z.string().nullish(),
});

const KEYWORD_MATCH_TYPES = new Set(['BROAD', 'PHRASE', 'EXACT']);

/** A row of performance_daily as the report gives it; where it was reported from is added by the ingest. */
export type DailyRow = Omit<
  Selectable<PerformanceDailyTable>,
  'entity_level' | 'advertiser_id' | 'profile_id' | 'report_id' | 'updated_at'
> & { entity_level: 'campaign' | 'keyword' | 'target' };

export type RowResult = { ok: true; row: DailyRow } | { ok: false; reason: string };

export function normaliseReportRow(type: PerformanceReportType, raw: unknown): RowResult {
  if (type === 'spCampaigns') {
    const parsed = CampaignRowSchema.safeParse(raw);
    if (!parsed.success) return { ok: false, reason: `malformed spCampaigns row: ${z.prettifyError(parsed.error)}` };
    const r = parsed.data;
    return {
      ok: true,
      row: {
        entity_key: `campaign:${r.campaignId}`,
        date: r.date,
        entity_level: 'campaign',
        campaign_id: r.campaignId,
        entity_name: r.campaignName ?? null,
        impressions: r.impressions,
        clicks: r.clicks,
        cost: r.cost,
        sales: r.sales14d,
        orders: r.purchases14d,
        budget: r.campaignBudgetAmount ?? null,
        currency: r.campaignBudgetCurrencyCode ?? null,
      },
    };
  }
  const parsed = TargetingRowSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: `malformed spTargeting row: ${z.prettifyError(parsed.error)}` };
  const r = parsed.data;
  const level = KEYWORD_MATCH_TYPES.has((r.keywordType ?? '').toUpperCase()) ? 'keyword' : 'target';
  return {
    ok: true,
    row: {
      entity_key: `${level}:${r.keywordId}`,
      date: r.date,
      entity_level: level,
      campaign_id: r.campaignId,
      entity_name: r.keyword ?? null,
      impressions: r.impressions,
      clicks: r.clicks,
      cost: r.cost,
      sales: r.sales14d,
      orders: r.purchases14d,
      budget: null,
      currency: r.campaignBudgetCurrencyCode ?? null,
    },
  };
}
