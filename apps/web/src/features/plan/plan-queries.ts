/** An advertiser's plan view (`GET /api/advertisers/:advertiserId/plan`): persona, overlaps and the reach curve. */
import { AdvertiserPlanSchema } from '@recdesk/shared-types';
import { queryOptions } from '@tanstack/react-query';
import { apiRequest } from '../../shared/api-client.ts';

export const planQueries = {
  all: () => ['plan'] as const,
  ofAdvertiser: (advertiserId: string) =>
    queryOptions({
      queryKey: [...planQueries.all(), advertiserId] as const,
      queryFn: ({ signal }) => apiRequest(AdvertiserPlanSchema, `/api/advertisers/${encodeURIComponent(advertiserId)}/plan`, { signal }),
    }),
};
