/**
 * Contracts of impact measurement: what each applied recommendation did, measured as a difference-in-differences of
 * a window before and after the change against the advertiser's comparable untouched campaigns, with an uncertainty
 * band, next to what the source promised. `GET /api/impact` lists measured items with aggregates per source and kind;
 * `GET /api/impact/:recommendationId` answers one item.
 */
import { z } from 'zod';
import { RecommendationKindSchema } from '../model/recommendation.ts';
import { RecommendationSourceSchema } from '../model/source.ts';
import { AdvertiserIdInputSchema } from './safe-input.ts';

/** An ISO 4217 code as the API takes it: three capital letters. */
export const CurrencyCodeSchema = z.string().regex(/^[A-Z]{3}$/, 'a three-letter ISO 4217 code such as USD');

export const IMPACT_STATES = ['measuring', 'measured', 'insufficient_data', 'not_measurable'] as const;
export const ImpactStateSchema = z.enum(IMPACT_STATES);
export type ImpactState = z.infer<typeof ImpactStateSchema>;

export const ImpactVerdictSchema = z.enum(['improved', 'worsened', 'no_change']);
export type ImpactVerdict = z.infer<typeof ImpactVerdictSchema>;

/** The realised effect on one metric: a point estimate with its (90%) band, in the metric's own unit per day. */
export const MeasuredEffectSchema = z.object({
  metric: z.string(),
  estimate: z.number(),
  lower: z.number(),
  upper: z.number(),
  /** Relative to the before window's level (0.12 = +12 %), null when the level was zero. */
  relative: z.number().nullable(),
});
export type MeasuredEffect = z.infer<typeof MeasuredEffectSchema>;

export const PromisedImpactSchema = z.object({
  metric: z.string(),
  lower: z.number().nullable(),
  upper: z.number().nullable(),
  unit: z.string(),
  periodDays: z.number().int().positive().nullable(),
});

export const ItemImpactSchema = z.object({
  recommendationId: z.uuid(),
  advertiserId: z.string(),
  source: RecommendationSourceSchema,
  kind: RecommendationKindSchema,
  entity: z.string().nullable(),
  appliedAt: z.iso.datetime(),
  appliedBy: z.string(),
  /** Applied by a rule, held back by a rule as a control, or applied by a person. */
  cohort: z.enum(['person', 'rule', 'control']),
  state: ImpactStateSchema,
  /** When the after window's attribution has settled: "measuring until D". */
  measuringUntil: z.iso.date(),
  windowDays: z.number().int().positive(),
  before: z.object({ from: z.iso.date(), to: z.iso.date() }),
  after: z.object({ from: z.iso.date(), to: z.iso.date() }),
  /** The metric the recommendation targeted (sales for a budget raise, cost for a bid cut...). */
  targetMetric: z.string(),
  effects: z.array(MeasuredEffectSchema),
  verdict: ImpactVerdictSchema.nullable(),
  promised: z.array(PromisedImpactSchema),
  baselineCampaigns: z.number().int().nonnegative(),
  measuredAt: z.iso.datetime().nullable(),
  /** Why an item is `insufficient_data` or `not_measurable` (added by the measurement; absent means none). */
  note: z.string().nullable().optional(),
  /** The realised effect on the target metric over the after window (estimate × window days), and the source's
   * promise in the same metric brought to the window; both present or the item does not enter the totals. */
  realisedTotal: z.number().nullable().optional(),
  promisedTotal: z.number().nullable().optional(),
  /**
   * Where the change was measured: its own keyword or target (a bid change acts there) or its campaign, and why
   * there in words (a fallback says what the keyword's report lacked). Null before it is measured.
   */
  level: z.enum(['campaign', 'keyword', 'target']).nullable().optional(),
  levelReason: z.string().nullable().optional(),
  /** The currency of the item's amounts (its campaign's); totals convert from it, never add it to another silently. */
  currency: z.string().length(3).nullable().optional(),
});
export type ItemImpact = z.infer<typeof ItemImpactSchema>;

