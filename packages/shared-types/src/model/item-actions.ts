/**
 * What the signed-in person may do with one item right now, as the BFF decides it (apps/bff/src/lifecycle/
 * allowed-actions.ts) and returns on every item of every list and detail answer. The screens render their controls
 * from it, and the mutation paths enforce the same decision, so a control that is offered can succeed and one that is
 * not says why.
 */
import { z } from 'zod';

/** `unapprove`: withdraw an approval (or a first approval awaiting a second approver) while it is not yet queued for apply. */
export const ITEM_ACTIONS = ['approve', 'edit', 'reject', 'apply', 'undo', 'acknowledge', 'dismiss', 'unapprove'] as const;
export const ItemActionSchema = z.enum(ITEM_ACTIONS);
export type ItemAction = z.infer<typeof ItemActionSchema>;

/** Why an action is not allowed: one code per rule, so a screen (and a test) can tell them apart. */
export const ACTION_BLOCKS = [
  /** The person's role may not change anything (viewers). */
  'role',
  /** The item's advertiser is outside the person's advertisers. */
  'scope',
  /** The item's lifecycle state does not allow it (already rejected, not approved yet, not applied...). */
  'state',
  'expired',
  /** Its data is older than its source's freshness policy allows and it was not re-validated since. */
  'stale',
  /** The item changed since the person saw it (mutations only). */
  'stale_version',
  /** It failed validation (entity gone, value out of range, drift). */
  'validation',
  /** The change is larger than the advertiser's guardrails allow. */
  'guardrail',
  /** It is in an open conflict: resolve it first (keep one side). */
  'conflict',
  /** The person gave the first of two approvals; a different approver must give the second. */
  'already_approved',
  /** RecDesk has no writer for this action type: apply it in Amazon Ads. */
  'no_writer',
  /** An insight: nothing to apply; acknowledge or dismiss it. */
  'insight',
  /** Acknowledge / dismiss are for insights; this item is a change. */
  'not_insight',
  /** The change has no number to edit (a state or a new keyword). */
  'not_editable',
  /** The applied change cannot be read back, so it cannot be undone safely. */
  'not_undoable',
  /** Unapprove: the approval is already claimed by an apply batch (queued, applying or applied). */
  'already_queued',
  /** Unapprove: there is no approval to withdraw (not approved, or the first approval is someone else's). */
  'not_approved',
] as const;
export const ActionBlockSchema = z.enum(ACTION_BLOCKS);
export type ActionBlock = z.infer<typeof ActionBlockSchema>;

export const ActionVerdictSchema = z.object({
  allowed: z.boolean(),
  /** Null when allowed. */
  reason: ActionBlockSchema.nullable(),
  /** Why not, in words a person can act on; null when allowed. */
  message: z.string().nullable(),
  /** Where to do it instead (Amazon Ads for an action type RecDesk cannot write). */
  link: z.url().nullable(),
});
export type ActionVerdict = z.infer<typeof ActionVerdictSchema>;

/** One verdict per action, every action present. */
export const AllowedActionsSchema = z.object(
  Object.fromEntries(ITEM_ACTIONS.map((action) => [action, ActionVerdictSchema])) as Record<ItemAction, typeof ActionVerdictSchema>,
);
export type AllowedActions = z.infer<typeof AllowedActionsSchema>;
