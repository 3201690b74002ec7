/**
 * Contracts of the lifecycle actions: approve, reject, bulk actions and the history of a recommendation.
 * Approve and reject name the `version` the person saw: a stale version is refused with 409 and the current state.
 */
import { z } from 'zod';
import { ActionBlockSchema } from '../model/item-actions.ts';
import { LifecycleStatusSchema } from '../model/lifecycle.ts';
import { ActionableRecommendationSchema, RecommendationSchema } from '../model/recommendation.ts';
import { AdvertiserIdInputSchema, INT32_MAX, safeText } from './safe-input.ts';

export const REJECT_REASONS = ['not_relevant', 'too_risky', 'conflicts_with_strategy', 'already_done', 'other'] as const;
export const RejectReasonSchema = z.enum(REJECT_REASONS);
export type RejectReason = z.infer<typeof RejectReasonSchema>;

export const REJECT_REASON_LABELS: Readonly<Record<RejectReason, string>> = {
  not_relevant: 'Not relevant',
  too_risky: 'Too risky',
  conflicts_with_strategy: 'Conflicts with strategy',
  already_done: 'Already done',
  other: 'Other',
};

export const ApproveBodySchema = z.strictObject({
  version: z.number().int().nonnegative().max(INT32_MAX),
  note: safeText().trim().max(2000).optional(),
  /** The approver's edit of the proposed value (within guardrails); absent means "as recommended". */
  editedValue: z.number().positive().max(1e12).optional(),
  /** When the item is in a conflict: what to do with the other side(s). */
  conflictResolution: z.enum(['reject_others', 'keep_others']).optional(),
  /**
   * The item is in a rule's control group (`controlGroup`): approving it takes it out and spoils that rule's
   * comparison. Without `true` here such an approval is refused (409, refusal `control_group`).
   */
  leaveControlGroup: z.boolean().optional(),
});
export type ApproveBody = z.infer<typeof ApproveBodySchema>;

export const RejectBodySchema = z
  .strictObject({
    version: z.number().int().nonnegative().max(INT32_MAX),
    reason: RejectReasonSchema,
    note: safeText().trim().max(2000).optional(),
  })
  .refine((body) => body.reason !== 'other' || (body.note?.length ?? 0) > 0, {
    path: ['note'],
    message: 'a note is required when the reason is "other"',
  });
export type RejectBody = z.infer<typeof RejectBodySchema>;

export const BulkActionBodySchema = z
  .strictObject({
    action: z.enum(['approve', 'reject']),
    ids: z.array(z.uuid()).min(1).max(1000),
    /** The version of each id as the person saw it, in the same order as `ids`. */
    versions: z.array(z.number().int().nonnegative().max(INT32_MAX)).min(1).max(1000),
    reason: RejectReasonSchema.optional(),
    note: safeText().trim().max(2000).optional(),
  })
  .refine((body) => body.ids.length === body.versions.length, { path: ['versions'], message: 'must hold one version per id' })
  .refine((body) => body.action !== 'reject' || body.reason !== undefined, { path: ['reason'], message: 'is required to reject' });
export type BulkActionBody = z.infer<typeof BulkActionBodySchema>;

export const BulkItemResultSchema = z.object({
  id: z.uuid(),
  outcome: z.enum(['done', 'conflict', 'not_found', 'refused']),
  /** Why it was not done, in words a person can act on. */
  message: z.string().nullable(),
  recommendation: ActionableRecommendationSchema.nullable(),
});
export type BulkItemResult = z.infer<typeof BulkItemResultSchema>;

export const BulkActionResultSchema = z.object({
  results: z.array(BulkItemResultSchema),
  /** Every other item the batch changed (the other side of a conflict it resolved), as it is now. */
  alsoChanged: z.array(ActionableRecommendationSchema).default([]),
  done: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
});
export type BulkActionResult = z.infer<typeof BulkActionResultSchema>;

export const ActorSchema = z.object({
  type: z.enum(['user', 'rule', 'system']),
  /** The user's id or email, the rule's id, or the system component (`ingest`, `expiry`, `conflicts`...). */
  id: z.string(),
  /** A rule's version when a rule acted. */
  version: z.number().int().positive().nullable().default(null),
});
export type Actor = z.infer<typeof ActorSchema>;

export const RecommendationEventSchema = z.object({
  id: z.string(),
  recommendationId: z.uuid(),
  at: z.iso.datetime(),
  actor: ActorSchema,
  from: LifecycleStatusSchema.nullable(),
  to: LifecycleStatusSchema,
  reason: z.string().nullable(),
  note: z.string().nullable(),
  /** For changes: the values before and after (e.g. `{ dailyBudget: 50 }` → `{ dailyBudget: 75 }`). */
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
});
export type RecommendationEvent = z.infer<typeof RecommendationEventSchema>;

export const RecommendationHistorySchema = z.object({ events: z.array(RecommendationEventSchema) });
export type RecommendationHistory = z.infer<typeof RecommendationHistorySchema>;

