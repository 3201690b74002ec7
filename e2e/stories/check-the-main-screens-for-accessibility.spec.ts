import { expect, test } from '../fixtures.ts';
import { expectNoSeriousAxeViolations } from './support/accessibility.ts';
import { keepScreen } from './support/screens.ts';
import { firstApprovable, untilItemsAre } from './support/seeded-queue.ts';
import { signInAsAdmin } from './support/syncs-and-sign-ins.ts';

test.describe('the main screens have no serious or critical accessibility violations', () => {
  // axe reads every node of a full queue: it needs more than the default test time on a slow machine.
  test.describe.configure({ timeout: 120_000 });

  test('the queue on a desktop', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('table', { name: 'Recommendation queue' }).getByRole('row').nth(1)).toBeVisible({ timeout: 30_000 });
    await expectNoSeriousAxeViolations(page);
    await keepScreen(page, 'queue');
  });

  test('the queue in the dark theme on a tablet', async ({ page }) => {
    await page.setViewportSize({ width: 820, height: 1180 });
    await page.goto('/');
    await page.getByRole('combobox', { name: 'Theme' }).selectOption('dark');
    await expect(page.getByRole('table', { name: 'Recommendation queue' }).getByRole('row').nth(1)).toBeVisible({ timeout: 30_000 });
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

  test('the rules page with a rule being written', async ({ page }) => {
    await signInAsAdmin(page);
    await page.goto('/rules?rule=new');
    await expect(page.getByRole('heading', { name: 'Auto-apply rules', level: 1 })).toBeVisible();
    await page.getByRole('textbox', { name: 'Condition' }).fill('confidence > AND');
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'The condition cannot be parsed' })).toBeVisible();
    await expectNoSeriousAxeViolations(page);
  });

  test('the activity page', async ({ page }) => {
    await page.goto('/activity');
    await expect(page.getByRole('heading', { name: 'Activity', level: 1 })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Export CSV' })).toBeVisible();
    await expect(page.getByRole('status', { name: 'Loading the activity' })).toBeHidden();
    await expectNoSeriousAxeViolations(page);
  });

  test('the progress of an apply batch', async ({ page, request }) => {
    // A batch to look at: one approved item applied through the API (it may fail upstream; the view is the same).
    const query = 'status=validated&conflicted=false&source=unified-recommendations';
    const item = await firstApprovable(request, query);
    expect((await request.post(`/api/recommendations/${item.id}/approve`, { data: { version: item.version } })).status()).toBe(200);
    const { batchId } = (await (await request.post('/api/apply', { data: { ids: [item.id] } })).json()) as { batchId: string };
    await page.goto(`/?batch=${batchId}`);
    const progress = page.getByRole('dialog', { name: 'Apply batch progress' });
    await expect(progress.getByRole('status').first()).toHaveText(/^Finished/, { timeout: 60_000 });
    await expectNoSeriousAxeViolations(page);
  });

  test("a campaign's performance chart, in the light and the dark theme", async ({ page, request }) => {
    test.setTimeout(240_000);
    await untilItemsAre(request, 'status=validated');
    expect((await request.post('/api/performance/sync', { data: {}, timeout: 180_000 })).ok()).toBe(true);
    // Any campaign of the queue, whoever it is.
    const page1 = (await (await request.get('/api/recommendations?limit=50')).json()) as {
      items: { entity: { campaignId: string | null } }[];
    };
    const campaignId = page1.items.find((item) => item.entity.campaignId)?.entity.campaignId;
    expect(campaignId, 'a queued item on a campaign').toBeTruthy();
    await page.goto(`/performance?entity=campaign:${campaignId}&metrics=sales,cost,roas,budgetUtilization`);
    await expect(page.getByRole('heading', { name: 'Performance', level: 1 })).toBeVisible();
    await expect(page.getByRole('group', { name: 'Metrics' }).getByRole('checkbox', { name: 'Sales' })).toBeChecked();
    await expect(page.getByRole('region', { name: 'Daily values table' })).toBeVisible();
    await expect(page.locator('.performance-charts svg').first()).toBeVisible();
    await expectNoSeriousAxeViolations(page);
    await keepScreen(page, 'performance-chart');
    await page.getByRole('combobox', { name: 'Theme' }).selectOption('dark');
    await expectNoSeriousAxeViolations(page);
    await keepScreen(page, 'performance-chart-dark');
  });

  test('the impact of applied recommendations across the portfolio', async ({ page }) => {
    await page.goto('/');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Impact' }).click();
    await expect(page.getByRole('heading', { name: 'Impact', level: 1 })).toBeVisible();
    await expect(page.getByRole('combobox', { name: 'Source' })).toBeVisible();
    // Measured groups, or the empty state that says how measurements come about.
    await expect(
      page.getByRole('region', { name: 'Realised vs promised, per source and kind' }).or(page.getByText(/^Nothing measured yet/)),
    ).toBeVisible();
    await expectNoSeriousAxeViolations(page);
    await keepScreen(page, 'impact-portfolio');
  });
});
