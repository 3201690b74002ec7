/**
 * The live progress of an apply (or undo) batch, opened by `?batch=<id>` so a link shows it again: a progress bar,
 * the count per state, the time left at the current upstream rate, the failures grouped by their upstream reason,
 * each item's state and values, and "Retry failed" and "Undo batch". It polls until the batch is finished.
 */
import type { ApplyBatch, ApplyItem } from '@recdesk/shared-types';
import { useQuery } from '@tanstack/react-query';
import { applyQueries, progressOf, useRetryFailed } from '../../shared/apply/apply-queries.ts';
import { formatApplyValue } from '../../shared/apply/apply-values.ts';
import { useRecommendationTitles } from '../../shared/apply/recommendation-titles.ts';
import { UndoButton } from '../../shared/apply/UndoButton.tsx';
import { formatNumber } from '../../shared/format.ts';
import { noticeActions } from '../../shared/notices-store.ts';
import { useCanAct } from '../../shared/session/can-act.tsx';
import { Dialog } from '../../shared/ui/Dialog.tsx';
import { ProblemMessage } from '../../shared/ui/ProblemMessage.tsx';
import './apply.css';

/** Rows of the per-item table; the failures above list every failed item whatever the size of the batch. */
const ITEM_ROWS = 200;

const STATE_LABELS = { queued: 'Queued', applying: 'Applying', applied: 'Applied', failed: 'Failed', drifted: 'Drifted' } as const;

export function BatchProgressDialog({ batchId, onClose }: { batchId: string; onClose: () => void }) {
  const batch = useQuery(applyQueries.batch(batchId));
  const kind = batch.data?.kind === 'undo' ? 'Undo' : 'Apply';
  return (
    <Dialog
      variant="wide"
      title={batch.data ? `${kind} batch` : 'Batch'}
      label={batch.data ? `${kind} batch progress` : 'Batch progress'}
      onClose={onClose}
    >
      {batch.isPending ? (
        <div className="skeleton-block" role="status" aria-label="Loading the batch">
          <div className="skeleton-line" />
          <div className="skeleton-line" />
          <div className="skeleton-line short" />
        </div>
      ) : batch.isError ? (
        <ProblemMessage error={batch.error} fallback="This batch could not be loaded" onRetry={() => batch.refetch()} />
      ) : (
        <BatchProgress batch={batch.data} onClose={onClose} />
      )}
    </Dialog>
  );
}

function formatEta(seconds: number): string {
  if (seconds < 1) return 'less than a second';
  if (seconds < 90) return `about ${formatNumber(Math.ceil(seconds), 0)} s`;
  return `about ${formatNumber(Math.ceil(seconds / 60), 0)} min`;
}

/** Failed and drifted items by what went wrong, the largest group first. */
export function failuresByReason(items: readonly ApplyItem[]): { reason: string; items: ApplyItem[] }[] {
  const groups = new Map<string, ApplyItem[]>();
  for (const item of items) {
    if (item.state !== 'failed' && item.state !== 'drifted') continue;
    const reason =
      item.state === 'drifted'
        ? `Drifted: ${item.reason ?? 'the live value changed since it was approved'} (approve it again to apply)`
        : (item.reason ?? item.reasonCode ?? 'Failed without a reason from upstream');
    groups.set(reason, [...(groups.get(reason) ?? []), item]);
  }
  return [...groups].map(([reason, list]) => ({ reason, items: list })).sort((a, b) => b.items.length - a.items.length);
}

