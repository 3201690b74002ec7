/**
 * An advertiser's plan view (read-only): per profile, the persona of its customers (top categories purchased), the
 * audiences they overlap with (affinity, daily reach), and the latest reach forecast's curve, read from the insight
 * services' latest items.
 */
import { z } from 'zod';

const BoundsSchema = z.object({ lower: z.number(), upper: z.number() });

export const PlanOverlapSchema = z.object({
  audienceId: z.string(),
  name: z.string(),
  category: z.string(),
  affinity: z.number(),
  dailyReach: BoundsSchema.nullable(),
});

export const PlanForecastSchema = z.object({
  startDate: z.string(),
  endDate: z.string(),
  currency: z.string(),
  createdAt: z.string(),
  points: z.array(z.object({ spend: z.number(), reach: z.number(), impressions: z.number() })),
});

/** A funnel metric of the brand against its category's brands (Brand Benchmarks). */
export const PlanBenchmarkMetricSchema = z.object({
  key: z.string(),
  label: z.string(),
  stage: z.string(),
  kind: z.enum(['count', 'rate']),
  value: z.number().nullable(),
  p25: z.number(),
  p50: z.number(),
  p75: z.number(),
  p90: z.number(),
  /** Share of the category's brands below this one (0–100). */
  percentile: z.number().nullable(),
  brands: z.number(),
});

export const PlanBenchmarksSchema = z.object({
  category: z.string(),
  brand: z.string(),
  indexDate: z.string(),
  metrics: z.array(PlanBenchmarkMetricSchema),
});

/** The rest of the persona (Persona Builder): banded size, demographics and top overlapping audiences. */
export const PlanPersonaFactsSchema = z.object({
  size: z.object({ min: z.number(), max: z.number().nullable() }).nullable(),
  demographics: z.array(
    z.object({ dimension: z.string(), segments: z.array(z.object({ label: z.string(), share: z.number(), affinity: z.number() })) }),
  ),
  topAudiences: z.array(
    z.object({
      audienceId: z.string(),
      name: z.string(),
      category: z.string(),
      affinity: z.number(),
      overlapPercentage: z.number(),
      dailyReach: BoundsSchema.nullable(),
    }),
  ),
});

export const PlanProfileSchema = z.object({
  profileId: z.string(),
  marketplace: z.string().nullable(),
  persona: z
    .object({
      audienceName: z.string(),
      categories: z.array(z.object({ name: z.string(), affinity: z.number(), overlapPercentage: z.number() })),
    })
    .nullable(),
  overlaps: z.array(PlanOverlapSchema),
  forecast: PlanForecastSchema.nullable(),
  benchmarks: z.array(PlanBenchmarksSchema).optional(),
  personaFacts: PlanPersonaFactsSchema.nullable().optional(),
});

export const AdvertiserPlanSchema = z.object({
  advertiserId: z.string(),
  advertiserName: z.string().nullable(),
  profiles: z.array(PlanProfileSchema),
});
export type AdvertiserPlan = z.infer<typeof AdvertiserPlanSchema>;
export type PlanProfile = z.infer<typeof PlanProfileSchema>;
export type PlanForecast = z.infer<typeof PlanForecastSchema>;
export type PlanBenchmarks = z.infer<typeof PlanBenchmarksSchema>;
export type PlanBenchmarkMetric = z.infer<typeof PlanBenchmarkMetricSchema>;
export type PlanPersonaFacts = z.infer<typeof PlanPersonaFactsSchema>;
