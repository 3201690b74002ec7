/**
 * A category's benchmarks → one strategic insight per profile and category (kind `strategic`, goal `strategic`): where
 * the brand's funnel stands against the other brands of its category, in words, led by its weakest metric. The key is
 * the profile and the category, so next week's report replaces this week's instead of piling up; the benchmarks and
 * the report's rows of the category stay in `raw`. Expires four weeks after the report's index date (a weekly report
 * four weeks old has been superseded upstream). Never applicable: a benchmark is something to plan from.
 */
import type { NormalisedRecommendation } from '@recdesk/shared-types';
import type { AdsProfile } from '../../ads-client/profiles.ts';
import { profileInsight } from '../shared/profile-insight.ts';
import type { ReportMetadata } from './bb-api.ts';
import type { CategoryBenchmarks, MetricBenchmark } from './bb-report.ts';

const DAY_MS = 86_400_000;
export const BENCHMARK_LIFETIME_DAYS = 28;

export function bandOf(metric: MetricBenchmark): string {
  const { value } = metric;
  if (value === null) return 'not reported';
  if (value < metric.p25) return 'in the bottom quarter';
  if (value < metric.p50) return 'below the median';
  if (value < metric.p75) return 'above the median';
  if (value < metric.p90) return 'in the top quarter';
  return 'among the top 10%';
}

export function shown(metric: MetricBenchmark, value: number): string {
  return metric.kind === 'rate' ? `${(value * 100).toFixed(1)}%` : Math.round(value).toLocaleString('en-US');
}

export function normaliseBenchmarks(
  benchmarks: CategoryBenchmarks,
  report: ReportMetadata,
  advertiserCode: string,
  profile: AdsProfile,
): NormalisedRecommendation | { reason: string } {
  const rated = benchmarks.metrics.filter((m) => m.value !== null && m.percentile !== null);
  if (!benchmarks.ownBrand || rated.length === 0)
    return { reason: `the Brand Report lists no metric of the own brand in ${benchmarks.category}` };
  const weakest = [...rated].sort((a, b) => (a.percentile ?? 0) - (b.percentile ?? 0))[0] as MetricBenchmark;
  const brand = benchmarks.ownBrand;
  const indexed = new Date(`${report.indexDate}T00:00:00.000Z`);
  const lines = rated.map(
    (m) =>
      `${m.label} ${shown(m, m.value as number)} is ${bandOf(m)} (percentile ${m.percentile}; p25 ${shown(m, m.p25)}, median ${shown(m, m.p50)}, ` +
      `p75 ${shown(m, m.p75)})`,
  );
  return {
    source: 'brand-benchmarks',
    sourceRecommendationId: `${profile.profileId}|${benchmarks.category}|brandBenchmarks`,
    sourceType: 'BRAND_BENCHMARKS',
    kind: 'strategic',
    goal: 'strategic',
    title:
      `${brand} (${profile.countryCode}) in ${benchmarks.category}: ${weakest.label.toLowerCase()} ${shown(weakest, weakest.value as number)} is ` +
      `${bandOf(weakest)} of ${weakest.brands} brands (median ${shown(weakest, weakest.p50)})`,
    description:
      `Brand View Pro compares ${brand} with the ${weakest.brands} brands of ${benchmarks.category} for the week ending ` +
      `${(benchmarks.week ?? '').replace(/^WE: /, '') || report.indexDate}. ${lines.join('; ')}. ` +
      `The weakest stage of the funnel is where planning should start: ${weakest.stage === 'awareness' ? 'more shoppers need to find the brand' : weakest.stage === 'consideration' ? 'shoppers find the brand but do not consider it' : 'shoppers consider the brand but do not buy'}.`,
    ...profileInsight(profile, { targetText: benchmarks.category, brandName: brand }),
    estimatedImpact: [],
    generatedAt: indexed.toISOString(),
    expiresAt: new Date(indexed.getTime() + BENCHMARK_LIFETIME_DAYS * DAY_MS).toISOString(),
    raw: {
      advertiserCode,
      report,
      category: benchmarks.category,
      ownBrand: brand,
      week: benchmarks.week,
      benchmarks: benchmarks.metrics,
      rows: benchmarks.rows,
    },
  };
}
