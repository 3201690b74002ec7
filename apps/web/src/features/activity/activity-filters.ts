/**
 * The activity page's filters, read from and written to the URL (a link reproduces the view), parsed by the same
 * contract the BFF validates with: a hand-edited URL with a bad value drops that filter instead of failing the page.
 */
import { type ActivityCsvQuery, ActivityCsvQuerySchema } from '@recdesk/shared-types';
import { useSearchParams } from '../../shared/use-search-params.ts';

export const ACTIVITY_FILTER_KEYS = ['advertiserId', 'actor', 'source', 'kind', 'outcome', 'from', 'to'] as const;
export type ActivityFilterKey = (typeof ACTIVITY_FILTER_KEYS)[number];
export type ActivityFilterUpdate = Partial<Record<ActivityFilterKey, string | undefined>>;

export function parseActivityFilters(params: URLSearchParams): ActivityCsvQuery {
  const filters: Record<string, string> = {};
  for (const key of ACTIVITY_FILTER_KEYS) {
    const value = params.get(key);
    if (value === null || value === '') continue;
    const one = ActivityCsvQuerySchema.safeParse({ [key]: value });
    if (one.success) filters[key] = value;
  }
  return ActivityCsvQuerySchema.parse(filters);
}

/** The filters as a query string (stable key order), for the CSV link and the query key. */
export function activitySearch(filters: ActivityCsvQuery): string {
  const params = new URLSearchParams();
  for (const key of ACTIVITY_FILTER_KEYS) {
    const value = filters[key];
    if (value !== undefined) params.set(key, value);
  }
  return params.toString();
}

export function useActivityFilters(): [ActivityCsvQuery, (next: ActivityFilterUpdate) => void] {
  const [params, setSearch] = useSearchParams();
  return [parseActivityFilters(params), (next) => setSearch(next)];
}
