/**
 * An advertiser's plan view (`GET /api/advertisers/:advertiserId/plan`: persona, overlaps and the reach curve), the
 * campaigns a plan may change and the drafted plans with their forecasts and measured impact, and drafting a change.
 */
import {
  AdvertiserPlanSchema,
  PlanCampaignsSchema,
  PlanDraftAnswerSchema,
  type PlanDraftBody,
  PlanDraftsSchema,
} from '@recdesk/shared-types';
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../shared/api-client.ts';
import { recommendationQueries } from '../../shared/recommendations/recommendation-queries.ts';

const base = (advertiserId: string) => `/api/advertisers/${encodeURIComponent(advertiserId)}/plan`;

export const planQueries = {
  all: () => ['plan'] as const,
  ofAdvertiser: (advertiserId: string) =>
    queryOptions({
      queryKey: [...planQueries.all(), advertiserId] as const,
      queryFn: ({ signal }) => apiRequest(AdvertiserPlanSchema, base(advertiserId), { signal }),
    }),
  campaigns: (advertiserId: string) =>
    queryOptions({
      queryKey: [...planQueries.all(), advertiserId, 'campaigns'] as const,
      queryFn: ({ signal }) => apiRequest(PlanCampaignsSchema, `${base(advertiserId)}/campaigns`, { signal }),
      // Live budgets from the Ads API: fresh enough for a minute, then read again.
      staleTime: 60_000,
    }),
  drafts: (advertiserId: string) =>
    queryOptions({
      queryKey: [...planQueries.all(), advertiserId, 'drafts'] as const,
      queryFn: ({ signal }) => apiRequest(PlanDraftsSchema, `${base(advertiserId)}/drafts`, { signal }),
    }),
};

/** Drafts a change; the advertiser's drafts and every recommendation list learn of it (it is in the queue now). */
export function useDraftPlanChange(advertiserId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: PlanDraftBody) => apiRequest(PlanDraftAnswerSchema, `${base(advertiserId)}/drafts`, { method: 'POST', body }),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: planQueries.drafts(advertiserId).queryKey }),
        queryClient.invalidateQueries({ queryKey: recommendationQueries.lists() }),
      ]);
    },
  });
}
