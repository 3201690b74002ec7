/**
 * The stories' `test`: every page and API request is signed in as the demo approver (created on the first run of the
 * embedded default; see README "Signing in"), and API requests that change something carry the session's CSRF token.
 * Each worker's stories go to its own server (servers.ts).
 */
import { expect } from '@playwright/test';
import { test as base } from './servers.ts';

export const DEMO_APPROVER = { email: 'approver@recdesk.local', password: 'demo-approver-password' } as const;

type Session = { storageState: Awaited<ReturnType<import('@playwright/test').APIRequestContext['storageState']>>; csrfToken: string };

export const test = base.extend<{ approverSession: Session }>({
  approverSession: async ({ playwright, baseURL }, use) => {
    const api = await playwright.request.newContext({ baseURL });
    const response = await api.post('/api/auth/login', { data: DEMO_APPROVER });
    expect(response.status(), 'the demo approver signs in').toBe(200);
    const { csrfToken } = (await response.json()) as { csrfToken: string };
    await use({ storageState: await api.storageState(), csrfToken });
    await api.dispose();
  },
  storageState: async ({ approverSession }, use) => {
    await use(approverSession.storageState);
  },
  request: async ({ playwright, baseURL, approverSession }, use) => {
    const api = await playwright.request.newContext({
      baseURL,
      storageState: approverSession.storageState,
      extraHTTPHeaders: { 'x-csrf-token': approverSession.csrfToken },
    });
    await use(api);
    await api.dispose();
  },
});

export { expect };
