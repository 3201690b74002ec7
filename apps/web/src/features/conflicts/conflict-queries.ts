/** The conflicts query factory: open conflicts, optionally those one recommendation is a member of. */
import { ConflictListSchema, type ListConflictsQuery } from '@recdesk/shared-types';
import { queryOptions } from '@tanstack/react-query';
import { apiRequest } from '../../shared/api-client.ts';

type ConflictFilters = Partial<Pick<ListConflictsQuery, 'advertiserId' | 'status' | 'recommendationId'>>;

export const conflictQueries = {
  all: () => ['conflicts'] as const,
  list: (filters: ConflictFilters) =>
    queryOptions({
      queryKey: [...conflictQueries.all(), 'list', filters] as const,
      queryFn: ({ signal }) => apiRequest(ConflictListSchema, '/api/conflicts', { query: filters, signal }),
    }),
};
