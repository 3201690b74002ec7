/**
 * What the Plan view adds from Brand Benchmarks and the rest of Persona Builder, kept apart from plan-service.ts's own
 * reading: per profile, the brand's funnel against its category's brands (p25/p50/p75/p90 per metric) and the persona's
 * banded size, demographics and top overlapping audiences (their names as Persona Builder and audiences discovery give
 * them). Read from the current items' raw; a raw that does not parse is left out, never a failed page.
 */
import type { AdvertiserPlan, PlanBenchmarks, PlanPersonaFacts, PlanProfile } from '@recdesk/shared-types';
import { z } from 'zod';
import type { Db } from '../db/database.ts';

const NOT_CURRENT = ['expired', 'superseded', 'dismissed'];

const BenchmarksRawSchema = z.looseObject({
  category: z.string(),
  ownBrand: z.string(),
  report: z.looseObject({ indexDate: z.string() }),
  benchmarks: z.array(
    z.looseObject({
      key: z.string(),
      label: z.string(),
      stage: z.string(),
      kind: z.enum(['count', 'rate']),
      value: z.number().nullable(),
      p25: z.number(),
      p50: z.number(),
      p75: z.number(),
      p90: z.number(),
      percentile: z.number().nullable(),
      brands: z.number(),
    }),
  ),
});

const Metric = z.looseObject({ affinity: z.number(), overlapPercentage: z.number() });
const Range = z.looseObject({ min: z.number().optional(), max: z.number().optional() });
const PersonaRawSchema = z.looseObject({
  bandedSize: z.looseObject({ min: z.number(), max: z.number().optional() }).nullish(),
  demographics: z
    .looseObject({
      age: z.array(z.looseObject({ range: Range, insightMetrics: Metric })).optional(),
      gender: z.array(z.looseObject({ attribute: z.string(), insightMetrics: Metric })).optional(),
      income: z.array(z.looseObject({ range: Range, currency: z.string(), insightMetrics: Metric })).optional(),
      education: z.array(z.looseObject({ attribute: z.string(), insightMetrics: Metric })).optional(),
    })
    .nullish(),
  topAudiences: z
    .array(
      z.looseObject({
        id: z.string(),
        name: z.string(),
        category: z.string(),
        insightMetrics: Metric,
        forecast: z.looseObject({ dailyReach: z.looseObject({ lowerBound: z.number(), upperBound: z.number().optional() }) }).optional(),
      }),
    )
    .optional(),
});

const words = (value: string) => value.charAt(0) + value.slice(1).toLowerCase().replace(/_/g, ' ');
const thousands = (value: number) => (value >= 1000 ? `${Math.round(value / 1000)}k` : String(value));
const rangeText = (range: z.infer<typeof Range>, money = (v: number) => String(v)) =>
  range.max === undefined ? `${money(range.min ?? 0)}+` : `${money(range.min ?? 0)}–${money(range.max)}`;

export function personaFactsOf(raw: unknown): PlanPersonaFacts | null {
  const parsed = PersonaRawSchema.safeParse(raw);
  if (!parsed.success) return null;
  const { bandedSize, demographics, topAudiences } = parsed.data;
  if (!bandedSize && !demographics && !topAudiences) return null;
  const segment = (label: string, metric: z.infer<typeof Metric>) => ({
    label,
    share: metric.overlapPercentage,
    affinity: metric.affinity,
  });
  const dimensions: PlanPersonaFacts['demographics'] = [];
  if (demographics?.age)
    dimensions.push({ dimension: 'Age', segments: demographics.age.map((a) => segment(rangeText(a.range), a.insightMetrics)) });
  if (demographics?.gender)
    dimensions.push({ dimension: 'Gender', segments: demographics.gender.map((g) => segment(words(g.attribute), g.insightMetrics)) });
  if (demographics?.income)
    dimensions.push({
      dimension: 'Household income',
      segments: demographics.income.map((i) => segment(`${rangeText(i.range, thousands)} ${i.currency}`, i.insightMetrics)),
    });
  if (demographics?.education)
    dimensions.push({ dimension: 'Education', segments: demographics.education.map((e) => segment(words(e.attribute), e.insightMetrics)) });
  return {
    size: bandedSize ? { min: bandedSize.min, max: bandedSize.max ?? null } : null,
    demographics: dimensions,
    topAudiences: (topAudiences ?? []).map((a) => {
      const reach = a.forecast?.dailyReach;
      return {
        audienceId: a.id,
        name: a.name,
        category: a.category,
        affinity: a.insightMetrics.affinity,
        overlapPercentage: a.insightMetrics.overlapPercentage,
        dailyReach: reach ? { lower: reach.lowerBound, upper: reach.upperBound ?? reach.lowerBound } : null,
      };
    }),
  };
}

export function benchmarksOf(raw: unknown): PlanBenchmarks | null {
  const parsed = BenchmarksRawSchema.safeParse(raw);
  if (!parsed.success) return null;
  return {
    category: parsed.data.category,
    brand: parsed.data.ownBrand,
    indexDate: parsed.data.report.indexDate,
    metrics: parsed.data.benchmarks.map(({ key, label, stage, kind, value, p25, p50, p75, p90, percentile, brands }) => ({
      key,
      label,
      stage,
      kind,
      value,
      p25,
      p50,
      p75,
      p90,
      percentile,
      brands,
    })),
  };
}

/** The plan with each profile's benchmarks and persona facts added (profiles that only have benchmarks included). */
export async function withPlanningFacts(db: Db, plan: AdvertiserPlan): Promise<AdvertiserPlan> {
  const rows = await db
    .selectFrom('recommendations')
    .select(['source', 'profile_id', 'marketplace', 'advertiser_name', 'raw'])
    .where('advertiser_id', '=', plan.advertiserId)
    .where('source', 'in', ['brand-benchmarks', 'persona-builder'])
    .where('status', 'not in', NOT_CURRENT)
    .orderBy('profile_id')
    .execute();
  const profiles = new Map<string, PlanProfile>(
    plan.profiles.map((p) => [p.profileId, { ...p, benchmarks: p.benchmarks ?? [], personaFacts: p.personaFacts ?? null }]),
  );
  let advertiserName = plan.advertiserName;
  for (const row of rows) {
    advertiserName ??= row.advertiser_name;
    const profileId = row.profile_id ?? '';
    const profile: PlanProfile =
      profiles.get(profileId) ??
      ({
        profileId,
        marketplace: row.marketplace,
        persona: null,
        overlaps: [],
        forecast: null,
        benchmarks: [],
        personaFacts: null,
      } satisfies PlanProfile);
    profiles.set(profileId, profile);
    if (row.source === 'brand-benchmarks') {
      const benchmarks = benchmarksOf(row.raw);
      if (benchmarks) profile.benchmarks = [...(profile.benchmarks ?? []), benchmarks].sort((a, b) => a.category.localeCompare(b.category));
    } else {
      profile.personaFacts = personaFactsOf(row.raw) ?? profile.personaFacts ?? null;
    }
  }
  return { ...plan, advertiserName, profiles: [...profiles.values()].sort((a, b) => a.profileId.localeCompare(b.profileId)) };
}
