/**
 * The open alerts on the status page: what is wrong and what to do (the alert's message), how serious, which source,
 * since when and when it was last seen. Critical ones first. A BFF without alerting (404) shows nothing here.
 */
import { type Alert, SOURCE_LABELS } from '@recdesk/shared-types';
import { useQuery } from '@tanstack/react-query';
import { ApiError } from '../../shared/api-client.ts';
import { formatDateTime, formatNumber, formatRelative } from '../../shared/format.ts';
import { ProblemMessage } from '../../shared/ui/ProblemMessage.tsx';
import { useNow } from '../../shared/use-now.ts';
import { healthQueries } from './health-queries.ts';

const KIND_LABELS: Record<Alert['kind'], string> = {
  source_stale: 'Source stale',
  apply_failure_rate: 'Apply failures',
  quarantine_growing: 'Quarantine growing',
  queue_backlog: 'Queue backlog',
  upstream_errors: 'Ads API errors',
};

export function AlertsPanel() {
  const alerts = useQuery(healthQueries.alerts());
  const now = useNow();
  if (alerts.error instanceof ApiError && alerts.error.problem.status === 404) return null;
  const open = [...(alerts.data?.alerts ?? [])]
    .filter((alert) => alert.resolvedAt === null)
    .sort((a, b) => (a.severity === b.severity ? b.openedAt.localeCompare(a.openedAt) : a.severity === 'critical' ? -1 : 1));
  return (
    <section aria-labelledby="alerts-heading" className="panel">
      <h2 id="alerts-heading">Open alerts{alerts.data ? ` (${formatNumber(open.length, 0)})` : ''}</h2>
      {alerts.isPending ? (
        <div className="skeleton-block" role="status" aria-label="Loading the alerts">
          <div className="skeleton-line" />
        </div>
      ) : alerts.isError ? (
        <ProblemMessage error={alerts.error} fallback="The alerts could not be read" onRetry={() => alerts.refetch()} />
      ) : open.length === 0 ? (
        <p className="muted">No open alerts: every source is fresh enough and applying works. RecDesk checks again every minute.</p>
      ) : (
        <ul className="alert-list">
          {open.map((alert) => (
            <li key={alert.id} className={`alert-item alert-${alert.severity}`}>
              <p>
                <span className={`badge alert-severity-${alert.severity}`}>{alert.severity === 'critical' ? 'Critical' : 'Warning'}</span>{' '}
                <strong>{KIND_LABELS[alert.kind]}</strong>
                {alert.source ? ` · ${SOURCE_LABELS[alert.source]}` : ''}
              </p>
              <p>{alert.message}</p>
              <p className="muted">
                Open since{' '}
                <time dateTime={alert.openedAt} title={formatDateTime(alert.openedAt)}>
                  {formatRelative(alert.openedAt, now)}
                </time>
                , last seen <time dateTime={alert.lastSeenAt}>{formatRelative(alert.lastSeenAt, now)}</time>
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
