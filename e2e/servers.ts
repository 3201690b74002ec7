/**
 * One RecDesk server per Playwright worker, each on the embedded default with its own PGlite directory: the stories
 * run side by side (issue 18, item 7) without one story's approvals showing in another's queue. A worker's stories
 * reach its own server through `baseURL`; a replacement worker (after a failure) keeps its index and so its server.
 */
import { test as base } from '@playwright/test';

/** Workers, and so servers: E2E_WORKERS, two by default (the stories mostly wait on the browser and the server). */
export const E2E_WORKERS = Math.max(1, Number(process.env.E2E_WORKERS ?? 2));
const FIRST_PORT = Number(process.env.E2E_PORT ?? 3100);

export const serverUrl = (workerIndex: number) => `http://localhost:${FIRST_PORT + workerIndex}`;
export const serverPorts = Array.from({ length: E2E_WORKERS }, (_, index) => FIRST_PORT + index);

/** Playwright's own `test`, signed out, pointed at the worker's server. */
export const test = base.extend({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern; it has none
  baseURL: async ({}, use, testInfo) => {
    await use(serverUrl(testInfo.parallelIndex));
  },
});
