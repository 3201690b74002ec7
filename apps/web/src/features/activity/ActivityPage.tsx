/**
 * The activity page: what people and rules applied, failed to apply and undid, newest first, filterable by
 * advertiser, actor, source, kind, outcome and date (all in the URL), and exportable as CSV with the same filters.
 * An item opens in the queue's detail drawer; a batch opens its progress view.
 */
import { ACTIVITY_OUTCOMES, type ActivityEntry, type ActivityOutcome, SOURCE_LABELS } from '@recdesk/shared-types';
import { useInfiniteQuery } from '@tanstack/react-query';
import { type MouseEvent, useEffect, useMemo, useState } from 'react';
import { AdvertiserCombobox } from '../../shared/advertisers/AdvertiserCombobox.tsx';
import { formatApplyValue } from '../../shared/apply/apply-values.ts';
import { formatDateTime, formatNumber } from '../../shared/format.ts';
import { paths } from '../../shared/paths.ts';
import { ProblemMessage } from '../../shared/ui/ProblemMessage.tsx';
import { KindSelect, SourceSelect } from '../../shared/ui/SourceAndKindSelects.tsx';
import { useNavigate } from '../../shared/use-location.ts';
import { useSearchParams } from '../../shared/use-search-params.ts';
import { ACTIVITY_FILTER_KEYS, useActivityFilters } from './activity-filters.ts';
import { activityCsvHref, activityQueries } from './activity-queries.ts';
import './activity.css';

export const OUTCOME_LABELS: Record<ActivityOutcome, string> = {
  applied: 'Applied',
  failed: 'Failed',
  drifted: 'Drifted (not applied)',
  undone: 'Undone',
  undo_failed: 'Undo failed',
};

/** A text filter that writes the URL once typing pauses, so each keystroke does not start a request. */
function useDebouncedFilter(value: string | undefined, commit: (value: string) => void) {
  const [draft, setDraft] = useState(value ?? '');
  useEffect(() => setDraft(value ?? ''), [value]);
  useEffect(() => {
    if (draft.trim() === (value ?? '')) return;
    const timer = setTimeout(() => commit(draft.trim()), 400);
    return () => clearTimeout(timer);
  }, [draft, value, commit]);
  return [draft, setDraft] as const;
}

