import { expect, test } from '../fixtures.ts';
import { firstApprovable } from './support/seeded-queue.ts';

test('when a colleague acted first, the account manager is told so and sees the item as it is now', async ({ page, request }) => {
  test.setTimeout(240_000);
  // An item waiting for a decision, as the account manager opens it.
  const item = await firstApprovable(request, 'status=validated&conflicted=false');
  await page.goto(`/?item=${item.id}`);
  const drawer = page.getByRole('dialog');
  // The first sync may still be busy on a fresh server: the item can take a while to load.
  await expect(drawer.getByRole('heading', { level: 2 })).toHaveText(item.title, { timeout: 60_000 });
  await expect(drawer.getByRole('button', { name: 'Reject' })).toBeEnabled();

  // Meanwhile a colleague approves it.
  const colleague = await request.post(`/api/recommendations/${item.id}/approve`, { data: { version: item.version } });
  expect(colleague.ok()).toBe(true);

  await drawer.getByRole('button', { name: 'Reject' }).click();
  const reject = page.getByRole('dialog', { name: 'Reject recommendation' });
  await reject.getByRole('radio', { name: 'Not relevant' }).check();
  await reject.getByRole('button', { name: 'Reject' }).click();

  await expect(page.getByRole('alert').filter({ hasText: 'Someone else acted first' })).toContainText('It is now approved');
  await expect(drawer.getByText('approved', { exact: true })).toBeVisible();
});