/** Why a lifecycle action was refused (the 409's `refusal`), so a screen can offer the right next step. */
export const LIFECYCLE_REFUSALS = ['stale_version', 'not_allowed', 'expired', 'stale', 'validation', 'conflict'] as const;
export const LifecycleRefusalSchema = z.enum(LIFECYCLE_REFUSALS);
export type LifecycleRefusal = z.infer<typeof LifecycleRefusalSchema>;

/** The body of a 409: what the item looks like now, so the screen can show it. */
export const StaleVersionProblemExtraSchema = z.object({
  currentStatus: LifecycleStatusSchema,
  currentVersion: z.number().int(),
  current: RecommendationSchema,
  /** Which rule refused: a stale version, a transition the machine does not allow, expiry, staleness... */
  refusal: LifecycleRefusalSchema.optional(),
  /** Allowed-actions' reason (finer than `refusal`): the same code the item's `actions` showed. */
  block: ActionBlockSchema.optional(),
  /** For `refusal: conflict`: the open conflicts the item is in. */
  conflictIds: z.array(z.uuid()).optional(),
});
export type StaleVersionProblemExtra = z.infer<typeof StaleVersionProblemExtraSchema>;

/** `POST /api/recommendations/:id/validate`: re-validate now, after re-syncing the item's source unless told not to. */
export const ValidateBodySchema = z.strictObject({ resync: z.boolean().default(true) });
export type ValidateBody = z.infer<typeof ValidateBodySchema>;

/** Change-size guardrails of one advertiser (`GET/PUT /api/advertisers/:advertiserId/guardrails`). */
export const GuardrailsSchema = z.object({
  advertiserId: z.string(),
  maxBidChangePct: z.number().positive(),
  maxBudgetChangePct: z.number().positive(),
  /** In the campaign's currency. */
  maxBudgetChangePerDay: z.number().positive(),
  /** Which values are this advertiser's own (the others are the defaults from the environment). */
  overridden: z.array(z.enum(['maxBidChangePct', 'maxBudgetChangePct', 'maxBudgetChangePerDay'])),
});
export type Guardrails = z.infer<typeof GuardrailsSchema>;

/** A null clears the override and falls back to the default. */
export const GuardrailsBodySchema = z.strictObject({
  maxBidChangePct: z.number().positive().max(10_000).nullable().optional(),
  maxBudgetChangePct: z.number().positive().max(10_000).nullable().optional(),
  maxBudgetChangePerDay: z.number().positive().max(1e12).nullable().optional(),
});
export type GuardrailsBody = z.infer<typeof GuardrailsBodySchema>;

export const AdvertiserParamsSchema = z.strictObject({ advertiserId: AdvertiserIdInputSchema });

/** Why an insight is dismissed (an insight has nothing to apply: it is acknowledged or dismissed, never approved). */
export const DISMISS_REASONS = ['not_relevant', 'already_known', 'not_actionable', 'other'] as const;
export const DismissReasonSchema = z.enum(DISMISS_REASONS);
export type DismissReason = z.infer<typeof DismissReasonSchema>;
export const DISMISS_REASON_LABELS: Readonly<Record<DismissReason, string>> = {
  not_relevant: 'Not relevant',
  already_known: 'Already known',
  not_actionable: 'Nothing we can act on',
  other: 'Other',
};

export const AcknowledgeBodySchema = z.strictObject({
  version: z.number().int().nonnegative().max(INT32_MAX),
  note: safeText().trim().max(2000).optional(),
});
export type AcknowledgeBody = z.infer<typeof AcknowledgeBodySchema>;

/** Withdraws an approval (or a first approval waiting for a second approver) at the version seen, before it is applied. */
export const UnapproveBodySchema = z.strictObject({
  version: z.number().int().nonnegative().max(INT32_MAX),
  note: safeText().trim().max(2000).optional(),
});
export type UnapproveBody = z.infer<typeof UnapproveBodySchema>;

export const DismissBodySchema = z
  .strictObject({
    version: z.number().int().nonnegative().max(INT32_MAX),
    reason: DismissReasonSchema,
    note: safeText().trim().max(2000).optional(),
  })
  .refine((body) => body.reason !== 'other' || (body.note?.length ?? 0) > 0, {
    path: ['note'],
    message: 'a note is required when the reason is "other"',
  });
export type DismissBody = z.infer<typeof DismissBodySchema>;

/**
 * The answer of a single-item action (approve, reject, acknowledge, dismiss, re-validate): the item as it is now, with
 * what the person may do next, and every other item the action changed (the other members of a conflict it
 * resolved), so a screen updates all of them at once instead of showing a stale one.
 */
export const ItemActionAnswerSchema = ActionableRecommendationSchema.extend({
  alsoChanged: z.array(ActionableRecommendationSchema),
});
export type ItemActionAnswer = z.infer<typeof ItemActionAnswerSchema>;