export const ImpactAggregateSchema = z.object({
  source: RecommendationSourceSchema,
  kind: RecommendationKindSchema,
  advertiserId: z.string().nullable(),
  /** Items of this group that reached `applied` / all decided items of the group. */
  applied: z.number().int().nonnegative(),
  decided: z.number().int().nonnegative(),
  shareApplied: z.number().min(0).max(1).nullable(),
  measured: z.number().int().nonnegative(),
  improved: z.number().int().nonnegative(),
  shareImproved: z.number().min(0).max(1).nullable(),
  /**
   * Sum of realised effects on the target metric vs the sum of the promised midpoints, where both exist, each item
   * converted into the list's reporting currency at the rates the list shows (`reporting`).
   */
  realisedTotal: z.number().nullable(),
  promisedTotal: z.number().nullable(),
  /** The multiplier the feedback loop applies to new items' priority for this group (1 = neutral). */
  priorityFactor: z.number().positive(),
  /** Measured items of the group whose target metric worsened (measured = improved + worsened + no change). */
  worsened: z.number().int().nonnegative().optional(),
  /** Items a rule held back as a control group (cohort `control`), measured over the same windows: the comparison. */
  controlMeasured: z.number().int().nonnegative().optional(),
  controlImproved: z.number().int().nonnegative().optional(),
  /** Measured items left out of the totals because no rate converts their currency into the reporting one. */
  unconverted: z.number().int().nonnegative().optional(),
});
export type ImpactAggregate = z.infer<typeof ImpactAggregateSchema>;

export const ImpactQuerySchema = z.strictObject({
  advertiserId: AdvertiserIdInputSchema.optional(),
  source: RecommendationSourceSchema.optional(),
  kind: RecommendationKindSchema.optional(),
  state: ImpactStateSchema.optional(),
  cohort: z.enum(['person', 'rule', 'control']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  /** The currency the totals are reported in (ISO 4217); USD when absent. */
  currency: CurrencyCodeSchema.optional(),
});
export type ImpactQuery = z.infer<typeof ImpactQuerySchema>;

/** A rate an admin maintains: one `from` buys `rate` of `to`, as of a day. */
export const ExchangeRateSchema = z.object({
  from: CurrencyCodeSchema,
  to: CurrencyCodeSchema,
  rate: z.number().positive().max(1e6),
  asOf: z.iso.date(),
});
export type ExchangeRate = z.infer<typeof ExchangeRateSchema>;

export const ExchangeRatesSchema = z.object({
  rates: z.array(ExchangeRateSchema.extend({ updatedBy: z.string(), updatedAt: z.iso.datetime() })),
});
export type ExchangeRates = z.infer<typeof ExchangeRatesSchema>;

/** An admin's replacement of the whole table (pairs not named are removed). */
export const ExchangeRatesBodySchema = z.strictObject({
  rates: z
    .array(ExchangeRateSchema.strict())
    .max(200)
    .refine((rates) => rates.every((r) => r.from !== r.to), { message: 'a rate converts between two different currencies' })
    .refine((rates) => new Set(rates.map((r) => [r.from, r.to].sort().join('/'))).size === rates.length, {
      message: 'each pair of currencies once (the inverse is derived)',
    }),
});
export type ExchangeRatesBody = z.infer<typeof ExchangeRatesBodySchema>;

export const ImpactListSchema = z.object({
  items: z.array(ItemImpactSchema),
  aggregates: z.array(ImpactAggregateSchema),
  /**
   * The currency the aggregates' totals are in, and every rate used to convert into it (from the item's currency; an
   * inverse of a stored pair says so in `inverseOf`). Items keep their own currency.
   */
  reporting: z
    .object({
      currency: CurrencyCodeSchema,
      rates: z.array(ExchangeRateSchema.extend({ inverseOf: z.object({ from: CurrencyCodeSchema, to: CurrencyCodeSchema }).nullable() })),
      /** Currencies of measured items that no rate converts: those items are left out of the totals, never mixed in. */
      unconvertible: z.array(CurrencyCodeSchema),
    })
    .optional(),
});
export type ImpactList = z.infer<typeof ImpactListSchema>;

export const ImpactParamsSchema = z.strictObject({ recommendationId: z.uuid() });
