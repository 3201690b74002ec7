import { expect, test } from '../fixtures.ts';

test('the account manager works through the queue from the keyboard', async ({ page }) => {
  await page.goto('/');
  const queue = page.getByRole('table', { name: 'Recommendation queue' });
  const items = queue.getByRole('row').filter({ has: page.getByRole('cell') });
  await expect(items.nth(1)).toBeVisible();

  await page.keyboard.press('j');
  await expect(items.nth(0)).toBeFocused();
  await page.keyboard.press('j');
  await expect(items.nth(1)).toBeFocused();
  await page.keyboard.press('k');
  await expect(items.nth(0)).toBeFocused();

  await page.keyboard.press('x');
  await expect(items.nth(0).getByRole('checkbox')).toBeChecked();

  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();

  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toContainText('Approve it');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
});
