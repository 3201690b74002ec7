/**
 * Reject, acknowledge, dismiss, re-validate and bulk actions, and what approve and withdraw (approval-mutations.tsx)
 * share with them: the cache writes, the refusal notices, and the pending state every action button reads. Single actions are optimistic: the row shows its new state at once and rolls
 * back if the server refuses. A 409 means someone (or something) acted first: the cache then takes the item's
 * current state from the problem body, so the row shows what is true now, and the user is told in words.
 */
import {
  BulkActionResultSchema,
  type DismissReason,
  type ItemAction,
  type ItemActionAnswer,
  ItemActionAnswerSchema,
  type LifecycleStatus,
  OPEN_STATUSES,
  type Recommendation,
  type RejectReason,
  StaleVersionProblemExtraSchema,
} from '@recdesk/shared-types';
import {
  type InfiniteData,
  type Mutation,
  type QueryClient,
  type QueryKey,
  useMutation,
  useMutationState,
  useQueryClient,
} from '@tanstack/react-query';
import { useCallback, useSyncExternalStore } from 'react';
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

const OPEN: ReadonlySet<LifecycleStatus> = new Set(OPEN_STATUSES);

/**
 * Whether an item still belongs in a list with these filters after it changed: a lane holds only what its definition
 * says (a rejected item leaves "Expiring soon", which the server fills with waiting items only; a status filter keeps
 * only that status). Other filters (advertiser, source, text) do not change with an action.
 */
export function stillMatches(item: Recommendation, filters: unknown): boolean {
  const f = (filters ?? {}) as { status?: LifecycleStatus; expiringWithin?: number; conflicted?: boolean };
  if (f.status !== undefined && item.status !== f.status) return false;
  if (f.expiringWithin !== undefined && !OPEN.has(item.status)) return false;
  if (f.conflicted === true && item.conflictIds.length === 0) return false;
  return true;
}

/** Writes an item (or a patch of it) into every list page (leaving the lists it no longer belongs in) and its detail entry. */
export function writeRecommendation(queryClient: QueryClient, id: string, update: (item: Recommendation) => Recommendation) {
  for (const [key, data] of queryClient.getQueriesData<InfiniteData<Page>>({ queryKey: recommendationQueries.lists() })) {
    if (!data?.pages) continue;
    const filters = key[2];
    let changed = false;
    const pages = data.pages.map((page) => {
      if (!page.items.some((item) => item.id === id)) return page;
      changed = true;
      const items = page.items.flatMap((item) => {
        if (item.id !== id) return [item];
        const next = update(item);
        return stillMatches(next, filters) ? [next] : [];
      });
      return { ...page, items, total: page.total - (page.items.length - items.length) };
    });
    if (changed) queryClient.setQueryData(key, { ...data, pages });
  }
  queryClient.setQueryData(recommendationQueries.detail(id).queryKey, (detail) => (detail ? { ...detail, ...update(detail) } : detail));
}

/**
 * Writes an action's answer into every cache: the item, and every other item it changed (the other side of a
 * conflict it resolved), so an open drawer of one of those shows the truth at once; a background refetch follows.
 */
export function writeAnswer(queryClient: QueryClient, answer: ItemActionAnswer) {
  const { alsoChanged, ...item } = answer;
  for (const changed of [item, ...alsoChanged]) writeRecommendation(queryClient, changed.id, (current) => ({ ...current, ...changed }));
}

/**
 * Every single-item action's mutation key: ['recommendation-action', action]. The buttons find what is in flight for
 * an item by it (usePendingAction), whichever component started the request (a row, the drawer, a dialog, a toast).
 */
export const actionMutationKey = (action: ItemAction) => ['recommendation-action', action] as const;

/** The item an action's variables name (every single-item action sends `{ item, ... }`). */
const PendingVariablesSchema = z.object({ item: z.object({ id: z.string() }), editedValue: z.unknown().optional() });

function pendingActionOf(mutation: Mutation<unknown, Error, unknown, unknown>): { id: string; action: ItemAction } | null {
  const action = mutation.options.mutationKey?.[1] as ItemAction | undefined;
  const variables = PendingVariablesSchema.safeParse(mutation.state.variables);
  if (!action || !variables.success) return null;
  // An edited approval is the Edit button's request.
  return { id: variables.data.item.id, action: action === 'approve' && variables.data.editedValue !== undefined ? 'edit' : action };
}

