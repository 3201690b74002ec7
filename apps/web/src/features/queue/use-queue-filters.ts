/**
 * The queue's filters, sort and lane, read from and written to the URL through a zod schema (an invalid value is
 * ignored rather than breaking the page), so a link reproduces exactly what its sender saw.
 */
import {
  AdProductSchema,
  FreshnessSchema,
  LifecycleStatusSchema,
  RecommendationGoalSchema,
  RecommendationKindSchema,
  RecommendationSortSchema,
  RecommendationSourceSchema,
} from '@recdesk/shared-types';
import { z } from 'zod';
import type { QueueFilters } from '../../shared/recommendations/recommendation-queries.ts';
import { type SearchUpdate, useSearchParams } from '../../shared/use-search-params.ts';

const UrlFiltersSchema = z.object({
  source: RecommendationSourceSchema.optional().catch(undefined),
  adProduct: AdProductSchema.optional().catch(undefined),
  status: LifecycleStatusSchema.optional().catch(undefined),
  advertiserId: z.string().trim().min(1).max(100).optional().catch(undefined),
  kind: RecommendationKindSchema.optional().catch(undefined),
  goal: RecommendationGoalSchema.optional().catch(undefined),
  freshness: FreshnessSchema.optional().catch(undefined),
  conflicted: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional()
    .catch(undefined),
  expiringWithin: z.coerce.number().positive().max(8760).optional().catch(undefined),
  q: z.string().trim().min(1).max(200).optional().catch(undefined),
  sort: RecommendationSortSchema.optional().catch(undefined),
});

/** Every URL key that is a filter (the open item and conflict panels are not). */
export const FILTER_KEYS = Object.keys(UrlFiltersSchema.shape) as Array<keyof QueueFilters>;

export type FilterUpdate = Partial<Record<keyof QueueFilters, string | undefined>>;

export function parseQueueFilters(params: URLSearchParams): QueueFilters {
  const parsed = UrlFiltersSchema.parse(Object.fromEntries(params));
  return Object.fromEntries(Object.entries(parsed).filter(([, value]) => value !== undefined)) as QueueFilters;
}

export function useQueueFilters(): [QueueFilters, (next: FilterUpdate) => void] {
  const [params, update] = useSearchParams();
  return [parseQueueFilters(params), update as (next: SearchUpdate) => void];
}

/** A filter set written back as URL values (for lanes and saved views). */
export function toSearch(filters: QueueFilters): string {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = filters[key];
    if (value !== undefined) params.set(key, String(value));
  }
  return params.toString();
}
