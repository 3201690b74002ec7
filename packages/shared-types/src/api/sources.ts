/**
 * Contracts of the source health endpoints: `GET /api/sources` (each source's schedule, last run and freshness) and
 * `GET /api/sources/:source/quarantine` (the items a source kept aside, with their reasons and raw payloads).
 */
import { z } from 'zod';
import { FreshnessPolicySchema, FreshnessSchema, RecommendationSourceSchema } from '../model/source.ts';
import { QuarantinedItemSchema } from './sync.ts';

export const IngestionRunStatusSchema = z.enum(['running', 'succeeded', 'partial', 'failed']);
export type IngestionRunStatus = z.infer<typeof IngestionRunStatusSchema>;

/** One recorded ingestion run of one source (a scheduled or manual sync, or one batch of Stream messages). */
export const IngestionRunSchema = z.object({
  id: z.uuid(),
  /** What started it: `schedule`, `api`, `start`, `stream`, `worker`... */
  trigger: z.string(),
  status: IngestionRunStatusSchema,
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  fetched: z.number().int().nonnegative(),
  stored: z.number().int().nonnegative(),
  unchanged: z.number().int().nonnegative(),
  quarantined: z.number().int().nonnegative(),
  errors: z.array(z.string()),
});
export type IngestionRun = z.infer<typeof IngestionRunSchema>;

/** The Marketing Stream SQS consumer of the process that answered (issue 17): how far behind the queue it is. */
export const StreamQueueStatusSchema = z.object({
  /** Receive loops running in this process (0: the consumer is stopped). */
  consumers: z.number().int().nonnegative(),
  /** From the latest stored message entering the queue to its item stored; null before the first. */
  lagMs: z.number().nonnegative().nullable(),
  /** Age of the oldest message in the latest receive (0: the queue was empty). */
  oldestAgeMs: z.number().nonnegative().nullable(),
  /** Messages waiting on the queue at the latest look (ApproximateNumberOfMessages). */
  backlog: z.number().int().nonnegative().nullable(),
  /** Messages stored in the last minute. */
  perMinute: z.number().int().nonnegative(),
  lastReceiveAt: z.iso.datetime().nullable(),
  lastError: z.object({ at: z.iso.datetime(), message: z.string() }).nullable(),
});
export type StreamQueueStatus = z.infer<typeof StreamQueueStatusSchema>;

export const SourceStatusSchema = z.object({
  source: RecommendationSourceSchema,
  label: z.string(),
  /** Pulled on a schedule, or pushed to RecDesk (Marketing Stream). */
  delivery: z.enum(['scheduled', 'push']),
  /** Whether this BFF ingests the source at all (an adapter is registered and its schedule is not `off`). */
  enabled: z.boolean(),
  /** The cron pattern (UTC) the scheduler runs it on; null for push sources and disabled ones. */
  schedule: z.string().nullable(),
  lastRun: IngestionRunSchema.nullable(),
  /** When the last successful run finished: the time freshness is measured from. */
  lastSuccessAt: z.iso.datetime().nullable(),
  nextRunAt: z.iso.datetime().nullable(),
  /** Against the source's policy; a source that never succeeded is stale. */
  freshness: FreshnessSchema,
  freshnessPolicy: FreshnessPolicySchema,
  counts: z.object({
    /** Recommendations and insights of this source in the store. */
    recommendations: z.number().int().nonnegative(),
    /** Runs recorded for this source. */
    runs: z.number().int().nonnegative(),
  }),
  lastError: z.object({ at: z.iso.datetime(), message: z.string() }).nullable(),
  quarantined: z.number().int().nonnegative(),
  /** Marketing Stream read from SQS: the consumer's lag, backlog and throughput (absent for other sources). */
  queue: StreamQueueStatusSchema.optional(),
});
export type SourceStatus = z.infer<typeof SourceStatusSchema>;

export const SourcesResponseSchema = z.object({
  generatedAt: z.iso.datetime(),
  sources: z.array(SourceStatusSchema),
});
export type SourcesResponse = z.infer<typeof SourcesResponseSchema>;

export const SourceParamsSchema = z.strictObject({ source: RecommendationSourceSchema });
export type SourceParams = z.infer<typeof SourceParamsSchema>;

export const QuarantineQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
export type QuarantineQuery = z.infer<typeof QuarantineQuerySchema>;

export const QuarantineResponseSchema = z.object({
  source: RecommendationSourceSchema,
  /** Every quarantined item of the source; `items` holds the most recently seen `limit` of them. */
  total: z.number().int().nonnegative(),
  items: z.array(QuarantinedItemSchema),
});
export type QuarantineResponse = z.infer<typeof QuarantineResponseSchema>;
