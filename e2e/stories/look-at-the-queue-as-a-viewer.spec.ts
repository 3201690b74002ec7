import { expect, test } from '../fixtures.ts';
import { untilItemsAre } from './support/seeded-queue.ts';

const DEMO_VIEWER = { email: 'viewer@recdesk.local', password: 'demo-viewer-password' } as const;

test('a viewer reads the queue and its items, and finds nothing that would change them', async ({ page, request }) => {
  test.setTimeout(180_000);
  await untilItemsAre(request, 'status=validated');
  await page.context().clearCookies();
  expect((await page.request.post('/api/auth/login', { data: DEMO_VIEWER })).status(), 'the demo viewer signs in').toBe(200);
  const posts: string[] = [];
  page.on('request', (r) => {
    if (r.method() !== 'GET' && !r.url().endsWith('/api/auth/logout')) posts.push(`${r.method()} ${r.url()}`);
  });

  await page.goto('/');
  const queue = page.getByRole('table', { name: 'Recommendation queue' });
  await expect(queue.getByRole('row').nth(1)).toBeVisible();
  // The decisive columns, and no selection.
  await expect(queue.getByRole('columnheader', { name: 'What changes' })).toBeVisible();
  await expect(queue.getByRole('checkbox')).toHaveCount(0);
  for (const name of ['Approve', 'Edit', 'Reject', 'Acknowledge', 'Resolve'])
    await expect(queue.getByRole('button', { name, exact: true })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Sync now' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /Select all/ })).toHaveCount(0);

  // The keyboard's shortcuts that change things do nothing.
  await queue.getByRole('row').nth(1).click();
  for (const key of ['x', 'a', 'r', 'e']) await page.keyboard.press(key);
  await expect(page.getByRole('dialog')).toHaveCount(0);

  // The item itself reads in full, still without a control that acts.
  await queue.getByRole('row').nth(1).getByRole('button', { name: 'Details' }).click();
  const drawer = page.getByRole('dialog').first();
  await expect(drawer.getByRole('heading', { name: 'Explanation' })).toBeVisible();
  for (const name of ['Approve', 'Edit and approve', 'Reject', 'Re-validate', 'Acknowledge'])
    await expect(drawer.getByRole('button', { name, exact: true })).toHaveCount(0);
  expect(posts).toEqual([]);
});
