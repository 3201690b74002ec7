/**
 * Contracts of performance data: `GET /api/performance` answers the daily series of one entity (a campaign, ad group
 * or keyword) with a marker for every change applied to it, so a chart shows what was done, by whom, on which day.
 * Live mode fills the series from Reporting v3; simulated mode from the simulator's generated performance.
 */
import { z } from 'zod';
import { RecommendationKindSchema } from '../model/recommendation.ts';
import { RecommendationSourceSchema } from '../model/source.ts';
import { boundedDay } from './safe-input.ts';

export const PERFORMANCE_METRICS = [
  'impressions',
  'clicks',
  'cost',
  'sales',
  'orders',
  'ctr',
  'cpc',
  'roas',
  'acos',
  'budgetUtilization',
] as const;
export const PerformanceMetricSchema = z.enum(PERFORMANCE_METRICS);
export type PerformanceMetric = z.infer<typeof PerformanceMetricSchema>;

/** `campaign:123`, `adGroup:456`, `keyword:789`: the entity a series belongs to. */
export const EntityKeySchema = z
  .string()
  .regex(/^(campaign|adGroup|keyword|target):[A-Za-z0-9_-]{1,64}$/, 'expected campaign:ID, adGroup:ID, keyword:ID or target:ID');
export type EntityKey = z.infer<typeof EntityKeySchema>;

const IsoDateSchema = boundedDay();

export const PerformanceQuerySchema = z.strictObject({
  entity: EntityKeySchema,
  /** Inclusive ISO dates (YYYY-MM-DD); default: the last 60 days up to the (simulated) today. */
  from: IsoDateSchema.optional(),
  to: IsoDateSchema.optional(),
  /** Comma-separated metric names; default: all. */
  metrics: z
    .string()
    .transform((value) => value.split(',').map((metric) => metric.trim()))
    .pipe(z.array(PerformanceMetricSchema).min(1))
    .optional(),
});
export type PerformanceQuery = z.infer<typeof PerformanceQuerySchema>;

/** One day of one entity. Derived metrics are null when their denominator is zero (no clicks, no sales...). */
export const PerformanceDaySchema = z.object({
  date: IsoDateSchema,
  impressions: z.number().nonnegative(),
  clicks: z.number().nonnegative(),
  cost: z.number().nonnegative(),
  sales: z.number().nonnegative(),
  orders: z.number().nonnegative(),
  ctr: z.number().nullable(),
  cpc: z.number().nullable(),
  roas: z.number().nullable(),
  acos: z.number().nullable(),
  /** Spend divided by the daily budget of that day (0..1+), null below campaign level. */
  budgetUtilization: z.number().nullable(),
});
export type PerformanceDay = z.infer<typeof PerformanceDaySchema>;

/** A change applied to the entity: where a chart draws its marker. */
export const ChangeMarkerSchema = z.object({
  date: IsoDateSchema,
  appliedAt: z.iso.datetime(),
  recommendationId: z.uuid(),
  /** A person's email, or `rule:<name> v<version>` for auto-apply. */
  appliedBy: z.string(),
  source: RecommendationSourceSchema,
  kind: RecommendationKindSchema,
  /** Human-readable, e.g. "Daily budget 50.00 → 75.00 USD". */
  summary: z.string(),
  field: z.string().nullable(),
  valueBefore: z.union([z.number(), z.string()]).nullable(),
  valueAfter: z.union([z.number(), z.string()]).nullable(),
});
export type ChangeMarker = z.infer<typeof ChangeMarkerSchema>;

export const PerformanceSeriesSchema = z.object({
  entity: EntityKeySchema,
  entityName: z.string().nullable(),
  advertiserId: z.string(),
  currency: z.string().length(3).nullable(),
  from: IsoDateSchema,
  to: IsoDateSchema,
  /** Days after this one may still change while attribution settles. */
  settledThrough: IsoDateSchema.nullable(),
  days: z.array(PerformanceDaySchema),
  markers: z.array(ChangeMarkerSchema),
});
export type PerformanceSeries = z.infer<typeof PerformanceSeriesSchema>;

/** `POST /api/performance/sync`: what one run of the reporting ingest did. */
export const PerformanceSyncResultSchema = z.object({
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  profiles: z.number().int().nonnegative(),
  /** Report requests sent upstream in this run (a window already requested today is never requested again). */
  reportsRequested: z.number().int().nonnegative(),
  /** Requests answered 425: the existing report id was reused. */
  reportsReused: z.number().int().nonnegative(),
  reportsStored: z.number().int().nonnegative(),
  /** Reports still being generated upstream; the next run polls them on. */
  reportsPending: z.number().int().nonnegative(),
  reportsFailed: z.number().int().nonnegative(),
  rowsStored: z.number().int().nonnegative(),
  rowsQuarantined: z.number().int().nonnegative(),
  errors: z.array(z.string()),
});
export type PerformanceSyncResult = z.infer<typeof PerformanceSyncResultSchema>;