function BatchProgress({ batch, onClose }: { batch: ApplyBatch; onClose: () => void }) {
  const retry = useRetryFailed();
  // A viewer follows a batch but changes nothing: no retry and no undo on their screen.
  const canAct = useCanAct();
  const titleOf = useRecommendationTitles(batch.items.map((item) => item.recommendationId));
  const { done, total } = progressOf(batch);
  const counts = batch.counts;
  const failed = counts.failed ?? 0;
  const applied = counts.applied ?? 0;
  const failures = failuresByReason(batch.items);
  const appliedIds = batch.items.filter((item) => item.state === 'applied').map((item) => item.recommendationId);
  const verb = batch.kind === 'undo' ? 'undone' : 'applied';

  return (
    <div className="dialog-form batch-progress">
      <p role="status" className="batch-status">
        {batch.finished
          ? `Finished: ${formatNumber(applied, 0)} ${verb}, ${formatNumber(failed, 0)} failed${counts.drifted ? `, ${formatNumber(counts.drifted, 0)} drifted` : ''}.`
          : `${formatNumber(done, 0)} of ${formatNumber(total, 0)} done${batch.etaSeconds !== null ? ` · ${formatEta(batch.etaSeconds)} left` : ''}`}
      </p>
      <progress className="batch-bar" aria-label="Batch progress" value={done} max={Math.max(total, 1)} />
      <dl className="batch-counts">
        {(Object.keys(STATE_LABELS) as (keyof typeof STATE_LABELS)[]).map((state) => (
          <div key={state} className={`batch-count batch-count-${state}`}>
            <dt>{STATE_LABELS[state]}</dt>
            <dd>{formatNumber(counts[state] ?? 0, 0)}</dd>
          </div>
        ))}
      </dl>

      {failures.length > 0 ? (
        <section aria-labelledby="batch-failures" className="batch-failures">
          <h3 id="batch-failures">Failures by reason</h3>
          <ul>
            {failures.map((group) => (
              <li key={group.reason}>
                <details>
                  <summary>
                    {group.reason}: <strong>{formatNumber(group.items.length, 0)}</strong>
                  </summary>
                  <ul>
                    {group.items.map((item) => (
                      <li key={item.recommendationId}>
                        {titleOf(item.recommendationId)}
                        {item.reasonCode ? <span className="muted"> ({item.reasonCode})</span> : null}
                      </li>
                    ))}
                  </ul>
                </details>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {retry.isError ? <ProblemMessage error={retry.error} fallback="The failed items could not be queued again" /> : null}
      <div className="dialog-actions">
        {canAct ? (
          <>
            <button
              type="button"
              className="button-secondary"
              disabled={failed === 0 || retry.isPending}
              onClick={() =>
                retry.mutate(batch.batchId, {
                  onSuccess: (result) =>
                    noticeActions().noticeAdded({ tone: 'info', title: `${formatNumber(result.requeued, 0)} failed items queued again` }),
                })
              }
            >
              {retry.isPending ? 'Retrying…' : 'Retry failed'}
            </button>
            {batch.kind === 'apply' ? (
              <UndoButton
                body={{ batchId: batch.batchId }}
                label="Undo batch"
                disabled={!batch.finished || applied === 0}
                itemIds={appliedIds}
                titleOf={titleOf}
              />
            ) : null}
          </>
        ) : null}
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>

      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
      <section className="batch-items" tabIndex={0} aria-label="Each item of the batch">
        <table className="plain-table">
          <caption>
            Each item
            {batch.items.length > ITEM_ROWS ? ` (the first ${formatNumber(ITEM_ROWS, 0)} of ${formatNumber(batch.items.length, 0)})` : ''}
          </caption>
          <thead>
            <tr>
              <th scope="col">Item</th>
              <th scope="col">State</th>
              <th scope="col">Before</th>
              <th scope="col">{batch.kind === 'undo' ? 'Restored' : 'After'}</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {batch.items.slice(0, ITEM_ROWS).map((item) => (
              <tr key={item.recommendationId}>
                <th scope="row">{titleOf(item.recommendationId)}</th>
                <td>
                  <span className={`badge apply-state apply-state-${item.state}`}>{STATE_LABELS[item.state]}</span>
                </td>
                <td>{formatApplyValue(item.valueBefore ?? item.expectedValue)}</td>
                <td>{formatApplyValue(item.state === 'applied' ? (item.valueAfter ?? item.targetValue) : item.targetValue)}</td>
                <td>{item.reason ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
