/**
 * The Brand Report (Brand View Pro) read into benchmarks: per category (the root browse node), each funnel metric's
 * distribution over the brands the report lists (p25, p50, p75, p90, by linear interpolation between ranks) and where
 * the own brand ("Brand Owner" = "Own Brand") stands in it. The value of a brand is its latest week ("WE: …" column,
 * the last with a number), the week Brand Metrics reports too. Rows of other metric types (YoY) and metrics RecDesk
 * does not benchmark are kept in raw but not counted; a row without a brand, metric or category, or with a value that
 * is not a number, is malformed; the same brand and metric listed twice is folded (the later row wins).
 */
import { readCsvRows } from '../shared/csv-rows.ts';

/** The Brand Report's metric names RecDesk benchmarks, and their keys in rules and the plan. */
export const BENCHMARK_METRICS = {
  'Branded Searches': { key: 'brandedSearches', label: 'Branded searches', stage: 'awareness', kind: 'count' },
  'Detail Page Views': { key: 'detailPageViews', label: 'Detail page views', stage: 'consideration', kind: 'count' },
  'Add to Carts': { key: 'addToCarts', label: 'Add to carts', stage: 'consideration', kind: 'count' },
  'Brand Customers': { key: 'brandCustomers', label: 'Brand customers', stage: 'purchase', kind: 'count' },
  'Customer Conversion Rate': { key: 'customerConversionRate', label: 'Customer conversion rate', stage: 'purchase', kind: 'rate' },
  'New-to-Brand Customer Rate': { key: 'newToBrandCustomerRate', label: 'New-to-brand customer rate', stage: 'purchase', kind: 'rate' },
} as const;
export type BenchmarkMetricKey = (typeof BENCHMARK_METRICS)[keyof typeof BENCHMARK_METRICS]['key'];

export interface MetricBenchmark {
  key: BenchmarkMetricKey;
  label: string;
  stage: string;
  kind: 'count' | 'rate';
  /** The own brand's value, or null when the report has none for it. */
  value: number | null;
  p25: number;
  p50: number;
  p75: number;
  p90: number;
  brands: number;
  /** Share of the category's brands below the own brand (0–100), or null. */
  percentile: number | null;
}

export interface CategoryBenchmarks {
  category: string;
  ownBrand: string | null;
  week: string | null;
  metrics: MetricBenchmark[];
  rows: Record<string, string>[];
}

export interface BrandReport {
  categories: CategoryBenchmarks[];
  malformed: { line: number; reason: string; raw: unknown }[];
  folded: number;
}

export function quantile(sorted: readonly number[], p: number): number {
  const at = (sorted.length - 1) * p;
  const low = sorted[Math.floor(at)] as number;
  const high = sorted[Math.ceil(at)] as number;
  return low + (high - low) * (at - Math.floor(at));
}

const round = (value: number, kind: 'count' | 'rate') => (kind === 'rate' ? Math.round(value * 10_000) / 10_000 : Math.round(value));
const EMPTY = new Set(['', 'N/A', '-']);

export async function readBrandReport(csv: string): Promise<BrandReport> {
  const report: BrandReport = { categories: [], malformed: [], folded: 0 };
  // category → metric → brand → value
  const values = new Map<string, Map<string, Map<string, number>>>();
  const byCategory = new Map<string, CategoryBenchmarks>();
  for await (const item of readCsvRows(new Blob([csv]).stream())) {
    if (!item.ok) {
      report.malformed.push({ line: item.line, reason: item.reason, raw: item.raw });
      continue;
    }
    const row = item.row;
    const category = row['Root Browse Node']?.trim();
    const brand = row['Brand Name']?.trim();
    const metric = row['Metric Name']?.trim();
    if (!category || !brand || !metric) {
      report.malformed.push({ line: item.line, reason: 'row without Root Browse Node, Brand Name or Metric Name', raw: row });
      continue;
    }
    const weeks = Object.keys(row)
      .filter((c) => c.startsWith('WE: '))
      .sort();
    const bad = [...weeks, 'YTD', 'TTM'].find(
      (c) => !EMPTY.has((row[c] ?? '').trim()) && !Number.isFinite(Number((row[c] ?? '').replace(/,/g, ''))),
    );
    if (bad) {
      report.malformed.push({ line: item.line, reason: `${bad} is not a number: "${row[bad]}"`, raw: row });
      continue;
    }
    const entry = byCategory.get(category) ?? { category, ownBrand: null, week: null, metrics: [], rows: [] };
    byCategory.set(category, entry);
    entry.rows.push(row);
    if (row['Brand Owner']?.trim() === 'Own Brand') entry.ownBrand = brand;
    const known = BENCHMARK_METRICS[metric as keyof typeof BENCHMARK_METRICS];
    if (!known || row['Metric Type']?.trim() !== 'Absolute') continue;
    const week = [...weeks].reverse().find((c) => !EMPTY.has((row[c] ?? '').trim()));
    if (!week) continue;
    if (!entry.week || week > entry.week) entry.week = week;
    const perMetric = values.get(category) ?? new Map<string, Map<string, number>>();
    values.set(category, perMetric);
    const perBrand = perMetric.get(known.key) ?? new Map<string, number>();
    perMetric.set(known.key, perBrand);
    if (perBrand.has(brand)) report.folded++;
    perBrand.set(brand, Number((row[week] as string).replace(/,/g, '')));
  }
  for (const entry of byCategory.values()) {
    for (const known of Object.values(BENCHMARK_METRICS)) {
      const perBrand = values.get(entry.category)?.get(known.key);
      if (!perBrand || perBrand.size === 0) continue;
      const sorted = [...perBrand.values()].sort((a, b) => a - b);
      const value = entry.ownBrand ? (perBrand.get(entry.ownBrand) ?? null) : null;
      const below = value === null ? 0 : sorted.filter((v) => v < value).length + sorted.filter((v) => v === value).length / 2 - 0.5;
      entry.metrics.push({
        key: known.key,
        label: known.label,
        stage: known.stage,
        kind: known.kind,
        value,
        p25: round(quantile(sorted, 0.25), known.kind),
        p50: round(quantile(sorted, 0.5), known.kind),
        p75: round(quantile(sorted, 0.75), known.kind),
        p90: round(quantile(sorted, 0.9), known.kind),
        brands: sorted.length,
        percentile: value === null || sorted.length < 2 ? null : Math.round((below / (sorted.length - 1)) * 100),
      });
    }
    report.categories.push(entry);
  }
  return report;
}
