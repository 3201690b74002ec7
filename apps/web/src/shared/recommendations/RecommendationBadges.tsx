/**
 * The badges every view of a recommendation shares: freshness with its age, expiry with a countdown that turns
 * urgent under a threshold, and the lifecycle states that need attention (drifted, failed validation, failed).
 * Colour is never the only signal: each badge says its state in words.
 */
import type { Recommendation } from '@recdesk/shared-types';
import { formatDateTime, formatDuration, formatRelative } from '../format.ts';
import { useNow } from '../use-now.ts';
import { controlGroupBreaks, controlGroupLabel } from './LeaveControlGroupDialog.tsx';

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
      {urgent ? <ClockIcon /> : null}
      {formatDuration(left)} left{urgent ? <span className="sr-only"> (urgent)</span> : null}
    </time>
  );
}

/** A small clock drawn inline: an emoji needs a font the machine may not have (it rendered as a box). */
function ClockIcon() {
  return (
    <svg className="badge-icon" viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" focusable="false">
      <circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
      <path d="M8 4.5V8l2.5 1.5" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
    </svg>
  );
}

const ATTENTION: Partial<Record<Recommendation['status'], string>> = {
  drifted: 'drifted',
  failed: 'failed',
  expired: 'expired',
  superseded: 'superseded',
};

export function StatusBadge({
  item,
}: {
  item: Pick<Recommendation, 'status' | 'validationIssues' | 'awaitingSecondApprover'> & Partial<Pick<Recommendation, 'controlGroup'>>;
}) {
  const attention = ATTENTION[item.status];
  const issues = item.validationIssues.map((issue) => issue.message).join('; ');
  const guardrailOnly = item.validationIssues.length > 0 && item.validationIssues.every((issue) => issue.code.startsWith('guardrail_'));
  // "validated" next to "failed validation" contradicts itself: a waiting item with issues shows only the issues.
  const hideStatus = item.validationIssues.length > 0 && (item.status === 'validated' || item.status === 'discovered');
  return (
    <span className="status-cell">
      {hideStatus ? null : (
        <span
          className={`badge badge-status badge-${attention ?? item.status}`}
          title={item.status === 'drifted' ? 'The live value changed since the recommendation was made' : undefined}
        >
          {item.status.replace('_', ' ')}
        </span>
      )}
      {item.controlGroup ? (
        <span className="badge badge-control" title={controlGroupBreaks(item.controlGroup)}>
          {controlGroupLabel(item.controlGroup)}
        </span>
      ) : null}
      {item.awaitingSecondApprover ? (
        <span className="badge badge-awaiting" title={`Approved by ${item.awaitingSecondApprover.approverId}`}>
          awaiting second approver
        </span>
      ) : null}
      {item.validationIssues.length > 0 ? (
        <span className="badge badge-invalid" title={issues}>
          {guardrailOnly ? 'over the guardrail' : 'failed validation'}
          <span className="sr-only">: {issues}</span>
        </span>
      ) : null}
    </span>
  );
}
