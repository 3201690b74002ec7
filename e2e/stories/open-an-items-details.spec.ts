import { expect, test } from '../fixtures.ts';
import { expectNoSeriousAxeViolations } from './support/accessibility.ts';
import { keepScreen } from './support/screens.ts';

test('the account manager opens an item to read why it is recommended and what the source sent', async ({ page }) => {
  await page.goto('/');
  const queue = page.getByRole('table', { name: 'Recommendation queue' });
  const item = queue.getByRole('row').nth(1);
  const details = item.getByRole('button', { name: 'Details' });
  await details.click();

  const drawer = page.getByRole('dialog');
  await expect(drawer).toBeVisible();
  await expect(page).toHaveURL(/item=/);
  await expect(drawer.getByRole('region', { name: 'Explanation' })).toBeVisible();
  await expect(drawer.getByRole('region', { name: 'Estimated impact' })).toBeVisible();
  await expect(drawer.getByRole('region', { name: 'Entity' })).toContainText('Advertiser');
  await drawer.getByText(/Show what .* sent/).click();
  await expect(drawer.getByRole('region', { name: 'Raw payload' })).toContainText('{');
  await keepScreen(page, 'detail-drawer');
  await expectNoSeriousAxeViolations(page);

  // A link to the item opens it again.
  await page.reload();
  await expect(page.getByRole('dialog').getByRole('region', { name: 'Explanation' })).toBeVisible();

  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(page).not.toHaveURL(/item=/);
});
