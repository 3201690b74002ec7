import { expect, test } from '../fixtures.ts';
import { expectNoSeriousAxeViolations } from './support/accessibility.ts';
import { keepScreen } from './support/screens.ts';
import { untilItemsAre } from './support/seeded-queue.ts';

test('the account manager selects a range, then everything matching, and reviews what would change before sending', async ({
  page,
  request,
}) => {
  test.setTimeout(240_000);
  // Once the first sync is validated, the data holds still while the story counts it.
  await untilItemsAre(request, 'status=validated');
  await page.goto('/');
  const queue = page.getByRole('table', { name: 'Recommendation queue' });
  const items = queue.getByRole('row').filter({ has: page.getByRole('cell') });
  await expect(items.nth(4)).toBeVisible();

  await items.nth(0).getByRole('checkbox').click();
  await items
    .nth(4)
    .getByRole('checkbox')
    .click({ modifiers: ['Shift'] });
  for (let i = 0; i < 5; i++) await expect(items.nth(i).getByRole('checkbox')).toBeChecked();
  const bulk = page.getByRole('region', { name: 'Bulk actions' });
  await expect(bulk).toContainText('5 selected');

  // Not only what is loaded: every item the filter matches, collected from the server.
  const selectAll = bulk.getByRole('button', { name: /^Select all [\d,.\s]+ matching$/ });
  const total = Number(((await selectAll.textContent()) ?? '').replace(/\D/g, ''));
  await selectAll.click();
  const selected = async () => Number(((await bulk.getByText(/^Showing/).textContent()) ?? '').replace(/^.*·/, '').replace(/\D/g, ''));
  await expect.poll(selected, { timeout: 60_000 }).toBeGreaterThanOrEqual(total);

  await bulk.getByRole('button', { name: 'Approve selected' }).click();
  const confirm = page.getByRole('dialog', { name: /^Approve [\d,]+ selected$/ });
  await expect(confirm.getByRole('region', { name: 'What will change' })).toBeVisible();
  await keepScreen(page, 'bulk-summary');
  await expectNoSeriousAxeViolations(page);

  // Nothing is sent until the user confirms.
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toBeHidden();
  await expect(bulk).toContainText('selected');
});
