import { expect, test } from '../fixtures.ts';
import { expectNoSeriousAxeViolations } from './support/accessibility.ts';
import { keepScreen } from './support/screens.ts';
import { untilNoSourceIsSyncing } from './support/seeded-queue.ts';
import { syncSource } from './support/syncs-and-sign-ins.ts';

test('the account manager applies approved bid changes, watches the batch finish, then undoes it', async ({ page, request }) => {
  test.setTimeout(300_000);
  // This morning's recommendations are in (the first start's sync, whose later sources may contradict earlier ones),
  // and the Sponsored Products ones fetched again now.
  await untilNoSourceIsSyncing(request);
  await syncSource(request, 'sp-consolidated');

  // This morning's bid changes that nobody contradicts, waiting for a decision; three the approver may approve as they
  // are (a change over the advertiser's guardrail says why Approve is off, and is left for an edit). They come from the
  // Sponsored Products source, whose changes RecDesk reads back and so can undo (a Partner Opportunity's cannot be).
  await page.goto('/?source=sp-consolidated&kind=bid&status=validated&conflicted=false');
  const queue = page.getByRole('table', { name: 'Recommendation queue' });
  const items = queue.getByRole('row').filter({ has: page.getByRole('cell') });
  const approvable = items.filter({ has: page.getByRole('button', { name: 'Approve', exact: true, disabled: false }) });
  // The first page can take a while on a busy server (it is still validating the first sync).
  await expect(approvable.nth(2)).toBeVisible({ timeout: 60_000 });
  const titles: string[] = [];
  for (const n of [0, 1, 2]) {
    titles.push(((await approvable.nth(n).getByRole('cell').nth(2).locator('.cell-line').first().textContent()) ?? '').trim());
    await approvable.nth(n).getByRole('checkbox').click();
  }
  const bulk = page.getByRole('region', { name: 'Bulk actions' });
  await expect(bulk).toContainText('3 selected');
  await bulk.getByRole('button', { name: 'Approve selected' }).click();
  const approve = page.getByRole('dialog', { name: 'Approve 3 selected' });
  await approve.getByRole('button', { name: 'Approve 3' }).click();
  await expect(approve.getByText(/^3 approved, 0 not done/)).toBeVisible();
  await approve.getByRole('button', { name: 'Done' }).click();

  // The approved ones, all of them, selected and applied after reading the summary.
  await page.getByRole('combobox', { name: 'Status' }).selectOption('approved');
  await expect(items.first()).toBeVisible({ timeout: 60_000 });
  const selectAll = bulk.getByRole('button', { name: /^Select all [\d,.\s]+ matching$/ });
  await selectAll.click();
  await expect(bulk).toContainText(/\d+ selected/);
  await bulk.getByRole('button', { name: 'Apply selected' }).click();
  const confirm = page.getByRole('dialog', { name: /^Apply [\d,]+ selected$/ });
  const summary = confirm.getByRole('region', { name: 'What will change' });
  await expect(summary).toContainText(/Items to apply\s*\d+/);
  await keepScreen(page, 'apply-summary');
  await confirm.getByRole('button', { name: /^Apply [\d,]+$/ }).click();

  // The batch runs on its own; its progress is shown live until it is done.
  const progress = page.getByRole('dialog', { name: 'Apply batch progress' });
  await expect(progress.getByRole('progressbar', { name: 'Batch progress' })).toBeVisible();
  await expect(progress.getByRole('status').first()).toHaveText(/^Finished: \d+ applied, 0 failed\.$/, { timeout: 90_000 });
  const applied = Number((await progress.getByRole('status').first().textContent())?.match(/(\d+) applied/)?.[1]);
  expect(applied).toBeGreaterThanOrEqual(3);
  await expect(page).toHaveURL(/batch=/);
  await keepScreen(page, 'batch-progress');
  await expectNoSeriousAxeViolations(page);

  // Second thoughts: undo the whole batch; the undo has its own progress.
  await progress.getByRole('button', { name: 'Undo batch' }).click();
  const undo = page.getByRole('dialog', { name: 'Undo batch progress' });
  await expect(undo.getByRole('status').first()).toHaveText(`Finished: ${applied} undone, 0 failed.`, { timeout: 90_000 });
  await keepScreen(page, 'undo-batch-progress');
  await undo.getByRole('button', { name: 'Close' }).last().click();
  await expect(page).not.toHaveURL(/batch=/);

  // The queue shows the ones she approved as rolled back.
  await page.getByRole('combobox', { name: 'Status' }).selectOption('rolled_back');
  await expect(items.first()).toBeVisible({ timeout: 30_000 });
  for (const title of titles) await expect(items.filter({ hasText: title }).first()).toBeVisible();
});
