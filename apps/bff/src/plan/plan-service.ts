/**
 * The plan view of an advertiser, read from what the insight services last stored (no upstream call): the persona
 * (Persona Builder), the overlapping audiences best affinity first (Audience Insights) and the reach curve (Reach
 * Forecasting), per profile. Items a person dismissed stay out; expired and superseded ones are no longer current.
 */
import type { AdvertiserPlan, PlanProfile } from '@recdesk/shared-types';
import { z } from 'zod';
import type { Db } from '../db/database.ts';
import { withPlanningFacts } from './plan-facts.ts';

/** How many overlapping audiences a plan shows per profile. */
export const PLAN_OVERLAPS = 10;
const PLAN_SOURCES = ['audience-insights', 'persona-builder', 'reach-forecasting'] as const;
const NOT_CURRENT = ['expired', 'superseded', 'dismissed'];

const OverlapRawSchema = z.looseObject({
  overlap: z.looseObject({
    affinity: z.number(),
    audienceMetadata: z.looseObject({
      audienceId: z.string(),
      name: z.string(),
      category: z.string(),
      audienceForecast: z
        .looseObject({ dailyReach: z.looseObject({ lowerBound: z.number(), upperBound: z.number() }).optional() })
        .optional(),
    }),
  }),
});
const PersonaRawSchema = z.looseObject({
  audience: z.looseObject({ audienceName: z.string() }),
  retailCategories: z.array(
    z.looseObject({ name: z.string(), insightMetrics: z.looseObject({ affinity: z.number(), overlapPercentage: z.number() }) }),
  ),
});
const ForecastRawSchema = z.looseObject({
  request: z.looseObject({ startDate: z.string(), endDate: z.string() }),
  forecast: z.looseObject({
    currencyCode: z.string(),
    creationDateTime: z.string(),
    dataPoints: z.array(z.looseObject({ spend: z.number(), reach: z.number(), impressions: z.number() })),
  }),
});

export class PlanService {
  constructor(private readonly db: Db) {}

  async forAdvertiser(advertiserId: string): Promise<AdvertiserPlan> {
    const rows = await this.db
      .selectFrom('recommendations')
      .select(['source', 'profile_id', 'marketplace', 'advertiser_name', 'raw'])
      .where('advertiser_id', '=', advertiserId)
      .where('source', 'in', [...PLAN_SOURCES])
      .where('status', 'not in', NOT_CURRENT)
      .orderBy('profile_id')
      .execute();
    const profiles = new Map<string, PlanProfile>();
    let advertiserName: string | null = null;
    for (const row of rows) {
      advertiserName ??= row.advertiser_name;
      const profileId = row.profile_id ?? '';
      const profile =
        profiles.get(profileId) ??
        ({ profileId, marketplace: row.marketplace, persona: null, overlaps: [], forecast: null } satisfies PlanProfile);
      profiles.set(profileId, profile);
      if (row.source === 'audience-insights') {
        const raw = OverlapRawSchema.safeParse(row.raw);
        if (!raw.success) continue;
        const { affinity, audienceMetadata: audience } = raw.data.overlap;
        const reach = audience.audienceForecast?.dailyReach;
        profile.overlaps.push({
          audienceId: audience.audienceId,
          name: audience.name,
          category: audience.category,
          affinity,
          dailyReach: reach ? { lower: reach.lowerBound, upper: reach.upperBound } : null,
        });
      } else if (row.source === 'persona-builder') {
        const raw = PersonaRawSchema.safeParse(row.raw);
        if (!raw.success) continue;
        profile.persona = {
          audienceName: raw.data.audience.audienceName,
          categories: raw.data.retailCategories
            .map((c) => ({ name: c.name, affinity: c.insightMetrics.affinity, overlapPercentage: c.insightMetrics.overlapPercentage }))
            .sort((a, b) => b.affinity - a.affinity),
        };
      } else {
        const raw = ForecastRawSchema.safeParse(row.raw);
        if (!raw.success) continue;
        profile.forecast = {
          startDate: raw.data.request.startDate,
          endDate: raw.data.request.endDate,
          currency: raw.data.forecast.currencyCode,
          createdAt: raw.data.forecast.creationDateTime,
          points: raw.data.forecast.dataPoints
            .map((p) => ({ spend: p.spend, reach: p.reach, impressions: p.impressions }))
            .sort((a, b) => a.spend - b.spend),
        };
      }
    }
    for (const profile of profiles.values()) {
      profile.overlaps.sort((a, b) => b.affinity - a.affinity || a.name.localeCompare(b.name));
      profile.overlaps.splice(PLAN_OVERLAPS);
    }
    // Brand Benchmarks and the rest of the persona (plan-facts.ts).
    return withPlanningFacts(this.db, { advertiserId, advertiserName, profiles: [...profiles.values()] });
  }
}
