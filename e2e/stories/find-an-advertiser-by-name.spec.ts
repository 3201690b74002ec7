import { expect, test } from '../fixtures.ts';
import { keepScreen } from './support/screens.ts';

test('the account manager types part of an advertiser’s name in the filter and the queue narrows to that advertiser', async ({
  page,
  request,
}) => {
  const answer = await request.get('/api/advertisers');
  expect(answer.status()).toBe(200);
  const list = (await answer.json()) as { items: Array<{ id: string; name: string | null }> };
  const advertiser = list.items.find((a) => a.name && a.name.length > 4);
  if (!advertiser?.name) throw new Error('no named advertiser in the simulated world');
  // Part of the name, in another case: "Howe LLC" is found by "owe ll".
  const part = advertiser.name.slice(1, Math.min(advertiser.name.length, 7)).toLowerCase();

  await page.goto('/');
  const filter = page.getByRole('combobox', { name: 'Advertiser' });
  await filter.fill(part);
  const option = page.getByRole('option', { name: new RegExp(advertiser.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) });
  await expect(option).toBeVisible();
  await keepScreen(page, 'advertiser-combobox-open');
  await option.click();

  await expect(page).toHaveURL(new RegExp(`advertiserId=${advertiser.id}`));
  await expect(filter).toHaveValue(advertiser.name);
  const items = page
    .getByRole('table', { name: 'Recommendation queue' })
    .getByRole('row')
    .filter({ has: page.getByRole('cell') });
  await expect(items.first()).toBeVisible();
  for (const row of (await items.all()).slice(0, 20)) await expect(row.getByRole('cell').nth(1)).toContainText(advertiser.name);

  // The Impact page's filter takes the same names.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Impact' }).click();
  const impactFilter = page.getByRole('combobox', { name: 'Advertiser' });
  await impactFilter.fill(part);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`advertiserId=${advertiser.id}`));
  await expect(impactFilter).toHaveValue(advertiser.name);
});
