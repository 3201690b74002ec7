/**
 * The confirmation before a bulk action: what will change (count per kind, total daily budget change per
 * currency), what is left out and why, and, for a rejection, the reason. Nothing is sent until the user confirms;
 * afterwards the per-item outcome is shown here, failures grouped by their reason. An apply hands over to the batch's
 * live progress (`?batch=`, the apply feature) as soon as the batch is queued.
 */
import { type Recommendation, type RejectReason, SOURCE_LABELS } from '@recdesk/shared-types';
import { type FormEvent, useMemo, useState } from 'react';
import { useApply } from '../../shared/apply/apply-queries.ts';
import { formatMoney, formatNumber } from '../../shared/format.ts';
import { noticeActions } from '../../shared/notices-store.ts';
import { RejectReasonFields } from '../../shared/recommendations/RejectDialog.tsx';
import { useBulkAction } from '../../shared/recommendations/recommendation-mutations.ts';
import { Dialog } from '../../shared/ui/Dialog.tsx';
import { ProblemMessage } from '../../shared/ui/ProblemMessage.tsx';
import { useSearchParams } from '../../shared/use-search-params.ts';
import { type BulkAction, summariseBulk } from './bulk-summary.ts';

interface BulkConfirmDialogProps {
  action: BulkAction;
  items: Recommendation[];
  /** Selected ids whose data is no longer loaded (e.g. after a refresh): left out, and said so. */
  missing: number;
  onDone: (doneIds: string[]) => void;
  onClose: () => void;
}

export function BulkConfirmDialog({ action, items: selected, missing, onDone, onClose }: BulkConfirmDialogProps) {
  // What the user confirms is the selection as it was when the dialog opened, not as it changes afterwards.
  const [items] = useState(selected);
  const summary = useMemo(() => summariseBulk(items, action), [items, action]);
  const bulk = useBulkAction();
  const apply = useApply();
  const [, setSearch] = useSearchParams();
  const [reason, setReason] = useState<RejectReason | null>(null);
  const [note, setNote] = useState('');
  const verb = VERBS[action];
  const done = DONE[action];
  const count = summary.included.length;
  const canSend = count > 0 && (action !== 'reject' || (reason !== null && (reason !== 'other' || note.trim() !== '')));
  const pending = bulk.isPending || apply.isPending;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!canSend) return;
    if (action === 'apply') {
      const ids = summary.included.map((item) => item.id);
      const accepted = await apply.mutateAsync(ids).catch(() => null);
      if (!accepted) return;
      const refused = new Set(accepted.refused.map((r) => r.id));
      if (refused.size > 0)
        noticeActions().noticeAdded({
          tone: 'warning',
          title:
            refused.size === 1
              ? '1 of the selected items was not applied'
              : `${formatNumber(refused.size, 0)} of the selected items were not applied`,
          detail: [...new Set(accepted.refused.map((r) => r.message))].join(' '),
        });
      onDone(ids.filter((id) => !refused.has(id)));
      onClose();
      setSearch({ batch: accepted.batchId });
      return;
    }
    const result = await bulk
      .mutateAsync({ action, items: summary.included, ...(reason ? { reason } : {}), ...(note.trim() ? { note: note.trim() } : {}) })
      .catch(() => null);
    if (result) onDone(result.results.filter((r) => r.outcome === 'done').map((r) => r.id));
  };

  const exclusionsByReason = groupBy(summary.excluded, (e) => e.reason);
  const failures = bulk.data
    ? groupBy(
        bulk.data.results.filter((r) => r.outcome !== 'done'),
        (r) => r.message ?? r.outcome,
      )
    : new Map();

  return (
    <Dialog title={`${verb} ${formatNumber(items.length, 0)} selected`} onClose={onClose}>
      {bulk.data ? (
        <div className="dialog-form">
          <p role="status">
            {formatNumber(bulk.data.done, 0)} {done}, {formatNumber(bulk.data.failed, 0)} not done.
          </p>
          {failures.size > 0 ? (
            <section aria-labelledby="bulk-failures">
              <h3 id="bulk-failures">Not done</h3>
              <ul>
                {[...failures].map(([message, results]) => (
                  <li key={message}>
                    {message}: {results.length}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          <div className="dialog-actions">
            <button type="button" onClick={onClose}>
              Done
            </button>
          </div>
        </div>
      ) : (
        <form className="dialog-form" onSubmit={submit}>
          <section aria-labelledby="bulk-changes">
            <h3 id="bulk-changes">What will change</h3>
            {count === 0 ? (
              <p>None of the selected items can be {done}: see below why.</p>
            ) : (
              <dl className="summary-list">
                <div className="summary-pair">
                  <dt>Items to {action}</dt>
                  <dd>{formatNumber(count, 0)}</dd>
                </div>
                {Object.entries(summary.countByKind).map(([kind, n]) => (
                  <div key={kind} className="summary-pair">
                    <dt>{kind}</dt>
                    <dd>{formatNumber(n ?? 0, 0)}</dd>
                  </div>
                ))}
                {Object.entries(summary.budgetChangeByCurrency).map(([currency, delta]) => (
                  <div key={currency} className="summary-pair">
                    <dt>Daily budget change ({currency})</dt>
                    <dd>{formatMoney(delta, /^[A-Z]{3}$/.test(currency) ? currency : null, { signDisplay: 'exceptZero' })} per day</dd>
                  </div>
                ))}
              </dl>
            )}
            {count > 0 ? (
              <p className="muted">Sources: {[...new Set(summary.included.map((item) => SOURCE_LABELS[item.source]))].join(', ')}</p>
            ) : null}
          </section>
          {summary.excluded.length > 0 || missing > 0 ? (
            <section aria-labelledby="bulk-excluded">
              <h3 id="bulk-excluded">Left out ({formatNumber(summary.excluded.length + missing, 0)})</h3>
              <ul>
                {[...exclusionsByReason].map(([why, list]) => (
                  <li key={why}>
                    {why}: {formatNumber(list.length, 0)}
                  </li>
                ))}
                {missing > 0 ? <li>No longer loaded (reload and select again): {formatNumber(missing, 0)}</li> : null}
              </ul>
            </section>
          ) : null}
          {action === 'reject' ? (
            <RejectReasonFields reason={reason} note={note} onReasonChange={setReason} onNoteChange={setNote} />
          ) : null}
          {bulk.isError ? <ProblemMessage error={bulk.error} fallback={`The bulk ${action} failed`} /> : null}
          {apply.isError ? <ProblemMessage error={apply.error} fallback="The selected items could not be queued for applying" /> : null}
          <div className="dialog-actions">
            <button type="button" className="button-secondary" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className={action === 'reject' ? 'button-danger' : undefined} disabled={!canSend || pending}>
              {pending ? 'Sending…' : `${verb} ${formatNumber(count, 0)}`}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

const VERBS = { approve: 'Approve', reject: 'Reject', apply: 'Apply' } as const;
const DONE = { approve: 'approved', reject: 'rejected', apply: 'applied' } as const;

function groupBy<T>(list: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of list) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}
