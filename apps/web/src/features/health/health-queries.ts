/** The health query factory: the BFF's own health, each source's ingestion status, and the open alerts. */
import { AlertsResponseSchema, HealthSchema, SourcesResponseSchema } from '@recdesk/shared-types';
import { queryOptions } from '@tanstack/react-query';
import { apiRequest } from '../../shared/api-client.ts';

export const healthQueries = {
  all: () => ['health'] as const,
  health: () =>
    queryOptions({
      queryKey: [...healthQueries.all(), 'service'] as const,
      queryFn: ({ signal }) => apiRequest(HealthSchema, '/api/health', { signal }),
      refetchInterval: 60_000,
    }),
  sources: () =>
    queryOptions({
      queryKey: [...healthQueries.all(), 'sources'] as const,
      queryFn: ({ signal }) => apiRequest(SourcesResponseSchema, '/api/sources', { signal }),
      refetchInterval: 60_000,
    }),
  alerts: () =>
    queryOptions({
      queryKey: [...healthQueries.all(), 'alerts', 'open'] as const,
      queryFn: ({ signal }) => apiRequest(AlertsResponseSchema, '/api/alerts', { query: { state: 'open' }, signal }),
      refetchInterval: 60_000,
    }),
};
