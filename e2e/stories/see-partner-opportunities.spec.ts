import { expect, test } from '../fixtures.ts';
import { keepScreen } from './support/screens.ts';

test('a new user opens the dashboard and sees the Partner Opportunities of the simulated advertisers', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Recommendations' })).toBeVisible();

  const queue = page.getByRole('table', { name: 'Recommendation queue' });
  await expect(queue).toBeVisible();
  const items = queue.getByRole('row').filter({ has: page.getByRole('cell') });
  await expect(items.first()).toBeVisible();

  await page.getByRole('combobox', { name: 'Source' }).selectOption('partner-opportunities');
  await expect(page).toHaveURL(/source=partner-opportunities/);
  await expect(items.first()).toBeVisible();
  await keepScreen(page, 'queue-partner-opportunities');
  // The first and the last item shown both say where they came from.
  for (const item of [items.first(), items.last()]) {
    await item.getByRole('button', { name: 'Details' }).click();
    await expect(page.getByRole('dialog')).toContainText('Partner Opportunities');
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog')).toBeHidden();
  }
});

test('the user fetches the latest recommendations on demand', async ({ page }) => {
  // A sync reads every source upstream, within the Ads API's rate limits: it can outlast the default test time.
  test.setTimeout(120_000);
  await page.goto('/');
  await page.getByRole('button', { name: 'Sync now' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Synced' })).toContainText('Partner Opportunities', { timeout: 110_000 });
});
