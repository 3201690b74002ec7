/**
 * Approving and taking an approval back. An approval is confirmed where the person looked: the row (optimistic, then
 * the server's answer) and a notice that offers "Undo" while the server says the approval can still be withdrawn
 * (`actions.unapprove`: approved and not yet queued for apply, or a first approval awaiting a second approver). The
 * Undo follows the cached item, so it disappears once the item is queued, applied or changed by someone else.
 */
import type { ApproveBody, Recommendation } from '@recdesk/shared-types';
import { ItemActionAnswerSchema } from '@recdesk/shared-types';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../api-client.ts';
import { noticeActions } from '../notices-store.ts';
import { isAllowed } from './item-actions.tsx';
import { actionHandlers, actionMutationKey, useCachedRecommendation, writeAnswer } from './recommendation-mutations.ts';

export interface ApproveVariables extends Omit<ApproveBody, 'version'> {
  item: Recommendation;
}

export function useApproveRecommendation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: actionMutationKey('approve'),
    mutationFn: ({ item, ...body }: ApproveVariables) =>
      apiRequest(ItemActionAnswerSchema, `/api/recommendations/${item.id}/approve`, {
        method: 'POST',
        body: { version: item.version, ...body },
      }),
    ...actionHandlers(queryClient, 'approved', 'approved'),
    onSuccess: (answer, { item, conflictResolution }) => {
      writeAnswer(queryClient, answer);
      const rejected = answer.alsoChanged.length;
      noticeActions().noticeAdded({
        tone: 'success',
        title:
          answer.status === 'approved'
            ? `Approved “${item.title}”`
            : answer.awaitingSecondApprover
              ? `Your approval of “${item.title}” is recorded; a second approver must approve it too`
              : `“${item.title}” is ${answer.status.replace('_', ' ')}`,
        detail:
          conflictResolution === 'reject_others'
            ? `The other side of the conflict was rejected (${rejected === 1 ? '1 item' : `${rejected} items`}).`
            : answer.status === 'approved'
              ? 'It is not applied yet: apply it from its row or the bulk bar.'
              : undefined,
        // After a conflict was resolved by rejecting the other side, taking the approval back does not bring them back:
        // the control then says exactly what it does ("Withdraw approval"), not "Undo".
        ...(isAllowed(answer, 'unapprove')
          ? {
              action: (close: () => void) => (
                <UndoApprovalButton item={answer} verb={conflictResolution === 'reject_others' ? 'Withdraw' : 'Undo'} onWithdrawn={close} />
              ),
            }
          : {}),
      });
      return queryClient.invalidateQueries({ queryKey: ['conflicts'] });
    },
  });
}

export interface UnapproveVariables {
  item: Recommendation;
  note?: string;
}

/** Withdraws an approval (or a first approval awaiting a second approver) at the version seen: validated again. */
export function useUnapproveRecommendation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: actionMutationKey('unapprove'),
    mutationFn: ({ item, note }: UnapproveVariables) =>
      apiRequest(ItemActionAnswerSchema, `/api/recommendations/${item.id}/unapprove`, {
        method: 'POST',
        body: { version: item.version, ...(note ? { note } : {}) },
      }),
    ...actionHandlers(queryClient, 'validated', 'withdrawn'),
    onSuccess: (answer, { item }) => {
      writeAnswer(queryClient, answer);
      noticeActions().noticeAdded({
        tone: 'info',
        title: `Approval of “${item.title}” withdrawn`,
        detail: 'It is waiting for a decision again; nothing was sent to Amazon Ads.',
      });
    },
  });
}

/**
 * The approval notice's Undo: offered while the cached item still allows `unapprove`, and it withdraws the approval
 * of the item as cached now (its current version).
 */
export function UndoApprovalButton({
  item,
  verb = 'Undo',
  onWithdrawn,
}: {
  item: Recommendation;
  verb?: 'Undo' | 'Withdraw';
  onWithdrawn: () => void;
}) {
  const current = useCachedRecommendation(item.id) ?? item;
  const unapprove = useUnapproveRecommendation();
  if (!isAllowed(current, 'unapprove') && !unapprove.isPending) return null;
  return (
    <button
      type="button"
      className="button-small button-secondary"
      disabled={unapprove.isPending}
      aria-label={unapprove.isPending ? `Withdrawing the approval of ${item.title}` : `${verb} the approval of ${item.title}`}
      onClick={() => unapprove.mutate({ item: current }, { onSuccess: onWithdrawn })}
    >
      {unapprove.isPending ? 'Withdrawing…' : verb === 'Undo' ? 'Undo' : 'Withdraw approval'}
    </button>
  );
}
