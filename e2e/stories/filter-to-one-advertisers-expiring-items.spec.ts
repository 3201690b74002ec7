import { expect, test } from '@playwright/test';
import { keepScreen } from './support/screens.ts';

test("the account manager narrows the queue to one advertiser's items that expire soon", async ({ page }) => {
  await page.goto('/');
  const queue = page.getByRole('table', { name: 'Recommendation queue' });
  const firstItem = queue.getByRole('row').nth(1);
  await expect(firstItem).toBeVisible();

  // The advertiser on the first row, whoever it is: its name filters the queue to that advertiser.
  const advertiser = firstItem.getByRole('cell').nth(1).getByRole('button');
  const name = (await advertiser.textContent())?.trim() ?? '';
  expect(name).not.toBe('');
  await advertiser.click();
  await expect(page).toHaveURL(/advertiserId=/);

  await page.getByRole('navigation', { name: 'Queues' }).getByRole('link', { name: 'Expiring soon' }).click();
  await expect(page.getByRole('navigation', { name: 'Queues' }).getByRole('link', { name: 'Expiring soon' })).toHaveAttribute(
    'aria-current',
    'page',
  );
  await expect(page).toHaveURL(/expiringWithin=168/);
  await expect(page).toHaveURL(/sort=expiresAt/);
  await expect(page.getByRole('combobox', { name: 'Sort by' })).toHaveValue('expiresAt');

  const items = queue.getByRole('row').filter({ has: page.getByRole('cell') });
  await expect(items.first()).toBeVisible();
  for (const row of await items.all()) await expect(row.getByRole('cell').nth(1)).toContainText(name);
  await keepScreen(page, 'queue-advertiser-expiring-soon');

  // The link reproduces the view, and Back undoes the last step.
  await page.reload();
  await expect(page.getByRole('navigation', { name: 'Queues' }).getByRole('link', { name: 'Expiring soon' })).toHaveAttribute(
    'aria-current',
    'page',
  );
  await page.goBack();
  await expect(page).not.toHaveURL(/expiringWithin/);
  await expect(page).toHaveURL(/advertiserId=/);
});
