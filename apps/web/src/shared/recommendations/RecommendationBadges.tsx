/**
 * The badges every view of a recommendation shares: freshness with its age, expiry with a countdown that turns
 * urgent under a threshold, and the lifecycle states that need attention (drifted, failed validation, failed).
 * Colour is never the only signal: each badge says its state in words.
 */
import type { Recommendation } from '@recdesk/shared-types';
import { formatDateTime, formatDuration, formatRelative } from '../format.ts';
import { useNow } from '../use-now.ts';

/** Under this many hours to expiry a countdown is urgent. */
export const URGENT_EXPIRY_HOURS = 24;

export function FreshnessBadge({ item }: { item: Pick<Recommendation, 'freshness' | 'refreshedAt'> }) {
  const now = useNow();
  const age = `refreshed ${formatRelative(item.refreshedAt, now)}`;
  return (
    <span className={`badge badge-${item.freshness}`} title={`${age} (${formatDateTime(item.refreshedAt)})`}>
      {item.freshness}
      <span className="sr-only">, {age}</span>
    </span>
  );
}

export function ExpiryBadge({ expiresAt }: { expiresAt: string | null }) {
  const now = useNow();
  if (!expiresAt) return <span className="muted">no expiry</span>;
  const left = new Date(expiresAt).getTime() - now;
  if (left <= 0) {
    return (
      <span className="badge badge-expired" title={`Expired ${formatDateTime(expiresAt)}`}>
        expired
      </span>
    );
  }
  const urgent = left < URGENT_EXPIRY_HOURS * 3_600_000;
  return (
    <time dateTime={expiresAt} className={urgent ? 'badge badge-urgent' : 'countdown'} title={`Expires ${formatDateTime(expiresAt)}`}>
      {urgent ? <span aria-hidden="true">⏱ </span> : null}
      {formatDuration(left)} left{urgent ? <span className="sr-only"> (urgent)</span> : null}
    </time>
  );
}

const ATTENTION: Partial<Record<Recommendation['status'], string>> = {
  drifted: 'drifted',
  failed: 'failed',
  expired: 'expired',
  superseded: 'superseded',
};

export function StatusBadge({ item }: { item: Pick<Recommendation, 'status' | 'validationIssues' | 'awaitingSecondApprover'> }) {
  const attention = ATTENTION[item.status];
  const issues = item.validationIssues.map((issue) => issue.message).join('; ');
  return (
    <span className="status-cell">
      <span
        className={`badge badge-status badge-${attention ?? item.status}`}
        title={item.status === 'drifted' ? 'The live value changed since the recommendation was made' : undefined}
      >
        {item.status.replace('_', ' ')}
      </span>
      {item.awaitingSecondApprover ? (
        <span className="badge badge-awaiting" title={`Approved by ${item.awaitingSecondApprover.approverId}`}>
          awaiting second approver
        </span>
      ) : null}
      {item.validationIssues.length > 0 ? (
        <span className="badge badge-invalid" title={issues}>
          failed validation<span className="sr-only">: {issues}</span>
        </span>
      ) : null}
    </span>
  );
}
