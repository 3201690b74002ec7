/**
 * The stories run against a fresh BFF that syncs and validates the simulated data after it starts answering:
 * stories about decisions wait (by polling the API, never by sleeping) until that first sync is in, with its
 * validation and conflicts, and there is something to decide on.
 */
import { type APIRequestContext, expect } from '@playwright/test';

const UNTIL_READY = { timeout: 150_000, intervals: [1_000, 2_000, 5_000] };

/** The `total` of a list answer; 0 while the server is still starting (a reset connection, an error status). */
async function totalOf(request: APIRequestContext, url: string): Promise<number> {
  try {
    const response = await request.get(url);
    return response.ok() ? (((await response.json()) as { total?: number }).total ?? 0) : 0;
  } catch {
    return 0;
  }
}

/**
 * Waits until no source is syncing: the server's start-up sync is in, with its validation and conflicts. A story that
 * picks items "nobody contradicts" picks them after this, or a source still arriving may contradict them meanwhile.
 */
export async function untilNoSourceIsSyncing(request: APIRequestContext) {
  await expect
    .poll(async () => {
      try {
        const response = await request.get('/api/sources');
        if (!response.ok()) return `answered ${response.status()}`;
        const { sources } = (await response.json()) as { sources: { source: string; lastRun: { status: string } | null }[] };
        const syncing = sources.filter((s) => s.lastRun?.status === 'running').map((s) => s.source);
        return syncing.length === 0 ? 'idle' : `syncing ${syncing.join(', ')}`;
      } catch (error) {
        return `failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
      }
    }, UNTIL_READY)
    .toBe('idle');
}

export async function untilItemsAre(request: APIRequestContext, query: string) {
  await untilNoSourceIsSyncing(request);
  await expect.poll(() => totalOf(request, `/api/recommendations?limit=1&${query}`), UNTIL_READY).toBeGreaterThan(0);
}

export async function untilConflictsAreFound(request: APIRequestContext) {
  await untilNoSourceIsSyncing(request);
  await expect.poll(() => totalOf(request, '/api/conflicts?status=open&limit=1'), UNTIL_READY).toBeGreaterThan(0);
}

export interface DecidableItem {
  id: string;
  version: number;
  title: string;
}

/**
 * The first item matching `query` that the signed-in person may both approve and reject as it is, by the server's own
 * verdicts (`actions`): not an insight, not over a guardrail, not a change RecDesk cannot write.
 */
export async function firstApprovable(request: APIRequestContext, query: string): Promise<DecidableItem> {
  type Listed = DecidableItem & { actions: Record<'approve' | 'reject', { allowed: boolean }> };
  let found: Listed | undefined;
  await untilNoSourceIsSyncing(request);
  await expect
    .poll(async () => {
      const response = await request.get(`/api/recommendations?limit=200&${query}`);
      if (!response.ok()) return false;
      const { items } = (await response.json()) as { items: Listed[] };
      found = items.find((item) => item.actions.approve.allowed && item.actions.reject.allowed);
      return found !== undefined;
    }, UNTIL_READY)
    .toBe(true);
  return found as Listed;
}
