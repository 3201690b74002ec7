/**
 * Approve, reject and bulk actions. Single actions are optimistic: the row shows its new state at once and rolls
 * back if the server refuses. A 409 means someone (or something) acted first: the cache then takes the item's
 * current state from the problem body, so the row shows what is true now, and the user is told in words.
 */
import {
  type ApproveBody,
  BulkActionResultSchema,
  type LifecycleStatus,
  type Recommendation,
  RecommendationSchema,
  type RejectReason,
  StaleVersionProblemExtraSchema,
} from '@recdesk/shared-types';
import { type InfiniteData, type QueryClient, type QueryKey, useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { ApiError, apiRequest } from '../api-client.ts';
import { noticeActions } from '../notices-store.ts';
import { recommendationQueries } from './recommendation-queries.ts';

type Page = { items: Recommendation[]; nextCursor: string | null; total: number };
type Snapshot = Array<[QueryKey, unknown]>;

/** The bulk endpoint takes at most this many ids per request. */
const BULK_CHUNK = 1000;

/** The item's current state when the error is a 409 for a stale version, else null. */
export function currentStateOf(error: unknown): Recommendation | null {
  if (!(error instanceof ApiError) || error.problem.status !== 409) return null;
  const extra = StaleVersionProblemExtraSchema.safeParse(error.problem);
  return extra.success ? extra.data.current : null;
}

/** Which rule refused a 409 (`stale_version`, `expired`, `stale`, `validation`, `conflict`, `not_allowed`). */
function refusalOf(error: unknown): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const parsed = z.object({ refusal: z.string().optional() }).safeParse(error.problem);
  return parsed.success ? parsed.data.refusal : undefined;
}

/** What to tell the user about a refused action: someone acting first reads differently from a rule saying no. */
function refusalNotice(error: unknown, item: Recommendation, current: Recommendation, verb: string) {
  const detail = error instanceof ApiError ? error.problem.detail : undefined;
  const now = `It is now ${current.status.replace('_', ' ')} (version ${current.version}); the row shows its current state.`;
  switch (refusalOf(error)) {
    case 'expired':
      return { title: `“${item.title}” has expired`, detail: detail ?? 'It can no longer be acted on.' };
    case 'stale':
      return {
        title: `“${item.title}” is stale`,
        detail: 'Its data is older than its source allows: open it and press “Re-validate”, then approve again.',
      };
    case 'validation':
      return { title: `“${item.title}” was not ${verb}`, detail: detail ?? 'The value is outside the guardrails.' };
    case 'conflict':
      return { title: `“${item.title}” is in a conflict`, detail: 'Open the conflict on its row and choose which side to keep.' };
    case 'not_allowed':
      return { title: `“${item.title}” cannot be ${verb} now`, detail: `${detail ?? ''} ${now}`.trim() };
    default:
      return { title: `Someone else acted first on “${item.title}”`, detail: `Nothing was ${verb}. ${now} Review it and decide again.` };
  }
}

function snapshot(queryClient: QueryClient, id: string): Snapshot {
  return [
    ...queryClient.getQueriesData({ queryKey: recommendationQueries.lists() }),
    ...queryClient.getQueriesData({ queryKey: recommendationQueries.detail(id).queryKey, exact: true }),
  ];
}

function restore(queryClient: QueryClient, saved: Snapshot) {
  for (const [key, data] of saved) queryClient.setQueryData(key, data);
}

/** Writes an item (or a patch of it) into every list page and its detail entry. */
export function writeRecommendation(queryClient: QueryClient, id: string, update: (item: Recommendation) => Recommendation) {
  queryClient.setQueriesData<InfiniteData<Page>>({ queryKey: recommendationQueries.lists() }, (data) =>
    data?.pages
      ? { ...data, pages: data.pages.map((page) => ({ ...page, items: page.items.map((item) => (item.id === id ? update(item) : item)) })) }
      : data,
  );
  queryClient.setQueryData(recommendationQueries.detail(id).queryKey, (detail) => (detail ? { ...detail, ...update(detail) } : detail));
}

interface ActionContext {
  saved: Snapshot;
}

