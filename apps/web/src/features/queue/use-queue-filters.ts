/** The queue's filters, read from and written to the URL through a zod schema (an invalid value is ignored). */
import { LifecycleStatusSchema, RecommendationSourceSchema } from '@recdesk/shared-types';
import { z } from 'zod';
import { useSearchParams } from '../../shared/use-search-params.ts';
import type { QueueFilters } from './recommendation-queries.ts';

const UrlFiltersSchema = z.object({
  source: RecommendationSourceSchema.optional().catch(undefined),
  status: LifecycleStatusSchema.optional().catch(undefined),
  advertiserId: z.string().min(1).max(100).optional().catch(undefined),
});

export function useQueueFilters(): [QueueFilters, (next: Partial<Record<keyof QueueFilters, string | undefined>>) => void] {
  const [params, update] = useSearchParams();
  const filters = UrlFiltersSchema.parse(Object.fromEntries(params));
  return [filters, update];
}
