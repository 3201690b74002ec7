/** The advertisers in the person's scope (`GET /api/advertisers`), for pickers and for showing names, not ids. */
import { AdvertiserListSchema, type AdvertiserSummary } from '@recdesk/shared-types';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { apiRequest } from '../api-client.ts';

export const advertiserQueries = {
  all: ['advertisers'] as const,
  list: () =>
    queryOptions({
      queryKey: [...advertiserQueries.all, 'list'] as const,
      queryFn: ({ signal }) => apiRequest(AdvertiserListSchema, '/api/advertisers', { signal }),
      // New advertisers arrive with a sync, rarely: the list may be a few minutes old.
      staleTime: 5 * 60_000,
    }),
};

/** How an advertiser is shown: its name, else its id. */
export function advertiserLabel(advertiser: Pick<AdvertiserSummary, 'id' | 'name'>): string {
  return advertiser.name ?? advertiser.id;
}

/** A lookup from advertiser id to name, falling back to `known` (a name the caller already has) and then the id. */
export function useAdvertiserName(): (id: string, known?: string | null) => string {
  const list = useQuery(advertiserQueries.list());
  const byId = useMemo(() => new Map((list.data?.items ?? []).map((a) => [a.id, a])), [list.data]);
  return useCallback((id: string, known?: string | null) => byId.get(id)?.name ?? known ?? id, [byId]);
}
