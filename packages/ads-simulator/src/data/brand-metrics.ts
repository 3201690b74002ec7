/**
 * Brand Metrics of the simulated advertisers (shared/ads-api/specs/brand-metrics.json, facts.md §3): one record per
 * profile, brand and category node, with the published metric names. Values are strings, as in Amazon's samples,
 * and some cells are `N/A` (the Subscribe & Save metrics of brands without SnS, a missing category benchmark).
 */
import { en, Faker } from '@faker-js/faker';
import { alignBrandMetrics } from './brand-benchmarks.ts';
import type { World } from './world.ts';

/** The metric names the published request schema lists (v1.1). */
export const BRAND_METRIC_NAMES = [
  'totalSnSCustomers',
  'newToBrandSnSCustomersRate',
  'engagedShopperRateLowerBound',
  'engagedShopperRateUpperBound',
  'engagedShopperRateCategoryMedianLowerBound',
  'engagedShopperRateCategoryMedianUpperBound',
  'engagedShopperRateCategoryTopPerformersLowerBound',
  'engagedShopperRateCategoryTopPerformersUpperBound',
  'customerConversionRate',
  'customerConversionRateCategoryMedian',
  'customerConversionRateCategoryTopPerformers',
  'newToBrandCustomerRate',
  'newToBrandCustomerRateCategoryMedian',
  'newToBrandCustomerRateCategoryTopPerformers',
  'brandedSearchesOnly',
  'brandedSearchesCategoryMedian',
  'brandedSearchesCategoryTopPerformers',
  'viewedDetailPageOnly',
  'viewedDetailPageCategoryMedian',
  'viewedDetailPageCategoryTopPerformers',
  'viewedDetailPageOnlyReturnOnEngagement',
  'viewedDetailPageROECategoryMedian',
  'viewedDetailPageROECategoryTopPerformers',
  'brandedSearchesAndDetailPageViews',
  'brandedSearchesAndDetailPageViewsCategoryMedian',
  'brandedSearchesAndDetailPageViewsCategoryTopPerformers',
  'brandedSearchesAndDetailPageViewsReturnOnEngagement',
  'brandedSearchesAndDetailPageViewsROECategoryMedian',
  'brandedSearchesAndDetailPageViewsROECategoryTopPerformers',
  'addToCarts',
  'addToCartsCategoryMedian',
  'addToCartsCategoryTopPerformers',
  'addToCartsReturnOnEngagement',
  'addToCartsROECategoryMedian',
  'addToCartsROECategoryTopPerformers',
  'brandCustomers',
  'brandCustomersCategoryMedian',
  'brandCustomersReturnOnEngagement',
  'brandCustomersROECategoryMedian',
  'brandCustomersROECategoryTopPerformers',
  'highValueCustomers',
  'highValueCustomersCategoryMedian',
  'highValueCustomersTopPerformers',
  'highValueCustomersReturnOnEngagement',
  'highValueCustomersROECategoryMedian',
  'highValueCustomersCategoryTopPerformers',
  'awarenessIndex',
  'considerationIndex',
  'salesIndex',
] as const;

export const BRAND_METRICS_METADATA_COLUMNS = [
  'metricsComputationDate',
  'brandName',
  'categoryNodeName',
  'categoryNodeTreeName',
  'lookbackPeriod',
] as const;

export interface BrandMetricsRecord {
  profileId: number;
  metadata: {
    metricsComputationDate: string;
    brandName: string;
    categoryNodeName: string;
    categoryNodeTreeName: string;
    lookbackPeriod: string;
  };
  metrics: Record<string, string>;
}

const CATEGORIES: readonly [string, string][] = [
  ['Kitchen & Dining', 'us-home'],
  ['Sports & Outdoors', 'us-sporting-goods'],
  ['Electronics', 'us-electronics'],
  ['Pet Supplies', 'us-pet-supplies'],
];

export function createBrandMetrics(world: World, now: Date, seed = world.seed): BrandMetricsRecord[] {
  const faker = new Faker({ locale: [en] });
  faker.seed(seed + 17);
  // Brand Metrics are computed weekly; the latest computation is last Sunday.
  const computed = new Date(now.getTime() - (now.getUTCDay() || 7) * 86_400_000);
  const metricsComputationDate = computed.toISOString().slice(0, 10);
  const records: BrandMetricsRecord[] = [];
  for (const profile of world.profiles) {
    const categories = faker.helpers.arrayElements(CATEGORIES, 2);
    const hasSubscribeAndSave = faker.datatype.boolean();
    for (const [categoryNodeName, categoryNodeTreeName] of categories) {
      const rate = () => faker.number.float({ min: 0.02, max: 0.6, fractionDigits: 4 }).toFixed(4);
      const count = () => String(faker.number.int({ min: 100, max: 90_000 }));
      const metrics: Record<string, string> = {};
      for (const name of BRAND_METRIC_NAMES) {
        if (name.startsWith('totalSnS') || name.startsWith('newToBrandSnS')) metrics[name] = hasSubscribeAndSave ? count() : 'N/A';
        else if (/Rate|ReturnOnEngagement|ROE/.test(name)) metrics[name] = rate();
        else if (name.endsWith('Index')) metrics[name] = faker.number.float({ min: 10, max: 100, fractionDigits: 1 }).toFixed(1);
        else metrics[name] = count();
      }
      // Small categories have no top-performer benchmark.
      if (faker.number.int({ min: 0, max: 3 }) === 0) metrics.customerConversionRateCategoryTopPerformers = 'N/A';
      records.push({
        profileId: profile.profileId,
        metadata: {
          metricsComputationDate,
          brandName: profile.advertiser.brand,
          categoryNodeName,
          categoryNodeTreeName:
            profile.marketplace.code === 'US'
              ? categoryNodeTreeName
              : categoryNodeTreeName.replace(/^us-/, `${profile.marketplace.code.toLowerCase()}-`),
          lookbackPeriod: '1w',
        },
        metrics,
      });
    }
  }
  // Category medians and top performers come from the category's distribution (brand-benchmarks.ts), as Amazon's do.
  alignBrandMetrics(world, records);
  return records;
}
