/**
 * Contracts of alerts and readiness: alert conditions are data (a kind, a threshold, an optional source), evaluated
 * on a schedule; a condition that holds raises an alert that stays open until the condition clears.
 * `GET /api/alerts` lists them; `GET /api/ready` says whether the database, the queue and the upstream answer.
 */
import { z } from 'zod';
import { RecommendationSourceSchema } from '../model/source.ts';

export const ALERT_KINDS = ['source_stale', 'apply_failure_rate', 'quarantine_growing', 'queue_backlog', 'upstream_errors'] as const;
export const AlertKindSchema = z.enum(ALERT_KINDS);
export type AlertKind = z.infer<typeof AlertKindSchema>;

export const AlertSeveritySchema = z.enum(['warning', 'critical']);
export type AlertSeverity = z.infer<typeof AlertSeveritySchema>;

export const AlertConditionSchema = z.object({
  id: z.string(),
  kind: AlertKindSchema,
  /** Only this source; null = every source (for source-bound kinds). */
  source: RecommendationSourceSchema.nullable(),
  /** The kind's threshold: a failure rate (0..1), a count, an age in minutes... */
  threshold: z.number(),
  severity: AlertSeveritySchema,
  enabled: z.boolean(),
  description: z.string(),
  /** The window the kind looks back over (rates and counts), in minutes; absent for kinds without one. */
  windowMinutes: z.number().int().positive().optional(),
  /** Rates hold only over at least this many items or calls (a 1-in-2 failure is not a failure rate). */
  minCount: z.number().int().nonnegative().optional(),
});
export type AlertCondition = z.infer<typeof AlertConditionSchema>;

export const AlertSchema = z.object({
  id: z.uuid(),
  conditionId: z.string(),
  kind: AlertKindSchema,
  severity: AlertSeveritySchema,
  source: RecommendationSourceSchema.nullable(),
  /** What is wrong and what to do, for a person: "Partner Opportunities stale for 7 h (policy: 6 h); last error: ..." */
  message: z.string(),
  openedAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  resolvedAt: z.iso.datetime().nullable(),
});
export type Alert = z.infer<typeof AlertSchema>;

export const AlertsQuerySchema = z.strictObject({
  state: z.enum(['open', 'resolved', 'all']).default('open'),
});
export type AlertsQuery = z.infer<typeof AlertsQuerySchema>;

/** Open alerts per source, for the status page: how many and the worst severity. */
export const AlertSourceSummarySchema = z.object({
  source: RecommendationSourceSchema,
  open: z.number().int().nonnegative(),
  severity: AlertSeveritySchema.nullable(),
});
export type AlertSourceSummary = z.infer<typeof AlertSourceSummarySchema>;

export const AlertsResponseSchema = z.object({
  alerts: z.array(AlertSchema),
  conditions: z.array(AlertConditionSchema),
  /** Every source with its open alerts (zero included), in the sources' order. */
  bySource: z.array(AlertSourceSummarySchema).optional(),
});
export type AlertsResponse = z.infer<typeof AlertsResponseSchema>;

export const AlertConditionParamsSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be an alert condition id'),
});

/** `PUT /api/alerts/conditions/:id` (admins): what may change; a rate kind's threshold must lie in 0..1. */
export const UpdateAlertConditionBodySchema = z
  .strictObject({
    threshold: z.number().finite().min(0).max(1_000_000).optional(),
    enabled: z.boolean().optional(),
    severity: AlertSeveritySchema.optional(),
    windowMinutes: z
      .number()
      .int()
      .positive()
      .max(7 * 24 * 60)
      .optional(),
    minCount: z.number().int().nonnegative().max(1_000_000).optional(),
  })
  .refine((body) => Object.keys(body).length > 0, {
    message: 'name at least one of threshold, enabled, severity, windowMinutes, minCount',
  });
export type UpdateAlertConditionBody = z.infer<typeof UpdateAlertConditionBodySchema>;

export const ReadinessCheckSchema = z.object({
  name: z.enum(['database', 'queue', 'upstream']),
  ok: z.boolean(),
  detail: z.string().nullable(),
  latencyMs: z.number().nonnegative().nullable(),
});

export const ReadinessSchema = z.object({
  ready: z.boolean(),
  checks: z.array(ReadinessCheckSchema),
});
export type Readiness = z.infer<typeof ReadinessSchema>;