export function ActivityPage() {
  const [filters, setFilters] = useActivityFilters();
  const [, setSearch] = useSearchParams();
  const navigate = useNavigate();
  const query = useInfiniteQuery(activityQueries.list(filters));
  const entries = useMemo(() => query.data?.pages.flatMap((page) => page.items) ?? [], [query.data]);
  const [actor, setActor] = useDebouncedFilter(filters.actor, (value) => setFilters({ actor: value }));
  const filtered = ACTIVITY_FILTER_KEYS.some((key) => filters[key] !== undefined);
  const known = useMemo(() => {
    const actors = new Set<string>();
    for (const entry of entries) actors.add(entry.actor.label);
    return { actors: [...actors] };
  }, [entries]);

  const openItem = (entry: ActivityEntry) => (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(`${paths.queue}?item=${entry.recommendationId}`);
  };

  return (
    <section aria-labelledby="activity-heading" className="page">
      <header className="page-header">
        <h1 id="activity-heading">Activity</h1>
        <div className="page-header-actions">
          <a className="button-link" href={activityCsvHref(filters)} download>
            Export CSV
          </a>
        </div>
      </header>
      <p className="muted">
        Every change people and auto-apply rules sent to Amazon Ads: applied, failed and undone, with the values before and after.
      </p>

      <form className="filters" aria-label="Activity filters" onSubmit={(event) => event.preventDefault()}>
        <AdvertiserCombobox value={filters.advertiserId} onChange={(id) => setFilters({ advertiserId: id })} />
        <label>
          Actor
          <input
            type="search"
            list="activity-actors"
            value={actor}
            onChange={(event) => setActor(event.target.value)}
            placeholder="email, rule, or rule:<name>"
          />
          <datalist id="activity-actors">
            <option value="rule">Any rule</option>
            {known.actors.map((label) => (
              <option key={label} value={label} />
            ))}
          </datalist>
        </label>
        <SourceSelect value={filters.source} onChange={(value) => setFilters({ source: value })} />
        <KindSelect value={filters.kind} onChange={(value) => setFilters({ kind: value })} />
        <label>
          Outcome
          <select value={filters.outcome ?? ''} onChange={(event) => setFilters({ outcome: event.target.value })}>
            <option value="">All outcomes</option>
            {ACTIVITY_OUTCOMES.map((outcome) => (
              <option key={outcome} value={outcome}>
                {OUTCOME_LABELS[outcome]}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="date" value={filters.from?.slice(0, 10) ?? ''} onChange={(event) => setFilters({ from: event.target.value })} />
        </label>
        <label>
          To
          <input type="date" value={filters.to?.slice(0, 10) ?? ''} onChange={(event) => setFilters({ to: event.target.value })} />
        </label>
        {filtered ? (
          <button
            type="button"
            className="button-secondary"
            onClick={() => setFilters(Object.fromEntries(ACTIVITY_FILTER_KEYS.map((key) => [key, undefined])))}
          >
            Clear filters
          </button>
        ) : null}
      </form>

      {query.isPending ? (
        <div className="skeleton-table" role="status" aria-label="Loading the activity">
          {Array.from({ length: 6 }, (_, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity
            <div key={i} className="skeleton-line" />
          ))}
        </div>
      ) : query.isError ? (
        <ProblemMessage error={query.error} fallback="The activity could not be loaded" onRetry={() => query.refetch()} />
      ) : entries.length === 0 ? (
        <div className="empty-state">
          {filtered ? (
            <>
              <p>No activity matches these filters.</p>
              <p>Widen the dates or clear a filter.</p>
            </>
          ) : (
            <>
              <p>Nothing has been applied yet.</p>
              <p>Approve items in the queue, select them and press “Apply selected”; what people and rules apply shows here.</p>
            </>
          )}
        </div>
      ) : (
        <>
          <div className="table-scroll">
            <table className="plain-table activity-table">
              <caption className="sr-only">Applied, failed and undone changes, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Who</th>
                  <th scope="col">Advertiser</th>
                  <th scope="col">Item</th>
                  <th scope="col">Before → after</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Batch</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((entry) => (
                  <tr key={entry.id}>
                    <td>
                      <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
                    </td>
                    <td>
                      <span className={`badge activity-outcome activity-outcome-${entry.outcome}`}>{OUTCOME_LABELS[entry.outcome]}</span>
                    </td>
                    <td>{entry.actor.label}</td>
                    <td>
                      {entry.advertiserName ?? entry.advertiserId}
                      <span className="muted"> · {SOURCE_LABELS[entry.source]}</span>
                    </td>
                    <td>
                      <a href={`${paths.queue}?item=${entry.recommendationId}`} onClick={openItem(entry)}>
                        {entry.title}
                      </a>
                    </td>
                    <td>
                      {formatApplyValue(entry.valueBefore)} →{' '}
                      {formatApplyValue(entry.valueAfter ?? (entry.outcome === 'applied' ? entry.targetValue : null))}
                      {entry.currency ? <span className="muted"> {entry.currency}</span> : null}
                    </td>
                    <td>{entry.reason ?? '—'}</td>
                    <td>
                      <button type="button" className="link-button" onClick={() => setSearch({ batch: entry.batchId })}>
                        Show batch<span className="sr-only"> of {entry.title}</span>
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="muted">
            Showing {formatNumber(entries.length, 0)}
            {query.hasNextPage ? ' (more below)' : ''}
          </p>
          {query.hasNextPage ? (
            <button type="button" className="button-secondary" disabled={query.isFetchingNextPage} onClick={() => query.fetchNextPage()}>
              {query.isFetchingNextPage ? 'Loading…' : 'Load more'}
            </button>
          ) : null}
        </>
      )}
    </section>
  );
}
