/**
 * The stories run against a fresh BFF that syncs and validates the simulated data after it starts answering:
 * stories about decisions wait (by polling the API, never by sleeping) until there is something to decide on.
 */
import { type APIRequestContext, expect } from '@playwright/test';

const UNTIL_READY = { timeout: 150_000, intervals: [1_000, 2_000, 5_000] };

export async function untilItemsAre(request: APIRequestContext, query: string) {
  await expect
    .poll(async () => (await (await request.get(`/api/recommendations?limit=1&${query}`)).json()).total as number, UNTIL_READY)
    .toBeGreaterThan(0);
}

export async function untilConflictsAreFound(request: APIRequestContext) {
  await expect
    .poll(async () => (await (await request.get('/api/conflicts?status=open&limit=1')).json()).total as number, UNTIL_READY)
    .toBeGreaterThan(0);
}