/** The action running for this item now (the first, if several), or null: its buttons say so and wait. */
export function usePendingAction(itemId: string): ItemAction | null {
  const pending = useMutationState({
    filters: { mutationKey: ['recommendation-action'], status: 'pending' },
    select: pendingActionOf,
  });
  return pending.find((entry) => entry?.id === itemId)?.action ?? null;
}

/** The item as the cache holds it now (its detail, else a list page), updated as answers are written; null if not cached. */
export function useCachedRecommendation(id: string): Recommendation | null {
  const queryClient = useQueryClient();
  const subscribe = useCallback((onChange: () => void) => queryClient.getQueryCache().subscribe(onChange), [queryClient]);
  const read = useCallback((): Recommendation | null => {
    const detail = queryClient.getQueryData<Recommendation>(recommendationQueries.detail(id).queryKey);
    if (detail) return detail;
    for (const [, data] of queryClient.getQueriesData<InfiniteData<Page>>({ queryKey: recommendationQueries.lists() }))
      for (const page of data?.pages ?? []) {
        const found = page.items.find((item) => item.id === id);
        if (found) return found;
      }
    return null;
  }, [queryClient, id]);
  return useSyncExternalStore(subscribe, read, read);
}

interface ActionContext {
  saved: Snapshot;
}

/** What every single-item action does around its request: optimistic row, rollback and a notice on refusal, the answer into every cache. */
export function actionHandlers(queryClient: QueryClient, optimisticStatus: LifecycleStatus, verb: string) {
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
    onSuccess: (answer: ItemActionAnswer) => writeAnswer(queryClient, answer),
    // Then the truth from the server in the background: every list and detail (other items may have moved too).
    onSettled: () => queryClient.invalidateQueries({ queryKey: recommendationQueries.all() }),
  };
}

export interface RejectVariables {
  item: Recommendation;
  reason: RejectReason;
  note?: string;
}

export function useRejectRecommendation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: actionMutationKey('reject'),
    mutationFn: ({ item, reason, note }: RejectVariables) =>
      apiRequest(ItemActionAnswerSchema, `/api/recommendations/${item.id}/reject`, {
        method: 'POST',
        body: { version: item.version, reason, ...(note ? { note } : {}) },
      }),
    ...actionHandlers(queryClient, 'rejected', 'rejected'),
  });
}

/** An insight is acknowledged (read and noted): it leaves the open queue. */
export function useAcknowledgeInsight() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: actionMutationKey('acknowledge'),
    mutationFn: ({ item }: { item: Recommendation }) =>
      apiRequest(ItemActionAnswerSchema, `/api/recommendations/${item.id}/acknowledge`, {
        method: 'POST',
        body: { version: item.version },
      }),
    ...actionHandlers(queryClient, 'acknowledged', 'acknowledged'),
  });
}

export interface DismissVariables {
  item: Recommendation;
  reason: DismissReason;
  note?: string;
}

/** An insight is dismissed with a reason: it leaves the open queue. */
export function useDismissInsight() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: actionMutationKey('dismiss'),
    mutationFn: ({ item, reason, note }: DismissVariables) =>
      apiRequest(ItemActionAnswerSchema, `/api/recommendations/${item.id}/dismiss`, {
        method: 'POST',
        body: { version: item.version, reason, ...(note ? { note } : {}) },
      }),
    ...actionHandlers(queryClient, 'dismissed', 'dismissed'),
  });
}

/** Re-validate against fresh upstream data (re-syncing its source first), so a stale or drifted item can be approved. */
export function useRevalidateRecommendation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (item: Recommendation) =>
      apiRequest(ItemActionAnswerSchema, `/api/recommendations/${item.id}/validate`, { method: 'POST', body: { resync: true } }),
    onSuccess: (answer) => writeAnswer(queryClient, answer),
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
      const alsoChanged: Recommendation[] = [];
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
        alsoChanged.push(...result.alsoChanged);
      }
      return {
        results,
        alsoChanged,
        done: results.filter((result) => result.outcome === 'done').length,
        failed: results.filter((result) => result.outcome !== 'done').length,
      };
    },
    onSuccess: (result) => {
      const changed = [...result.results.flatMap((r) => (r.recommendation ? [r.recommendation] : [])), ...result.alsoChanged];
      for (const recommendation of changed)
        writeRecommendation(queryClient, recommendation.id, (current) => ({ ...current, ...recommendation }));
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: recommendationQueries.all() }),
  });
}
