/**
 * Brand Benchmarks (Amazon Brand View Pro, docs `guides/reporting/brand-view-pro`) of the simulated world: every brand
 * of a category and marketplace (the world's own brands that sell there, per Brand Metrics, and a fixed set of peer
 * brands) with the funnel metrics Brand Metrics reports. The category's distribution of each metric (p25, p50, p75,
 * p90) is computed over those brands, and Brand Metrics' `…CategoryMedian` / `…CategoryTopPerformers` cells are set
 * from it (p50 and p90), so the two services tell one story: a brand whose Brand Metrics value is under its category
 * median is under the benchmark's p50 too.
 *
 * The Brand Report CSV is documented by a sample only (Root/Level 2–5 Browse Node, Brand Name, Brand Owner, Metric
 * Name, Metric Type, YTD, TTM, then year, quarter, month and week-ending columns); the peers appear as rows whose
 * Brand Owner is not "Own Brand" *(inferred: the sample shows only the own brand)*.
 */
import { hashed } from './audience-insights.ts';
import type { BrandMetricsRecord } from './brand-metrics.ts';
import type { World } from './world.ts';

export interface BenchmarkedMetric {
  /** The Brand Metrics metric whose value the brand has (`brandedSearchesOnly`…). */
  value: string;
  /** Brand Metrics' category median and top performer cells of the same metric. */
  median: string;
  topPerformers: string | null;
  /** The metric's name in the Brand Report. */
  reportName: string;
  kind: 'count' | 'rate';
}

export const BENCHMARKED_METRICS: readonly BenchmarkedMetric[] = [
  {
    value: 'brandedSearchesOnly',
    median: 'brandedSearchesCategoryMedian',
    topPerformers: 'brandedSearchesCategoryTopPerformers',
    reportName: 'Branded Searches',
    kind: 'count',
  },
  {
    value: 'viewedDetailPageOnly',
    median: 'viewedDetailPageCategoryMedian',
    topPerformers: 'viewedDetailPageCategoryTopPerformers',
    reportName: 'Detail Page Views',
    kind: 'count',
  },
  {
    value: 'addToCarts',
    median: 'addToCartsCategoryMedian',
    topPerformers: 'addToCartsCategoryTopPerformers',
    reportName: 'Add to Carts',
    kind: 'count',
  },
  { value: 'brandCustomers', median: 'brandCustomersCategoryMedian', topPerformers: null, reportName: 'Brand Customers', kind: 'count' },
  {
    value: 'customerConversionRate',
    median: 'customerConversionRateCategoryMedian',
    topPerformers: 'customerConversionRateCategoryTopPerformers',
    reportName: 'Customer Conversion Rate',
    kind: 'rate',
  },
  {
    value: 'newToBrandCustomerRate',
    median: 'newToBrandCustomerRateCategoryMedian',
    topPerformers: 'newToBrandCustomerRateCategoryTopPerformers',
    reportName: 'New-to-Brand Customer Rate',
    kind: 'rate',
  },
];

const PEER_BRANDS = [
  'Northwind',
  'Bluepeak',
  'Crestline',
  'Driftwood Co',
  'Evergreen Goods',
  'Foxglove',
  'Granite & Pine',
  'Harbor Lane',
  'Ironbark',
  'Juniper Works',
  'Kestrel',
  'Larkspur',
  'Meridian',
  'Nimbus',
  'Oakridge',
  'Pinnacle',
  'Quayside',
  'Redwood Row',
  'Sablewood',
];

export interface BenchmarkBrand {
  brandName: string;
  /** The world's profile ids whose brand this is (empty for peers). */
  profileIds: number[];
  values: Record<string, number>;
}

export interface CategoryDistribution {
  marketplace: string;
  category: string;
  brands: BenchmarkBrand[];
  /** Per Brand Metrics value metric: the category's percentiles. */
  percentiles: Record<string, { p25: number; p50: number; p75: number; p90: number }>;
}

/** Linear interpolation between the closest ranks (the "type 7" quantile): what the BFF computes from the report. */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = (sorted.length - 1) * p;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  const a = sorted[low] as number;
  const b = sorted[high] as number;
  return a + (b - a) * (at - low);
}

function peerValue(key: string, metric: BenchmarkedMetric): number {
  if (metric.kind === 'rate') return Math.round(hashed(key, 0.02, 0.6) * 10_000) / 10_000;
  // Counts over the same range Brand Metrics draws the world's brands from, so those land anywhere in the category.
  return Math.round(hashed(key, 100, 90_000));
}

const rounded = (value: number, metric: BenchmarkedMetric) =>
  metric.kind === 'rate' ? Math.round(value * 10_000) / 10_000 : Math.round(value);

/** The brands and distributions of every category and marketplace the world's brands sell in. */
export function categoryDistributions(world: World, records: readonly BrandMetricsRecord[]): CategoryDistribution[] {
  const byKey = new Map<string, CategoryDistribution>();
  for (const record of records) {
    const profile = world.profiles.find((p) => p.profileId === record.profileId);
    if (!profile) continue;
    const marketplace = profile.marketplace.code;
    const category = record.metadata.categoryNodeName;
    const key = `${marketplace}|${category}`;
    let distribution = byKey.get(key);
    if (!distribution) {
      distribution = { marketplace, category, brands: [], percentiles: {} };
      for (const peer of PEER_BRANDS) {
        const values: Record<string, number> = {};
        for (const metric of BENCHMARKED_METRICS) values[metric.value] = peerValue(`${key}|${peer}|${metric.value}`, metric);
        distribution.brands.push({ brandName: peer, profileIds: [], values });
      }
      byKey.set(key, distribution);
    }
    const own = distribution.brands.find((b) => b.brandName === record.metadata.brandName);
    const values: Record<string, number> = {};
    for (const metric of BENCHMARKED_METRICS) values[metric.value] = Number(record.metrics[metric.value]);
    if (own) own.profileIds.push(record.profileId);
    else distribution.brands.push({ brandName: record.metadata.brandName, profileIds: [record.profileId], values });
  }
  for (const distribution of byKey.values()) {
    for (const metric of BENCHMARKED_METRICS) {
      const sorted = distribution.brands
        .map((b) => b.values[metric.value])
        .filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
        .sort((a, b) => a - b);
      distribution.percentiles[metric.value] = {
        p25: rounded(quantile(sorted, 0.25), metric),
        p50: rounded(quantile(sorted, 0.5), metric),
        p75: rounded(quantile(sorted, 0.75), metric),
        p90: rounded(quantile(sorted, 0.9), metric),
      };
    }
  }
  return [...byKey.values()];
}

/**
 * Sets Brand Metrics' category median and top-performer cells from the distributions (p50 and p90). A cell Amazon
 * left `N/A` (a small category without top performers) stays so.
 */
export function alignBrandMetrics(world: World, records: BrandMetricsRecord[]): void {
  const distributions = categoryDistributions(world, records);
  for (const record of records) {
    const profile = world.profiles.find((p) => p.profileId === record.profileId);
    const distribution = distributions.find(
      (d) => d.marketplace === profile?.marketplace.code && d.category === record.metadata.categoryNodeName,
    );
    if (!distribution) continue;
    for (const metric of BENCHMARKED_METRICS) {
      const percentiles = distribution.percentiles[metric.value];
      if (!percentiles) continue;
      const text = (value: number) => (metric.kind === 'rate' ? value.toFixed(4) : String(value));
      record.metrics[metric.median] = text(percentiles.p50);
      if (metric.topPerformers && record.metrics[metric.topPerformers] !== 'N/A')
        record.metrics[metric.topPerformers] = text(percentiles.p90);
    }
  }
}
