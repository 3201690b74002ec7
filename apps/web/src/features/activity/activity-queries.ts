/** The activity log, a page at a time (newest first), keyed by its filters. */
import { type ActivityCsvQuery, ActivityPageSchema } from '@recdesk/shared-types';
import { infiniteQueryOptions, keepPreviousData } from '@tanstack/react-query';
import { apiRequest } from '../../shared/api-client.ts';
import { activitySearch } from './activity-filters.ts';

const PAGE_SIZE = 100;

export const activityQueries = {
  all: () => ['activity'] as const,
  list: (filters: ActivityCsvQuery) =>
    infiniteQueryOptions({
      queryKey: [...activityQueries.all(), 'list', filters] as const,
      queryFn: ({ pageParam, signal }) =>
        apiRequest(ActivityPageSchema, '/api/activity', { query: { ...filters, limit: PAGE_SIZE, cursor: pageParam }, signal }),
      initialPageParam: undefined as string | undefined,
      getNextPageParam: (page) => page.nextCursor ?? undefined,
      // A new filter keeps the rows on screen until its answer arrives, instead of flashing a skeleton.
      placeholderData: keepPreviousData,
    }),
};

/** The CSV export of the same filters: a plain link, so the browser downloads it with the session cookie. */
export function activityCsvHref(filters: ActivityCsvQuery): string {
  const search = activitySearch(filters);
  return `/api/activity.csv${search ? `?${search}` : ''}`;
}
