import { expect, test } from '../fixtures.ts';
import { expectNoSeriousAxeViolations } from './support/accessibility.ts';
import { keepScreen } from './support/screens.ts';

test.describe('the main screens have no serious or critical accessibility violations', () => {
  // axe reads every node of a full queue: it needs more than the default test time on a slow machine.
  test.describe.configure({ timeout: 120_000 });

  test('the queue on a desktop', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('table', { name: 'Recommendation queue' }).getByRole('row').nth(1)).toBeVisible();
    await expectNoSeriousAxeViolations(page);
    await keepScreen(page, 'queue');
  });

  test('the queue in the dark theme on a tablet', async ({ page }) => {
    await page.setViewportSize({ width: 820, height: 1180 });
    await page.goto('/');
    await page.getByRole('combobox', { name: 'Theme' }).selectOption('dark');
    await expect(page.getByRole('table', { name: 'Recommendation queue' }).getByRole('row').nth(1)).toBeVisible();
    await expectNoSeriousAxeViolations(page);
    await keepScreen(page, 'queue-tablet-dark');
  });

  test('the keyboard help', async ({ page }) => {
    await page.goto('/');
    await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
    await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
    await expectNoSeriousAxeViolations(page);
  });

  test('the status page', async ({ page }) => {
    await page.goto('/');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Status' }).click();
    await expect(page.getByRole('heading', { name: 'Status', level: 1 })).toBeVisible();
    await expect(page.getByRole('region', { name: 'RecDesk' })).toContainText('Database');
    await expectNoSeriousAxeViolations(page);
    await keepScreen(page, 'status');
  });
});
