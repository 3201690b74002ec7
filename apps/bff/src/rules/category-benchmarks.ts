/**
 * The category distribution of an advertiser's brand signals, read from the Brand Benchmarks items last stored (their
 * raw keeps every metric's percentiles), for rules: `advertiser.category.newToBrandCustomerRate.p50` and the like.
 * The profile and category are those of the Brand Metrics row the rule reads the brand's own values from, so a value
 * and its benchmark always describe the same brand, marketplace and category. Read whatever the item's status (a
 * dismissed insight is still the benchmark).
 */
import { z } from 'zod';
import type { Db } from '../db/database.ts';
import type { BrandSignals } from './rule-gate.ts';

const Percentiles = z.object({ key: z.string(), p25: z.number(), p50: z.number(), p75: z.number(), p90: z.number() });
const RawSchema = z.looseObject({ category: z.string(), benchmarks: z.array(z.unknown()) });

export async function categoryBenchmarksOf(
  db: Db,
  advertiserId: string,
  profileId: string,
  category: string,
): Promise<NonNullable<BrandSignals['category']> | null> {
  const rows = await db
    .selectFrom('recommendations')
    .select(['raw'])
    .where('source', '=', 'brand-benchmarks')
    .where('advertiser_id', '=', advertiserId)
    .where('profile_id', '=', profileId)
    .orderBy('generated_at', 'desc')
    .execute();
  for (const row of rows) {
    const raw = RawSchema.safeParse(row.raw);
    if (!raw.success || raw.data.category !== category) continue;
    const of = (key: string) => {
      for (const item of raw.data.benchmarks) {
        const parsed = Percentiles.safeParse(item);
        if (parsed.success && parsed.data.key === key)
          return { p25: parsed.data.p25, p50: parsed.data.p50, p75: parsed.data.p75, p90: parsed.data.p90 };
      }
      return undefined;
    };
    return { newToBrandCustomerRate: of('newToBrandCustomerRate'), customerConversionRate: of('customerConversionRate') };
  }
  return null;
}
