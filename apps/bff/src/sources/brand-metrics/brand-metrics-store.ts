/**
 * Brand Metrics kept per advertiser, brand and category, one row per computation date, so that rules can read a
 * brand's newToBrandCustomerRate and customerConversionRate (and any other metric) without going upstream. Writing
 * the same report twice updates the row in place.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import type { BrandMetricsRow } from './bm-normalise.ts';

export interface BrandMetricsSnapshot {
  advertiserId: string;
  advertiserName: string | null;
  profileId: string;
  marketplace: string | null;
  brandName: string;
  categoryTreeName: string;
  categoryNodeName: string;
  lookbackPeriod: string;
  /** YYYY-MM-DD: the date Amazon computed the metrics. */
  computedOn: string;
  newToBrandCustomerRate: number | null;
  newToBrandCustomerRateCategoryMedian: number | null;
  customerConversionRate: number | null;
  customerConversionRateCategoryMedian: number | null;
  metrics: Record<string, number | null>;
  fetchedAt: string;
}

function dayOf(value: unknown): string {
  return value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10);
}

export class BrandMetricsStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  async upsert(rows: readonly BrandMetricsRow[]): Promise<void> {
    if (rows.length === 0) return;
    const fetchedAt = this.now();
    await this.db
      .insertInto('brand_metrics')
      .values(
        rows.map((row) => ({
          id: randomUUID(),
          advertiser_id: row.advertiserId,
          advertiser_name: row.advertiserName,
          profile_id: row.profileId,
          marketplace: row.marketplace,
          brand_name: row.brandName,
          category_tree_name: row.categoryTreeName,
          category_node_name: row.categoryNodeName,
          lookback_period: row.lookbackPeriod,
          computed_on: row.computedOn,
          new_to_brand_customer_rate: row.metrics.newToBrandCustomerRate ?? null,
          new_to_brand_customer_rate_category_median: row.metrics.newToBrandCustomerRateCategoryMedian ?? null,
          customer_conversion_rate: row.metrics.customerConversionRate ?? null,
          customer_conversion_rate_category_median: row.metrics.customerConversionRateCategoryMedian ?? null,
          metrics: JSON.stringify(row.metrics),
          raw: JSON.stringify(row.raw ?? null),
          fetched_at: fetchedAt,
        })),
      )
      .onConflict((oc) =>
        oc.constraint('brand_metrics_identity_unique').doUpdateSet((eb) => ({
          advertiser_id: eb.ref('excluded.advertiser_id'),
          advertiser_name: eb.ref('excluded.advertiser_name'),
          marketplace: eb.ref('excluded.marketplace'),
          new_to_brand_customer_rate: eb.ref('excluded.new_to_brand_customer_rate'),
          new_to_brand_customer_rate_category_median: eb.ref('excluded.new_to_brand_customer_rate_category_median'),
          customer_conversion_rate: eb.ref('excluded.customer_conversion_rate'),
          customer_conversion_rate_category_median: eb.ref('excluded.customer_conversion_rate_category_median'),
          metrics: eb.ref('excluded.metrics'),
          raw: eb.ref('excluded.raw'),
          fetched_at: eb.ref('excluded.fetched_at'),
        })),
      )
      .execute();
  }

  /**
   * The latest metrics of an advertiser (optionally one brand): for each profile, brand, category and look-back
   * period, the row of the most recent computation date.
   */
  async latestFor(advertiserId: string, brandName?: string): Promise<BrandMetricsSnapshot[]> {
    let query = this.db
      .selectFrom('brand_metrics')
      .selectAll()
      .distinctOn(['profile_id', 'brand_name', 'category_tree_name', 'category_node_name', 'lookback_period'])
      .where('advertiser_id', '=', advertiserId);
    if (brandName) query = query.where('brand_name', '=', brandName);
    const rows = await query
      .orderBy('profile_id')
      .orderBy('brand_name')
      .orderBy('category_tree_name')
      .orderBy('category_node_name')
      .orderBy('lookback_period')
      .orderBy('computed_on', 'desc')
      .execute();
    return rows.map((row) => ({
      advertiserId: row.advertiser_id,
      advertiserName: row.advertiser_name,
      profileId: row.profile_id,
      marketplace: row.marketplace,
      brandName: row.brand_name,
      categoryTreeName: row.category_tree_name,
      categoryNodeName: row.category_node_name,
      lookbackPeriod: row.lookback_period,
      computedOn: dayOf(row.computed_on),
      newToBrandCustomerRate: row.new_to_brand_customer_rate,
      newToBrandCustomerRateCategoryMedian: row.new_to_brand_customer_rate_category_median,
      customerConversionRate: row.customer_conversion_rate,
      customerConversionRateCategoryMedian: row.customer_conversion_rate_category_median,
      metrics: row.metrics,
      fetchedAt: new Date(row.fetched_at).toISOString(),
    }));
  }
}
