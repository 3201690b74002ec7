import { expect, test } from '../fixtures.ts';
import { keepScreen } from './support/screens.ts';
import { untilItemsAre } from './support/seeded-queue.ts';

/** A countdown under the lane's seven days: "6 d 23 h left", "5 h 10 min left", "12 min left". */
const WITHIN_A_WEEK = /^(⏱ )?([0-6] d \d+ h|\d+ h \d+ min|\d+ min) left/;

test("the account manager narrows the queue to one advertiser's items that expire soon", async ({ page, request }) => {
  test.setTimeout(240_000);
  await untilItemsAre(request, 'expiringWithin=168');
  await page.goto('/');
  const lanes = page.getByRole('navigation', { name: 'Queues' });
  await lanes.getByRole('link', { name: 'Expiring soon' }).click();
  await expect(lanes.getByRole('link', { name: 'Expiring soon' })).toHaveAttribute('aria-current', 'page');
  await expect(page).toHaveURL(/expiringWithin=168/);
  await expect(page).toHaveURL(/sort=expiresAt/);
  await expect(page.getByRole('combobox', { name: 'Sort by' })).toHaveValue('expiresAt');

  // The advertiser of the item that expires first, whoever it is: its name narrows the lane to that advertiser.
  const queue = page.getByRole('table', { name: 'Recommendation queue' });
  const items = queue.getByRole('row').filter({ has: page.getByRole('cell') });
  const advertiser = items.first().getByRole('cell').nth(1).getByRole('button');
  const name = (await advertiser.textContent())?.trim() ?? '';
  expect(name).not.toBe('');
  await advertiser.click();
  await expect(page).toHaveURL(/advertiserId=/);
  await expect(lanes.getByRole('link', { name: 'Expiring soon' })).toHaveAttribute('aria-current', 'page');

  await expect(items.first()).toBeVisible();
  for (const row of await items.all()) {
    await expect(row.getByRole('cell').nth(1)).toContainText(name);
    // The expiry countdown sits in the one state column (4th cell: select, advertiser, what changes, state).
    await expect(row.getByRole('cell').nth(3).locator('time')).toHaveText(WITHIN_A_WEEK);
  }
  await keepScreen(page, 'queue-advertiser-expiring-soon');

  // The link reproduces the view, and Back undoes the last step.
  await page.reload();
  await expect(lanes.getByRole('link', { name: 'Expiring soon' })).toHaveAttribute('aria-current', 'page');
  await expect(items.first().getByRole('cell').nth(1)).toContainText(name);
  await page.goBack();
  await expect(page).not.toHaveURL(/advertiserId/);
  await expect(page).toHaveURL(/expiringWithin=168/);
});
