import { expect, test } from '@playwright/test';

test('a new user opens the dashboard and sees the Partner Opportunities of the simulated advertisers', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Recommendations' })).toBeVisible();

  const queue = page.getByRole('table', { name: 'Recommendation queue' });
  await expect(queue).toBeVisible();
  await expect(queue.getByRole('row').filter({ hasText: 'Partner Opportunities' }).first()).toBeVisible();
  // Budget recommendations show what changes, from which value to which.
  await expect(
    queue
      .getByRole('row')
      .filter({ hasText: /daily budget/ })
      .first(),
  ).toContainText('→');

  await page.getByLabel('Source').selectOption('partner-opportunities');
  await expect(page).toHaveURL(/source=partner-opportunities/);
  await expect(queue.getByRole('row').nth(1)).toContainText('Partner Opportunities');
  await page.screenshot({ path: 'test-results/screens/queue.png', fullPage: false });
});

test('the user fetches the latest recommendations on demand', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Sync now' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Synced' })).toContainText('Partner Opportunities');
});
