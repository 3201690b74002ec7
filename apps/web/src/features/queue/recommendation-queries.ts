/**
 * The queue's query factory: keys run from generic to specific (all → lists → list(filters)), so one prefix
 * invalidates a family, and every input of a request is in its key.
 */
import {
  type ListRecommendationsQuery,
  RecommendationDetailResponseSchema,
  RecommendationPageSchema,
  SyncSummarySchema,
} from '@recdesk/shared-types';
import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { apiRequest } from '../../shared/api-client.ts';

export type QueueFilters = Partial<Omit<ListRecommendationsQuery, 'cursor' | 'limit'>>;

const PAGE_SIZE = 100;

export const recommendationQueries = {
  all: () => ['recommendations'] as const,
  lists: () => [...recommendationQueries.all(), 'list'] as const,
  list: (filters: QueueFilters) =>
    infiniteQueryOptions({
      queryKey: [...recommendationQueries.lists(), filters] as const,
      queryFn: ({ pageParam, signal }) =>
        apiRequest(RecommendationPageSchema, '/api/recommendations', {
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
};

export function runSync() {
  return apiRequest(SyncSummarySchema, '/api/sync', { method: 'POST' });
}
