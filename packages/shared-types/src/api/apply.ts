/**
 * Contracts of the apply pipeline: applying approved items upstream as a batch, following the batch, retrying its
 * failed items, and undoing applied changes. `POST /api/apply` answers at once with the batch id; a worker does the
 * upstream calls (see apps/bff/src/apply).
 */
import { z } from 'zod';

export const ApplyBodySchema = z.strictObject({
  ids: z.array(z.uuid()).min(1).max(10_000),
});
export type ApplyBody = z.infer<typeof ApplyBodySchema>;

/** Why an id was not queued: only approved items are applied (by a person or an auto-apply rule). */
export const ApplyRefusalSchema = z.object({
  id: z.string(),
  /** `not_allowed`: allowed-actions refused it for another reason (role, expiry, an open conflict...); see the message. */
  code: z.enum(['not_found', 'not_approved', 'not_applicable', 'already_queued', 'not_allowed']),
  message: z.string(),
});
export type ApplyRefusal = z.infer<typeof ApplyRefusalSchema>;

export const ApplyAcceptedSchema = z.object({
  batchId: z.uuid(),
  queued: z.number().int().nonnegative(),
  refused: z.array(ApplyRefusalSchema),
});
export type ApplyAccepted = z.infer<typeof ApplyAcceptedSchema>;

export const APPLY_ITEM_STATES = ['queued', 'applying', 'applied', 'failed', 'drifted'] as const;
export const ApplyItemStateSchema = z.enum(APPLY_ITEM_STATES);
export type ApplyItemState = z.infer<typeof ApplyItemStateSchema>;

const ValueSchema = z.union([z.number(), z.string()]).nullable();

export const ApplyItemSchema = z.object({
  recommendationId: z.uuid(),
  state: ApplyItemStateSchema,
  /** The upstream call that applies it: `sp.keywords.update`, `partnerOpportunities.apply`... */
  call: z.string(),
  expectedValue: ValueSchema,
  targetValue: ValueSchema,
  valueBefore: ValueSchema,
  valueAfter: ValueSchema,
  /** The upstream's code and message of a failure, or why an item drifted. */
  reasonCode: z.string().nullable(),
  reason: z.string().nullable(),
  attempts: z.number().int().nonnegative(),
  updatedAt: z.iso.datetime(),
});
export type ApplyItem = z.infer<typeof ApplyItemSchema>;

export const ApplyBatchSchema = z.object({
  batchId: z.uuid(),
  kind: z.enum(['apply', 'undo']),
  createdAt: z.iso.datetime(),
  createdBy: z.string(),
  finished: z.boolean(),
  counts: z.record(ApplyItemStateSchema, z.number().int().nonnegative()),
  /** Seconds until the queued and applying items are done at the current upstream rate; null when finished. */
  etaSeconds: z.number().nonnegative().nullable(),
  items: z.array(ApplyItemSchema),
});
export type ApplyBatch = z.infer<typeof ApplyBatchSchema>;

export const RetryFailedResultSchema = z.object({ batchId: z.uuid(), requeued: z.number().int().nonnegative() });
export type RetryFailedResult = z.infer<typeof RetryFailedResultSchema>;

/**
 * `overwrite: true`: a person was shown the three values of a refused undo (the 409's `changed`) and chose to put the
 * original back anyway; the undo then expects the current value instead of the one RecDesk applied.
 */
const UndoOverwriteSchema = z.literal(true).optional();

export const UndoBodySchema = z.union([
  z.strictObject({ ids: z.array(z.uuid()).min(1).max(10_000), overwrite: UndoOverwriteSchema }),
  z.strictObject({ batchId: z.uuid(), overwrite: UndoOverwriteSchema }),
]);
export type UndoBody = z.infer<typeof UndoBodySchema>;

export const UndoRefusalSchema = z.object({
  id: z.string(),
  code: z.enum(['not_applied', 'not_undoable', 'already_queued']),
  message: z.string(),
});

/** Someone changed the value since it was applied: nothing is undone, and a person decides. */
export const UndoChangedSinceSchema = z.object({
  id: z.string(),
  original: ValueSchema,
  applied: ValueSchema,
  current: ValueSchema,
});
export type UndoChangedSince = z.infer<typeof UndoChangedSinceSchema>;

export const UndoAcceptedSchema = z.object({
  batchId: z.uuid().nullable(),
  queued: z.number().int().nonnegative(),
  cannotUndo: z.array(UndoRefusalSchema),
});
export type UndoAccepted = z.infer<typeof UndoAcceptedSchema>;

export const ApplyBatchParamsSchema = z.object({ batchId: z.uuid() });
