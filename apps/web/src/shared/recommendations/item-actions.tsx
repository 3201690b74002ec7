/**
 * Controls rendered from what the server says the person may do with an item (`item.actions`, decided by the BFF's
 * allowed-actions): an allowed action is a button, a refused one is a disabled button that says why (its title and an
 * accessible description), and a refusal for the person's role is no control at all. An item RecDesk cannot write is
 * a link to Amazon Ads instead of an Approve button. While a request for the item runs (from any component), its
 * buttons wait, and the one whose request it is says what is happening ("Approving…").
 */
import type { ActionVerdict, ItemAction, Recommendation } from '@recdesk/shared-types';
import { type ReactNode, useId } from 'react';
import { usePendingAction } from './recommendation-mutations.ts';

/** What a button says while its request runs. */
export const PENDING_LABELS: Readonly<Record<ItemAction, string>> = {
  approve: 'Approving…',
  edit: 'Approving…',
  reject: 'Rejecting…',
  apply: 'Applying…',
  undo: 'Undoing…',
  acknowledge: 'Acknowledging…',
  dismiss: 'Dismissing…',
  unapprove: 'Withdrawing…',
};

const UNKNOWN: ActionVerdict = {
  allowed: false,
  reason: null,
  message: 'RecDesk has not said what may be done with this item yet; reload it.',
  link: null,
};

/** The server's verdict on one action; an item without verdicts allows nothing (safe by default). */
export function verdictOf(item: Pick<Recommendation, 'actions'>, action: ItemAction): ActionVerdict {
  return item.actions?.[action] ?? UNKNOWN;
}

export function isAllowed(item: Pick<Recommendation, 'actions'>, action: ItemAction): boolean {
  return verdictOf(item, action).allowed;
}

/** An insight (nothing to apply) is acknowledged or dismissed; a change is approved, edited or rejected. */
export function isInsight(item: Pick<Recommendation, 'applicable'>): boolean {
  return !item.applicable;
}

interface ActionButtonProps {
  item: Recommendation;
  action: ItemAction;
  className?: string;
  /** Also disabled while a request runs that the action's own mutation key does not cover. */
  busy?: boolean;
  onClick: () => void;
  children: ReactNode;
}

/** One action's button: enabled when allowed, disabled with the reason when not, absent when the role forbids it. */
export function ActionButton({ item, action, className, busy = false, onClick, children }: ActionButtonProps) {
  const verdict = verdictOf(item, action);
  const reasonId = useId();
  const pending = usePendingAction(item.id);
  if (verdict.reason === 'role') return null;
  if (verdict.reason === 'no_writer' && verdict.link && (action === 'approve' || action === 'apply'))
    return (
      <a
        className={`button-link ${className ?? ''}`}
        href={verdict.link}
        target="_blank"
        rel="noreferrer"
        title={verdict.message ?? undefined}
        aria-label="Apply in Amazon Ads"
      >
        {/* A row's narrow actions column says less; the name stays whole for assistive technology. */}
        {className?.includes('button-small') ? 'Amazon Ads' : 'Apply in Amazon Ads'}
      </a>
    );
  return (
    <>
      <button
        type="button"
        className={className}
        // Any request for this item (approve, reject, withdraw...) holds all its buttons: one decision at a time.
        disabled={!verdict.allowed || busy || pending !== null}
        aria-busy={pending === action || undefined}
        title={verdict.allowed ? undefined : (verdict.message ?? undefined)}
        aria-describedby={verdict.allowed ? undefined : reasonId}
        onClick={onClick}
      >
        {pending === action ? PENDING_LABELS[action] : children}
      </button>
      {verdict.allowed ? null : (
        <span id={reasonId} className="sr-only">
          {verdict.message}
        </span>
      )}
    </>
  );
}
