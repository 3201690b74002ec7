/**
 * The queue screen: filters in the URL, the table, "load more" by cursor, and a sync button that fetches fresh
 * recommendations from Amazon Ads now.
 */
import { LIFECYCLE_STATUSES, RECOMMENDATION_SOURCES, type Recommendation, SOURCE_LABELS } from '@recdesk/shared-types';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { ApiError } from '../../shared/api-client.ts';
import { QueueTable } from './QueueTable.tsx';
import { recommendationQueries, runSync } from './recommendation-queries.ts';
import { useQueueFilters } from './use-queue-filters.ts';

const NO_ITEMS: Recommendation[] = [];

export function QueuePage() {
  const [filters, setFilters] = useQueueFilters();
  const queryClient = useQueryClient();
  const query = useInfiniteQuery(recommendationQueries.list(filters));
  const items = useMemo(() => query.data?.pages.flatMap((page) => page.items) ?? NO_ITEMS, [query.data]);
  const total = query.data?.pages[0]?.total ?? 0;
  const sync = useMutation({
    mutationFn: runSync,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: recommendationQueries.lists() }),
  });

  return (
    <section aria-labelledby="queue-heading">
      <header className="page-header">
        <h1 id="queue-heading">Recommendations</h1>
        <button type="button" onClick={() => sync.mutate()} disabled={sync.isPending}>
          {sync.isPending ? 'Syncing…' : 'Sync now'}
        </button>
      </header>
      {sync.isSuccess ? (
        <p role="status">
          Synced:{' '}
          {sync.data.sources
            .map((s) => `${SOURCE_LABELS[s.source]} ${s.fetched} fetched, ${s.stored} new or changed, ${s.quarantined} quarantined`)
            .join('; ')}
        </p>
      ) : null}
      {sync.error ? (
        <p role="alert">{sync.error instanceof ApiError ? `${sync.error.problem.title}: ${sync.error.message}` : 'The sync failed.'}</p>
      ) : null}

      <form className="filters" aria-label="Filters" onSubmit={(event) => event.preventDefault()}>
        <label>
          Source
          <select value={filters.source ?? ''} onChange={(event) => setFilters({ source: event.target.value })}>
            <option value="">All sources</option>
            {RECOMMENDATION_SOURCES.map((source) => (
              <option key={source} value={source}>
                {SOURCE_LABELS[source]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select value={filters.status ?? ''} onChange={(event) => setFilters({ status: event.target.value })}>
            <option value="">Any status</option>
            {LIFECYCLE_STATUSES.map((status) => (
              <option key={status} value={status}>
                {status.replace('_', ' ')}
              </option>
            ))}
          </select>
        </label>
        <label>
          Advertiser id
          <input
            type="search"
            defaultValue={filters.advertiserId ?? ''}
            onChange={(event) => setFilters({ advertiserId: event.target.value.trim() })}
          />
        </label>
      </form>

      {query.isPending ? (
        <p role="status">Loading recommendations…</p>
      ) : query.isError ? (
        <div role="alert">
          <p>{query.error instanceof ApiError ? query.error.problem.title : 'The recommendations could not be loaded.'}</p>
          <p>{query.error.message}</p>
          <button type="button" onClick={() => query.refetch()}>
            Try again
          </button>
        </div>
      ) : items.length === 0 ? (
        <p>No recommendations match these filters. Clear a filter, or press “Sync now” to fetch the latest from Amazon Ads.</p>
      ) : (
        <>
          <p className="muted">
            Showing {items.length} of {total}
          </p>
          <QueueTable items={items} />
          {query.hasNextPage ? (
            <button type="button" onClick={() => query.fetchNextPage()} disabled={query.isFetchingNextPage}>
              {query.isFetchingNextPage ? 'Loading…' : 'Load more'}
            </button>
          ) : null}
        </>
      )}
    </section>
  );
}
