import { expect, test } from '../fixtures.ts';
import { untilItemsAre } from './support/seeded-queue.ts';

test('the account manager bulk-approves ten validated items after reviewing the summary', async ({ page, request }) => {
  test.setTimeout(240_000);
  // Sponsored Products changes nobody contradicts: changes RecDesk can write, so most of any ten may be approved as
  // they are (insights and changes over a guardrail are left out by the summary, which says why).
  const query = 'source=sp-consolidated&status=validated&conflicted=false';
  await untilItemsAre(request, query);
  await page.goto(`/?${query}`);
  const queue = page.getByRole('table', { name: 'Recommendation queue' });
  const items = queue.getByRole('row').filter({ has: page.getByRole('cell') });
  const bulk = page.getByRole('region', { name: 'Bulk actions' });
  const total = Number(((await bulk.getByRole('button', { name: /^Select all/ }).textContent()) ?? '').replace(/\D/g, ''));
  const count = Math.min(10, total);

  await items.nth(0).getByRole('checkbox').click();
  await items
    .nth(count - 1)
    .getByRole('checkbox')
    .click({ modifiers: ['Shift'] });
  await expect(bulk).toContainText(`${count} selected`);

  await bulk.getByRole('button', { name: 'Approve selected' }).click();
  const confirm = page.getByRole('dialog', { name: `Approve ${count} selected` });
  const changes = confirm.getByRole('region', { name: 'What will change' });
  await expect(changes).toContainText('Items to approve');
  const send = confirm.getByRole('button', { name: /^Approve \d+$/ });
  const sent = Number(((await send.textContent()) ?? '').replace(/\D/g, ''));
  expect(sent).toBeGreaterThan(0);
  await send.click();

  await expect(confirm.getByRole('status').filter({ hasText: /\d+ approved, \d+ not done/ })).toBeVisible({ timeout: 30_000 });
  await confirm.getByRole('button', { name: 'Done' }).click();
  await expect(confirm).toBeHidden();
});
