import { expect, test } from '../fixtures.ts';
import { expectNoSeriousAxeViolations } from './support/accessibility.ts';
import { keepScreen } from './support/screens.ts';
import { untilItemsAre } from './support/seeded-queue.ts';
import { signInAsAdmin, syncSource } from './support/syncs-and-sign-ins.ts';

test('the admin writes an auto-apply rule, fixes its condition, previews it and runs it in shadow', async ({ page, request }) => {
  test.setTimeout(300_000);
  await untilItemsAre(request, 'status=validated');
  await signInAsAdmin(page);
  await page.goto('/');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Rules' }).click();
  await expect(page.getByRole('heading', { name: 'Auto-apply rules', level: 1 })).toBeVisible();
  await page.getByRole('button', { name: 'New rule' }).click();

  await page.getByRole('textbox', { name: 'Name' }).fill('Easy bid wins');
  const condition = page.getByRole('textbox', { name: 'Condition' });
  // A slip of the keyboard: the parse error points at where it is.
  await condition.fill('confidence > 0.8 AND AND impactScore > 7');
  await page.getByRole('button', { name: 'Preview' }).click();
  const problem = page.getByRole('alert').filter({ hasText: 'The condition cannot be parsed' });
  await expect(problem).toContainText('column 22');
  await expect(condition).toHaveAttribute('aria-invalid', 'true');
  await expect(condition).toBeFocused();
  await keepScreen(page, 'rule-parse-error');

  await condition.fill('confidence > 0.8 AND impactScore > 7 AND kind = "bid"');
  await expect(problem).toBeHidden();
  await page.getByRole('button', { name: 'Preview' }).click();
  const preview = page.getByRole('region', { name: 'Preview' });
  await expect(preview.getByRole('status')).toContainText(/Would take [\d,.\s]+ and skip [\d,.\s]+ of/);
  await expect(preview.getByRole('region', { name: /^Skipped \([\d,.\s]+\)$/ })).toContainText('skipped');
  await keepScreen(page, 'rule-preview');

  // Shadow: it records what it would do and applies nothing.
  await page.getByRole('radio', { name: /^Shadow/ }).check();
  await page.getByRole('button', { name: 'Save rule' }).click();
  await expect(page.getByRole('navigation', { name: 'Rules' }).getByRole('link', { name: /Easy bid wins · v1 · shadow/ })).toBeVisible();
  await expect(page).toHaveURL(/rule=[0-9a-f-]{36}/);
  await expectNoSeriousAxeViolations(page);

  // Rules run after every sync.
  await syncSource(request, 'sp-consolidated');
  const decisions = page.getByRole('region', { name: 'Decisions' });
  await expect(async () => {
    await page.reload();
    await expect(decisions.getByRole('row').nth(1)).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 60_000 });
  await expect(decisions).toContainText('shadow');
  await expect(decisions).not.toContainText('took, applied');

  await page.getByRole('button', { name: 'Backtest' }).click();
  await expect(page.getByRole('region', { name: 'Backtest of version 1' })).toContainText(/would have taken [\d,.\s]+ of [\d,.\s]+ items/);
  await keepScreen(page, 'rules');

  // Nothing was applied by the shadow rule.
  const activity = await request.get('/api/activity?actor=rule');
  expect(((await activity.json()) as { items: unknown[] }).items).toEqual([]);
});
