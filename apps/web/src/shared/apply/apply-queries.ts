/**
 * The apply pipeline from the browser: queue approved items (POST /api/apply), follow a batch (polled while it runs),
 * retry its failed items, and undo (a whole batch, or items). An undo that finds a value changed since it was applied
 * answers 409 with the three values; `changedSinceOf` reads them so the screen can ask the person.
 */
import {
  ApplyAcceptedSchema,
  type ApplyBatch,
  ApplyBatchSchema,
  RetryFailedResultSchema,
  UndoAcceptedSchema,
  type UndoBody,
  type UndoChangedSince,
  UndoChangedSinceSchema,
} from '@recdesk/shared-types';
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { ApiError, apiRequest } from '../api-client.ts';
import { recommendationQueries } from '../recommendations/recommendation-queries.ts';

/** How often a running batch is read again: fast enough to watch, slow enough for thousands of items. */
export const BATCH_POLL_MS = 1_000;

export const applyQueries = {
  all: () => ['apply'] as const,
  batch: (batchId: string) =>
    queryOptions({
      queryKey: [...applyQueries.all(), 'batch', batchId] as const,
      queryFn: ({ signal }) => apiRequest(ApplyBatchSchema, `/api/apply/${batchId}`, { signal }),
      refetchInterval: (query) => (query.state.data?.finished ? false : BATCH_POLL_MS),
      staleTime: 0,
    }),
};

/** The items whose value changed outside RecDesk since it was applied, when the error is that 409; else null. */
export function changedSinceOf(error: unknown): UndoChangedSince[] | null {
  if (!(error instanceof ApiError) || error.problem.status !== 409) return null;
  const parsed = z.object({ changed: z.array(UndoChangedSinceSchema).min(1) }).safeParse(error.problem);
  return parsed.success ? parsed.data.changed : null;
}

function useInvalidateRecommendations() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: recommendationQueries.all() });
}

export function useApply() {
  const invalidate = useInvalidateRecommendations();
  return useMutation({
    mutationFn: (ids: string[]) => apiRequest(ApplyAcceptedSchema, '/api/apply', { method: 'POST', body: { ids } }),
    onSettled: invalidate,
  });
}

export function useRetryFailed() {
  const queryClient = useQueryClient();
  const invalidate = useInvalidateRecommendations();
  return useMutation({
    mutationFn: (batchId: string) => apiRequest(RetryFailedResultSchema, `/api/apply/${batchId}/retry-failed`, { method: 'POST' }),
    onSettled: (_data, _error, batchId) =>
      Promise.all([queryClient.invalidateQueries({ queryKey: applyQueries.batch(batchId).queryKey }), invalidate()]),
  });
}

export function useUndo() {
  const invalidate = useInvalidateRecommendations();
  return useMutation({
    mutationFn: (body: UndoBody) => apiRequest(UndoAcceptedSchema, '/api/undo', { method: 'POST', body }),
    onSettled: invalidate,
  });
}

/** Counts of a batch: done (applied, failed or drifted) of all, for the progress bar. */
export function progressOf(batch: ApplyBatch): { done: number; total: number } {
  const { queued = 0, applying = 0, applied = 0, failed = 0, drifted = 0 } = batch.counts;
  return { done: applied + failed + drifted, total: queued + applying + applied + failed + drifted };
}
