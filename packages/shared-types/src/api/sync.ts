/** Contract of `POST /api/sync`: run an ingestion now and report what each source did. */
import { z } from 'zod';
import { RecommendationSourceSchema } from '../model/source.ts';

export const SyncQuerySchema = z.strictObject({
  source: RecommendationSourceSchema.optional(),
});
export type SyncQuery = z.infer<typeof SyncQuerySchema>;

export const SourceRunSummarySchema = z.object({
  source: RecommendationSourceSchema,
  status: z.enum(['succeeded', 'partial', 'failed']),
  /** Upstream items read (rows, recommendations, messages). */
  fetched: z.number().int().nonnegative(),
  /** Items written to the store (inserted or updated). */
  stored: z.number().int().nonnegative(),
  /** Items that failed validation and were kept aside with their reason. */
  quarantined: z.number().int().nonnegative(),
  /** Items already stored and unchanged upstream. */
  unchanged: z.number().int().nonnegative(),
  errors: z.array(z.string()),
});
export type SourceRunSummary = z.infer<typeof SourceRunSummarySchema>;

export const SyncSummarySchema = z.object({
  runId: z.uuid(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  sources: z.array(SourceRunSummarySchema),
});
export type SyncSummary = z.infer<typeof SyncSummarySchema>;

export const QuarantinedItemSchema = z.object({
  id: z.uuid(),
  source: RecommendationSourceSchema,
  runId: z.uuid().nullable(),
  reason: z.string(),
  /** Where the item came from: an opportunity id and row number, a page, a message id. */
  location: z.string(),
  raw: z.unknown(),
  quarantinedAt: z.iso.datetime(),
});
export type QuarantinedItem = z.infer<typeof QuarantinedItemSchema>;
