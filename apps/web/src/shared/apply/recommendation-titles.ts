/**
 * The titles of items already in the browser's cache (queue pages, opened details), so the progress of a batch names
 * its items without another request per item. An item not loaded is named by the start of its id.
 */
import type { Recommendation } from '@recdesk/shared-types';
import { type InfiniteData, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { recommendationQueries } from '../recommendations/recommendation-queries.ts';

type Page = { items: Recommendation[] };

export function useRecommendationTitles(ids: readonly string[]): (id: string) => string {
  const queryClient = useQueryClient();
  const key = ids.join(',');
  // biome-ignore lint/correctness/useExhaustiveDependencies: the ids' joined key is their identity
  return useMemo(() => {
    const wanted = new Set(ids);
    const titles = new Map<string, string>();
    for (const [, data] of queryClient.getQueriesData<InfiniteData<Page>>({ queryKey: recommendationQueries.lists() }))
      for (const page of data?.pages ?? []) for (const item of page.items) if (wanted.has(item.id)) titles.set(item.id, item.title);
    for (const [, data] of queryClient.getQueriesData<Recommendation[]>({ queryKey: [...recommendationQueries.all(), 'matching'] }))
      for (const item of Array.isArray(data) ? data : []) if (wanted.has(item.id)) titles.set(item.id, item.title);
    for (const id of wanted) {
      const detail = queryClient.getQueryData<Recommendation>(recommendationQueries.detail(id).queryKey);
      if (detail) titles.set(id, detail.title);
    }
    return (id: string) => titles.get(id) ?? `Item ${id.slice(0, 8)}`;
  }, [key, queryClient]);
}
