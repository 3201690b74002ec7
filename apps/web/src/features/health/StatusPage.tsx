/**
 * The status page: is RecDesk itself healthy (database, Ads API), and for each source how fresh its data is, when
 * it last ran and with what result, what it quarantined and its last error; and the open alerts.
 */
import { SOURCE_LABELS, type SourceStatus } from '@recdesk/shared-types';
import { useQuery } from '@tanstack/react-query';
import { ApiError } from '../../shared/api-client.ts';
import { formatDateTime, formatDuration, formatNumber, formatRelative } from '../../shared/format.ts';
import { ProblemMessage } from '../../shared/ui/ProblemMessage.tsx';
import { useNow } from '../../shared/use-now.ts';
import { AlertsPanel } from './AlertsPanel.tsx';
import { healthQueries } from './health-queries.ts';
import { StreamSubscriptionsPanel } from './StreamSubscriptionsPanel.tsx';
import './health.css';

const STATUS_WORDS = { ok: 'OK', degraded: 'Degraded', down: 'Down' } as const;

/** `isAdmin`: admins also manage the Marketing Stream subscriptions here. */
export function StatusPage({ isAdmin = false }: { isAdmin?: boolean }) {
  const health = useQuery(healthQueries.health());
  return (
    <section aria-labelledby="status-heading" className="page">
      <header className="page-header">
        <h1 id="status-heading">Status</h1>
      </header>
      <section aria-labelledby="service-heading" className="panel">
        <h2 id="service-heading">RecDesk</h2>
        {health.isPending ? (
          <div className="skeleton-line" role="status" aria-label="Loading the service status" />
        ) : health.isError ? (
          <ProblemMessage error={health.error} fallback="RecDesk's status could not be read" onRetry={() => health.refetch()} />
        ) : (
          <dl className="status-grid">
            <div>
              <dt>Overall</dt>
              <dd className={`health-${health.data.status}`}>{STATUS_WORDS[health.data.status]}</dd>
            </div>
            <div>
              <dt>Database</dt>
              <dd className={`health-${health.data.db}`}>{STATUS_WORDS[health.data.db]}</dd>
            </div>
            <div>
              <dt>Amazon Ads API ({health.data.adsApiMode})</dt>
              <dd className={`health-${health.data.adsApi}`}>{STATUS_WORDS[health.data.adsApi]}</dd>
            </div>
            <div>
              <dt>Version</dt>
              <dd>{health.data.version}</dd>
            </div>
          </dl>
        )}
      </section>
      <AlertsPanel />
      <SourcesPanel />
      {isAdmin ? <StreamSubscriptionsPanel /> : null}
    </section>
  );
}

function SourcesPanel() {
  const sources = useQuery(healthQueries.sources());
  const now = useNow();
  // A BFF without per-source status (it arrives with the ingestion scheduler) has nothing to show here.
  if (sources.error instanceof ApiError && sources.error.problem.status === 404) return null;
  return (
    <section aria-labelledby="sources-heading" className="panel">
      <h2 id="sources-heading">Sources</h2>
      {sources.isPending ? (
        <div className="skeleton-block" role="status" aria-label="Loading the sources">
          <div className="skeleton-line" />
          <div className="skeleton-line" />
        </div>
      ) : sources.isError ? (
        <ProblemMessage error={sources.error} fallback="The sources' status could not be read" onRetry={() => sources.refetch()} />
      ) : (
        <div className="table-scroll">
          <table className="plain-table">
            <caption className="sr-only">Each source's freshness and last run</caption>
            <thead>
              <tr>
                <th scope="col">Source</th>
                <th scope="col">Freshness</th>
                <th scope="col">Last success</th>
                <th scope="col">Last run</th>
                <th scope="col">Next run</th>
                <th scope="col">Items</th>
                <th scope="col">Quarantined</th>
                <th scope="col">Last error</th>
              </tr>
            </thead>
            <tbody>
              {sources.data.sources.map((source) => (
                <SourceRow key={source.source} source={source} now={now} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** Why a source that is not set up is not: it is neither fresh nor stale, it is off. */
function notConfiguredWhy(source: SourceStatus): string {
  return source.delivery === 'push'
    ? 'set STREAM_SQS_QUEUE_URL to read its SQS queue, or STREAM_SHARED_SECRET to accept its deliveries'
    : 'no adapter, or its schedule is off';
}

/** Seconds under a minute ("1.4 s"), else the usual duration. */
function formatLag(ms: number): string {
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : formatDuration(ms);
}

/** A pushed source read from SQS: how far behind the queue the consumer is, what waits, and how fast it goes. */
function QueueCell({ queue }: { queue: NonNullable<SourceStatus['queue']> }) {
  return (
    <span className="stream-queue">
      {queue.consumers > 0 ? 'SQS' : 'SQS (stopped)'}
      {queue.lagMs !== null ? <> · lag {formatLag(queue.lagMs)}</> : null}
      {queue.backlog !== null ? <span className="muted"> · {formatNumber(queue.backlog, 0)} waiting</span> : null}
      <span className="muted"> · {formatNumber(queue.perMinute, 0)}/min</span>
      {queue.lastError ? (
        <span className="muted" title={queue.lastError.message}>
          {' '}
          · last error {queue.lastError.message}
        </span>
      ) : null}
    </span>
  );
}

function SourceRow({ source, now }: { source: SourceStatus; now: number }) {
  if (!source.enabled && source.counts.runs === 0)
    return (
      <tr>
        <th scope="row">{SOURCE_LABELS[source.source]}</th>
        <td colSpan={7}>
          <span className="badge badge-off">not configured</span> <span className="muted">{notConfiguredWhy(source)}</span>
        </td>
      </tr>
    );
  return (
    <tr>
      <th scope="row">
        {SOURCE_LABELS[source.source]}
        {source.enabled ? null : <span className="muted"> (off)</span>}
      </th>
      <td>
        {source.enabled ? (
          <>
            <span className={`badge badge-${source.freshness}`}>{source.freshness}</span>
            <span className="muted"> fresh for {formatDuration(source.freshnessPolicy.freshForMs)}</span>
          </>
        ) : (
          <span className="badge badge-off" title={notConfiguredWhy(source)}>
            not configured
          </span>
        )}
      </td>
      <td>
        {source.lastSuccessAt ? (
          <span title={formatDateTime(source.lastSuccessAt)}>{formatRelative(source.lastSuccessAt, now)}</span>
        ) : (
          'never'
        )}
      </td>
      <td>
        {source.lastRun ? (
          <>
            {source.lastRun.status} <span className="muted">{formatRelative(source.lastRun.startedAt, now)}</span>
            <span className="muted">
              {' '}
              · {formatNumber(source.lastRun.fetched, 0)} fetched, {formatNumber(source.lastRun.stored, 0)} stored
            </span>
          </>
        ) : (
          'never ran'
        )}
      </td>
      <td>
        {source.nextRunAt ? (
          formatRelative(source.nextRunAt, now)
        ) : source.queue ? (
          <QueueCell queue={source.queue} />
        ) : source.delivery === 'push' ? (
          'pushed'
        ) : (
          '—'
        )}
      </td>
      <td>{formatNumber(source.counts.recommendations, 0)}</td>
      <td>{formatNumber(source.quarantined, 0)}</td>
      <td>{source.lastError ? `${source.lastError.message} (${formatRelative(source.lastError.at, now)})` : '—'}</td>
    </tr>
  );
}