function actionHandlers(queryClient: QueryClient, optimisticStatus: LifecycleStatus, verb: string) {
  return {
    onMutate: async ({ item }: { item: Recommendation }): Promise<ActionContext> => {
      await queryClient.cancelQueries({ queryKey: recommendationQueries.all() });
      const saved = snapshot(queryClient, item.id);
      writeRecommendation(queryClient, item.id, (current) => ({ ...current, status: optimisticStatus }));
      return { saved };
    },
    onError: (error: Error, { item }: { item: Recommendation }, context: ActionContext | undefined) => {
      if (context) restore(queryClient, context.saved);
      const current = currentStateOf(error);
      if (current) {
        writeRecommendation(queryClient, item.id, () => current);
        noticeActions().noticeAdded({ tone: 'warning', ...refusalNotice(error, item, current, verb) });
        return;
      }
      noticeActions().noticeAdded({
        tone: 'error',
        title: `“${item.title}” could not be ${verb}`,
        detail: error instanceof ApiError ? `${error.problem.title}. ${error.problem.detail ?? 'Try again.'}` : 'Try again.',
      });
    },
    onSuccess: (updated: Recommendation) => writeRecommendation(queryClient, updated.id, (current) => ({ ...current, ...updated })),
    onSettled: (_data: unknown, _error: unknown, { item }: { item: Recommendation }) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: recommendationQueries.lists() }),
        queryClient.invalidateQueries({ queryKey: recommendationQueries.detail(item.id).queryKey }),
      ]),
  };
}

export interface ApproveVariables extends Omit<ApproveBody, 'version'> {
  item: Recommendation;
}

export function useApproveRecommendation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ item, ...body }: ApproveVariables) =>
      apiRequest(RecommendationSchema, `/api/recommendations/${item.id}/approve`, {
        method: 'POST',
        body: { version: item.version, ...body },
      }),
    ...actionHandlers(queryClient, 'approved', 'approved'),
    onSuccess: (updated, { item, conflictResolution }) => {
      writeRecommendation(queryClient, updated.id, (current) => ({ ...current, ...updated }));
      if (conflictResolution === 'reject_others') {
        noticeActions().noticeAdded({ tone: 'success', title: `Kept “${item.title}”; the other side of the conflict was rejected` });
      }
      return queryClient.invalidateQueries({ queryKey: ['conflicts'] });
    },
  });
}

export interface RejectVariables {
  item: Recommendation;
  reason: RejectReason;
  note?: string;
}

export function useRejectRecommendation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ item, reason, note }: RejectVariables) =>
      apiRequest(RecommendationSchema, `/api/recommendations/${item.id}/reject`, {
        method: 'POST',
        body: { version: item.version, reason, ...(note ? { note } : {}) },
      }),
    ...actionHandlers(queryClient, 'rejected', 'rejected'),
  });
}

/** Re-validate against fresh upstream data (re-syncing its source first), so a stale or drifted item can be approved. */
export function useRevalidateRecommendation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (item: Recommendation) =>
      apiRequest(RecommendationSchema, `/api/recommendations/${item.id}/validate`, { method: 'POST', body: { resync: true } }),
    onSuccess: (updated) => writeRecommendation(queryClient, updated.id, (current) => ({ ...current, ...updated })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: recommendationQueries.all() }),
  });
}

export interface BulkVariables {
  action: 'approve' | 'reject';
  items: Recommendation[];
  reason?: RejectReason;
  note?: string;
}

/** Sends the selection in chunks the endpoint accepts and merges the per-item results. */
export function useBulkAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ action, items, reason, note }: BulkVariables) => {
      const results: Array<(typeof BulkActionResultSchema)['_zod']['output']['results'][number]> = [];
      for (let start = 0; start < items.length; start += BULK_CHUNK) {
        const chunk = items.slice(start, start + BULK_CHUNK);
        const result = await apiRequest(BulkActionResultSchema, '/api/recommendations/bulk', {
          method: 'POST',
          body: {
            action,
            ids: chunk.map((item) => item.id),
            versions: chunk.map((item) => item.version),
            ...(reason ? { reason } : {}),
            ...(note ? { note } : {}),
          },
        });
        results.push(...result.results);
      }
      return {
        results,
        done: results.filter((result) => result.outcome === 'done').length,
        failed: results.filter((result) => result.outcome !== 'done').length,
      };
    },
    onSuccess: (result) => {
      for (const { recommendation } of result.results) {
        if (recommendation) writeRecommendation(queryClient, recommendation.id, (current) => ({ ...current, ...recommendation }));
      }
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: recommendationQueries.all() }),
  });
}
