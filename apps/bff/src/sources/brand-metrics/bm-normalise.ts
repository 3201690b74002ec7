/**
 * A Brand Metrics record (a JSON `{metadata, metrics}` object or a CSV row) → the brand's metrics, parsed, and the
 * brand-level insights a person reads: new-to-brand customers (audience, growth) and shopper conversion (strategic).
 * Metric values are strings upstream and `N/A` means "not available" (null here); anything else that is not a number
 * fails the record, which is quarantined with its reason. Insights are never applicable: there is nothing to apply.
 */
import type { NormalisedRecommendation } from '@recdesk/shared-types';
import { z } from 'zod';
import type { AdsProfile } from '../../ads-client/profiles.ts';
import { parseUpstreamNumber } from '../shared/upstream-values.ts';

const MetadataSchema = z.looseObject({
  metricsComputationDate: z.string().regex(/^\d{4}-\d{2}-\d{2}/, 'must be a YYYY-MM-DD date'),
  brandName: z.string().trim().min(1),
  categoryNodeName: z.string().trim().default(''),
  categoryNodeTreeName: z.string().trim().default(''),
  lookbackPeriod: z.string().trim().default('1w'),
});
const METADATA_FIELDS = ['metricsComputationDate', 'brandName', 'categoryNodeName', 'categoryNodeTreeName', 'lookbackPeriod'];

const JsonRecordSchema = z.looseObject({
  metadata: MetadataSchema,
  metrics: z.record(z.string(), z.union([z.string(), z.number(), z.null()])),
});

export interface BrandMetricsRow {
  advertiserId: string;
  advertiserName: string | null;
  profileId: string;
  marketplace: string;
  brandName: string;
  categoryTreeName: string;
  categoryNodeName: string;
  lookbackPeriod: string;
  /** YYYY-MM-DD. */
  computedOn: string;
  metrics: Record<string, number | null>;
  raw: unknown;
}

export type BrandMetricsResult = { ok: true; row: BrandMetricsRow; insights: NormalisedRecommendation[] } | { ok: false; reason: string };

function splitRecord(record: unknown): { metadata: unknown; metrics: Record<string, unknown> } | null {
  const json = JsonRecordSchema.safeParse(record);
  if (json.success) return { metadata: json.data.metadata, metrics: json.data.metrics };
  // A CSV row: the metadata columns, then one column per metric.
  if (record && typeof record === 'object' && !('metadata' in record)) {
    const entries = Object.entries(record as Record<string, unknown>);
    return {
      metadata: Object.fromEntries(entries.filter(([name]) => METADATA_FIELDS.includes(name))),
      metrics: Object.fromEntries(entries.filter(([name]) => !METADATA_FIELDS.includes(name))),
    };
  }
  return null;
}

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

export function normaliseBrandMetrics(record: unknown, profile: AdsProfile): BrandMetricsResult {
  const parts = splitRecord(record);
  if (!parts) return { ok: false, reason: 'record: expected {metadata, metrics} or a CSV row' };
  const metadata = MetadataSchema.safeParse(parts.metadata);
  if (!metadata.success) {
    return { ok: false, reason: metadata.error.issues.map((i) => `metadata.${i.path.join('.')}: ${i.message}`).join('; ') };
  }
  const metrics: Record<string, number | null> = {};
  const problems: string[] = [];
  for (const [name, value] of Object.entries(parts.metrics)) {
    try {
      metrics[name] = parseUpstreamNumber(value);
    } catch (error) {
      problems.push(`metrics.${name}: ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) return { ok: false, reason: problems.join('; ') };

  const meta = metadata.data;
  const row: BrandMetricsRow = {
    advertiserId: profile.accountId,
    advertiserName: profile.accountName,
    profileId: profile.profileId,
    marketplace: profile.countryCode,
    brandName: meta.brandName,
    categoryTreeName: meta.categoryNodeTreeName,
    categoryNodeName: meta.categoryNodeName,
    lookbackPeriod: meta.lookbackPeriod.toLowerCase(),
    computedOn: meta.metricsComputationDate.slice(0, 10),
    metrics,
    raw: record,
  };
  const generatedAt = new Date(`${row.computedOn}T00:00:00Z`).toISOString();
  const where = row.categoryNodeName ? ` in ${row.categoryNodeName}` : '';
  const identity = [row.profileId, row.brandName, row.categoryTreeName, row.categoryNodeName, row.lookbackPeriod].join('|');
  const base = {
    source: 'brand-metrics' as const,
    description: null,
    advertiserId: row.advertiserId,
    advertiserName: row.advertiserName,
    profileId: row.profileId,
    marketplace: row.marketplace,
    entity: {
      level: 'brand' as const,
      portfolioId: null,
      campaignId: null,
      campaignName: null,
      adGroupId: null,
      adGroupName: null,
      targetId: null,
      targetText: row.categoryNodeName || null,
      matchType: null,
      asin: null,
      brandName: row.brandName,
    },
    action: {
      type: 'insight' as const,
      field: null,
      from: null,
      to: null,
      unit: 'none' as const,
      currency: null,
      direction: 'none' as const,
    },
    applicable: false,
    confidence: null,
    impactScore: null,
    estimatedImpact: [],
    generatedAt,
    refreshedAt: generatedAt,
    expiresAt: null,
  };
  const insights: NormalisedRecommendation[] = [];
  const versus = (median: number | null | undefined) =>
    median === null || median === undefined ? '' : ` (category median ${percent(median)})`;
  const ntb = metrics.newToBrandCustomerRate;
  if (ntb !== null && ntb !== undefined) {
    insights.push({
      ...base,
      sourceRecommendationId: `${identity}|newToBrandCustomerRate`,
      sourceType: 'NEW_TO_BRAND_CUSTOMER_RATE',
      kind: 'audience',
      goal: 'growth',
      title: `${row.brandName}${where}: ${percent(ntb)} of customers are new to the brand${versus(metrics.newToBrandCustomerRateCategoryMedian)}`,
      raw: { metric: 'newToBrandCustomerRate', record },
    });
  }
  const conversion = metrics.customerConversionRate;
  if (conversion !== null && conversion !== undefined) {
    insights.push({
      ...base,
      sourceRecommendationId: `${identity}|customerConversionRate`,
      sourceType: 'CUSTOMER_CONVERSION_RATE',
      kind: 'strategic',
      goal: 'strategic',
      title: `${row.brandName}${where}: ${percent(conversion)} of considering shoppers purchased${versus(metrics.customerConversionRateCategoryMedian)}`,
      raw: { metric: 'customerConversionRate', record },
    });
  }
  return { ok: true, row, insights };
}
