import { expect, test } from '../fixtures.ts';
import { expectNoSeriousAxeViolations } from './support/accessibility.ts';
import { keepScreen } from './support/screens.ts';
import { untilConflictsAreFound, untilItemsAre } from './support/seeded-queue.ts';

test('the account manager opens a conflict and keeps one side, rejecting the other in one step', async ({ page, request }) => {
  test.setTimeout(240_000);
  await untilConflictsAreFound(request);
  await untilItemsAre(request, 'status=validated&conflicted=true');
  await page.goto('/');
  await page.getByRole('combobox', { name: 'Conflicts' }).selectOption('true');
  const queue = page.getByRole('table', { name: 'Recommendation queue' });
  const conflicting = queue.getByRole('row').filter({ has: page.getByRole('button', { name: 'Open conflict' }) });
  await conflicting.first().getByRole('button', { name: 'Open conflict' }).click();

  const dialog = page.getByRole('dialog', { name: 'Conflict' });
  await expect(dialog.getByText(/^Suggested:/).first()).toBeVisible();
  // The members side by side, each a region named by its title.
  await expect(dialog.getByRole('region').nth(2)).toBeVisible();
  await keepScreen(page, 'conflict');
  await expectNoSeriousAxeViolations(page);

  await dialog
    .getByRole('button', { name: /^Keep this one, reject the other/, disabled: false })
    .first()
    .click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: 'the other side of the conflict was rejected' })).toBeVisible();
  await expect(page).not.toHaveURL(/conflictsOf=/);
});
