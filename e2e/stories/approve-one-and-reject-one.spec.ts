import { expect, test } from '../fixtures.ts';
import { expectNoSeriousAxeViolations } from './support/accessibility.ts';
import { keepScreen } from './support/screens.ts';
import { untilItemsAre } from './support/seeded-queue.ts';

test('the account manager approves one recommendation and rejects another with a reason', async ({ page, request }) => {
  test.setTimeout(240_000);
  await untilItemsAre(request, 'status=validated&conflicted=false');
  await page.goto('/');
  await page.getByRole('combobox', { name: 'Status' }).selectOption('validated');
  await page.getByRole('combobox', { name: 'Conflicts' }).selectOption('false');
  const queue = page.getByRole('table', { name: 'Recommendation queue' });
  const items = queue.getByRole('row').filter({ has: page.getByRole('cell') });
  // The title is the first line of the "what changes" column (after the selection and the advertiser).
  const titleOf = (row: typeof items) => row.getByRole('cell').nth(2).locator('.cell-line').first();

  // Approve the first item waiting for a decision, whichever it is.
  const first = items.filter({ has: page.getByRole('button', { name: 'Approve', disabled: false }) }).first();
  const approvedTitle = ((await titleOf(first).textContent()) ?? '').trim();
  expect(approvedTitle).not.toBe('');
  await first.getByRole('button', { name: 'Approve' }).click();
  // It leaves the "validated" list...
  await expect(items.filter({ hasText: approvedTitle })).toHaveCount(0);

  // ...and reject the next one, giving the reason.
  const second = items.filter({ has: page.getByRole('button', { name: 'Reject', disabled: false }) }).first();
  const rejectedTitle = ((await titleOf(second).textContent()) ?? '').trim();
  await second.getByRole('button', { name: 'Reject' }).click();
  const dialog = page.getByRole('dialog', { name: 'Reject recommendation' });
  await dialog.getByRole('radio', { name: 'Too risky' }).check();
  await keepScreen(page, 'reject-dialog');
  await expectNoSeriousAxeViolations(page);
  await dialog.getByRole('button', { name: 'Reject' }).click();
  await expect(dialog).toBeHidden();
  await expect(items.filter({ hasText: rejectedTitle })).toHaveCount(0);

  // Each shows up under its new state (found by its title: earlier stories leave many items approved), and its
  // history says who did what.
  const search = page.getByRole('searchbox', { name: 'Search' });
  await page.getByRole('combobox', { name: 'Status' }).selectOption('approved');
  await search.fill(approvedTitle);
  const approved = items.filter({ hasText: approvedTitle }).first();
  await expect(titleOf(approved)).toHaveText(approvedTitle);
  await approved.getByRole('button', { name: 'Details' }).click();
  await expect(page.getByRole('dialog').getByRole('region', { name: 'History' })).toContainText('validated → approved');
  await page.keyboard.press('Escape');

  await page.getByRole('combobox', { name: 'Status' }).selectOption('rejected');
  await search.fill(rejectedTitle);
  const rejected = items.filter({ hasText: rejectedTitle }).first();
  await rejected.getByRole('button', { name: 'Details' }).click();
  await expect(page.getByRole('dialog').getByRole('region', { name: 'History' })).toContainText('→ rejected');
});
