/**
 * Set-up steps of the apply and rules stories that a person would do elsewhere: fetching one source now (the first
 * start syncs some sources only, and Sponsored Products changes are the ones that can be applied and undone), and
 * signing the browser in as the demo admin (only admins write rules).
 */
import { type APIRequestContext, expect, type Page } from '@playwright/test';

export const DEMO_ADMIN = { email: 'admin@recdesk.local', password: 'demo-admin-password' } as const;

/** Syncs one source through the API until it answers (the server may still be starting its first sync). */
export async function syncSource(request: APIRequestContext, source: string) {
  await expect
    .poll(
      async () => {
        try {
          // A sync runs the auto-apply rules afterwards: on a busy machine it takes longer than a request's default 30 s.
          const response = await request.post(`/api/sync?source=${source}`, { timeout: 120_000 });
          return response.ok()
            ? (((await response.json()) as { sources: { status: string }[] }).sources[0]?.status ?? 'none')
            : `answered ${response.status()}: ${await response.text()}`;
        } catch (error) {
          return `failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
        }
      },
      { timeout: 240_000, intervals: [2_000, 5_000] },
    )
    .toMatch(/^(succeeded|partial)$/);
}

/**
 * Replaces the browser's session (the approver's) with the demo admin's. The approver's cookie is dropped first: a
 * sign-in that carried it would end that session, which the story's API requests still use.
 */
export async function signInAsAdmin(page: Page) {
  await page.context().clearCookies();
  const response = await page.request.post('/api/auth/login', { data: DEMO_ADMIN });
  expect(response.status(), 'the demo admin signs in').toBe(200);
}
