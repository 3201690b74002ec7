/**
 * The upstream sources RecDesk ingests, and how fresh each one's data is expected to be. The freshness policy is the
 * default; the BFF may override it from configuration.
 */
import { z } from 'zod';

export const RECOMMENDATION_SOURCES = [
  'partner-opportunities',
  'unified-recommendations',
  'sp-consolidated',
  'sp-budget',
  'sp-theme-bids',
  'sp-targeting',
  'sb-recommendations',
  'sd-recommendations',
  'brand-metrics',
  'audience-insights',
  'reach-forecasting',
  'persona-builder',
  'brand-benchmarks',
  'historic-reach',
  'marketing-stream',
  /** Drafted by a person on the Plan page from a reach forecast (no upstream: RecDesk itself is the source). */
  'plan',
] as const;

export const RecommendationSourceSchema = z.enum(RECOMMENDATION_SOURCES);
export type RecommendationSource = z.infer<typeof RecommendationSourceSchema>;

export const SOURCE_LABELS: Readonly<Record<RecommendationSource, string>> = {
  'partner-opportunities': 'Partner Opportunities',
  'unified-recommendations': 'Recommendations API',
  'sp-consolidated': 'SP consolidated',
  'sp-budget': 'SP budget',
  'sp-theme-bids': 'SP theme-based bids',
  'sp-targeting': 'SP targeting',
  'sb-recommendations': 'SB recommendations',
  'sd-recommendations': 'SD recommendations',
  'brand-metrics': 'Brand Metrics',
  'audience-insights': 'Audience Insights',
  'reach-forecasting': 'Reach Forecasting',
  'persona-builder': 'Persona Builder',
  'brand-benchmarks': 'Brand Benchmarks',
  'historic-reach': 'Historic Reach',
  'marketing-stream': 'Marketing Stream',
  plan: 'Plan',
};

export const FreshnessSchema = z.enum(['fresh', 'aging', 'stale']);
export type Freshness = z.infer<typeof FreshnessSchema>;

export const FreshnessPolicySchema = z.object({
  /** Younger than this is fresh. */
  freshForMs: z.number().int().positive(),
  /** Older than this is stale; in between is aging. */
  staleAfterMs: z.number().int().positive(),
});
export type FreshnessPolicy = z.infer<typeof FreshnessPolicySchema>;

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** Partner Opportunities refresh every 24 h and consolidated recommendations daily (shared/seeds); Stream is real time. */
export const DEFAULT_FRESHNESS_POLICIES: Readonly<Record<RecommendationSource, FreshnessPolicy>> = {
  'partner-opportunities': { freshForMs: 24 * HOUR, staleAfterMs: 48 * HOUR },
  'unified-recommendations': { freshForMs: 24 * HOUR, staleAfterMs: 48 * HOUR },
  'sp-consolidated': { freshForMs: 24 * HOUR, staleAfterMs: 48 * HOUR },
  'sp-budget': { freshForMs: 24 * HOUR, staleAfterMs: 48 * HOUR },
  'sp-theme-bids': { freshForMs: 24 * HOUR, staleAfterMs: 72 * HOUR },
  'sp-targeting': { freshForMs: 7 * 24 * HOUR, staleAfterMs: 14 * 24 * HOUR },
  // SB and SD budget, bid, targeting and headline recommendations are regenerated daily, like SP budget ones.
  'sb-recommendations': { freshForMs: 24 * HOUR, staleAfterMs: 48 * HOUR },
  'sd-recommendations': { freshForMs: 24 * HOUR, staleAfterMs: 48 * HOUR },
  'brand-metrics': { freshForMs: 7 * 24 * HOUR, staleAfterMs: 14 * 24 * HOUR },
  // Overlapping audiences are recomputed weekly upstream; a week-old overlap is still what shoppers do.
  'audience-insights': { freshForMs: 7 * 24 * HOUR, staleAfterMs: 14 * 24 * HOUR },
  // A forecast prices today's inventory and contention: a day old is aging, three days old is stale.
  'reach-forecasting': { freshForMs: 24 * HOUR, staleAfterMs: 72 * HOUR },
  // Personas describe who buys, which moves slowly: weekly like the overlaps.
  'persona-builder': { freshForMs: 7 * 24 * HOUR, staleAfterMs: 14 * 24 * HOUR },
  // Brand View Pro indexes its reports weekly: a report of last week is fresh, one of the week before is aging.
  'brand-benchmarks': { freshForMs: 8 * 24 * HOUR, staleAfterMs: 15 * 24 * HOUR },
  // History does not change, but the curve of the last 12 weeks moves on each week.
  'historic-reach': { freshForMs: 8 * 24 * HOUR, staleAfterMs: 22 * 24 * HOUR },
  'marketing-stream': { freshForMs: 15 * MINUTE, staleAfterMs: 60 * MINUTE },
  // A plan rests on its forecast, which prices today's inventory: it ages like one.
  plan: { freshForMs: 24 * HOUR, staleAfterMs: 72 * HOUR },
};

export function freshnessOf(ageMs: number, policy: FreshnessPolicy): Freshness {
  if (ageMs < policy.freshForMs) return 'fresh';
  if (ageMs < policy.staleAfterMs) return 'aging';
  return 'stale';
}

/**
 * The sponsored ad product a source's items belong to: Sponsored Products, Sponsored Brands or Sponsored Display.
 * Sources spanning several products (Partner Opportunities, the Recommendations API, Brand Metrics) have none: their
 * items are about the advertiser rather than one product's campaigns.
 */
export const AD_PRODUCTS = ['SP', 'SB', 'SD'] as const;
export const AdProductSchema = z.enum(AD_PRODUCTS);
export type AdProduct = z.infer<typeof AdProductSchema>;

export const AD_PRODUCT_LABELS: Readonly<Record<AdProduct, string>> = {
  SP: 'Sponsored Products',
  SB: 'Sponsored Brands',
  SD: 'Sponsored Display',
};

const AD_PRODUCT_OF_SOURCE: Readonly<Partial<Record<RecommendationSource, AdProduct>>> = {
  'sp-consolidated': 'SP',
  'sp-budget': 'SP',
  'sp-theme-bids': 'SP',
  'sp-targeting': 'SP',
  // Marketing Stream signals are SP budget and bid changes (see the stream normaliser).
  'marketing-stream': 'SP',
  'sb-recommendations': 'SB',
  'sd-recommendations': 'SD',
};

export function adProductOf(source: RecommendationSource): AdProduct | null {
  return AD_PRODUCT_OF_SOURCE[source] ?? null;
}

/** The sources whose items belong to an ad product (for filtering by it). */
export function sourcesOfAdProduct(product: AdProduct): RecommendationSource[] {
  return RECOMMENDATION_SOURCES.filter((source) => AD_PRODUCT_OF_SOURCE[source] === product);
}
