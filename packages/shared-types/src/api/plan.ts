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
});

export const AdvertiserPlanSchema = z.object({
  advertiserId: z.string(),
  advertiserName: z.string().nullable(),
  profiles: z.array(PlanProfileSchema),
});
export type AdvertiserPlan = z.infer<typeof AdvertiserPlanSchema>;
export type PlanProfile = z.infer<typeof PlanProfileSchema>;
export type PlanForecast = z.infer<typeof PlanForecastSchema>;
