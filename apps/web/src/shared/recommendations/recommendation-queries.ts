/**
 * The recommendations query factory, shared by the queue and the conflicts views: keys run from generic to specific
 * (all → lists → list(filters), all → details → detail(id) → history), so one prefix invalidates a family, and every
 * input of a request is in its key.
 */
import {
  type ListRecommendationsQuery,
  type Recommendation,
  RecommendationDetailResponseSchema,
  RecommendationHistorySchema,
  SyncSummarySchema,
} from '@recdesk/shared-types';
import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { apiRequest } from '../api-client.ts';
import { ReadableRecommendationPageSchema } from './readable-page.ts';

export type QueueFilters = Partial<Omit<ListRecommendationsQuery, 'cursor' | 'limit'>>;

const PAGE_SIZE = 100;
/** The API's largest page: collecting every match of a filter takes the fewest round trips with it. */
const COLLECT_PAGE_SIZE = 500;

export const recommendationQueries = {
  all: () => ['recommendations'] as const,
  lists: () => [...recommendationQueries.all(), 'list'] as const,
  list: (filters: QueueFilters) =>
    infiniteQueryOptions({
      queryKey: [...recommendationQueries.lists(), filters] as const,
      queryFn: ({ pageParam, signal }) =>
        apiRequest(ReadableRecommendationPageSchema, '/api/recommendations', {
          query: { ...filters, limit: PAGE_SIZE, cursor: pageParam },
          signal,
        }),
      initialPageParam: undefined as string | undefined,
      getNextPageParam: (page) => page.nextCursor ?? undefined,
    }),
  details: () => [...recommendationQueries.all(), 'detail'] as const,
  detail: (id: string) =>
    queryOptions({
      queryKey: [...recommendationQueries.details(), id] as const,
      queryFn: ({ signal }) => apiRequest(RecommendationDetailResponseSchema, `/api/recommendations/${id}`, { signal }),
    }),
  history: (id: string) =>
    queryOptions({
      queryKey: [...recommendationQueries.details(), id, 'history'] as const,
      queryFn: ({ signal }) => apiRequest(RecommendationHistorySchema, `/api/recommendations/${id}/history`, { signal }),
    }),
};

/**
 * Every item matching a filter, page by page ("select all matching", not only what is loaded), reporting progress.
 * The server's own paging keeps each request small; the caller can abort between pages.
 */
export async function collectMatching(
  filters: QueueFilters,
  options: { signal?: AbortSignal; onProgress?: (collected: number, total: number, totalIsEstimate: boolean) => void } = {},
): Promise<Recommendation[]> {
  const items: Recommendation[] = [];
  let cursor: string | undefined;
  do {
    const page = await apiRequest(ReadableRecommendationPageSchema, '/api/recommendations', {
      query: { ...filters, limit: COLLECT_PAGE_SIZE, cursor },
      signal: options.signal,
    });
    items.push(...page.items);
    options.onProgress?.(items.length, page.total, page.totalIsEstimate ?? false);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && !options.signal?.aborted);
  return items;
}

export function runSync() {
  return apiRequest(SyncSummarySchema, '/api/sync', { method: 'POST' });
}
