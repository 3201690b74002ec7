import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures.ts';
import { keepScreen } from './support/screens.ts';
import { untilConflictsAreFound, untilItemsAre } from './support/seeded-queue.ts';

/** A countdown under the lane's seven days: "6 d 23 h left", "5 h 10 min left", "12 min left". */
const WITHIN_A_WEEK = /^(⏱ )?([0-6] d \d+ h|\d+ h \d+ min|\d+ min) left/;
const DEMO_APPROVER = 'approver@recdesk.local';

/** Ticks the first item, scrolls the (virtualised) queue down to the 25th and shift-clicks it: a range of 25. */
async function selectTheFirst25(page: Page) {
  const queue = page.getByRole('table', { name: 'Recommendation queue' });
  // aria-rowindex counts the header row as 1: the first item is 2, the 25th is 26.
  await queue.locator('tr[aria-rowindex="2"]').getByRole('checkbox').click();
  const twentyFifth = queue.locator('tr[aria-rowindex="26"]');
  for (let i = 0; i < 20 && (await twentyFifth.count()) === 0; i++) {
    await queue.getByRole('row').nth(2).hover();
    await page.mouse.wheel(0, 300);
  }
  await twentyFifth.getByRole('checkbox').click({ modifiers: ['Shift'] });
}

test("an account manager's morning: triage, a conflict, 25 items reviewed, the approvable ones approved and applied, and the change found on the campaign's chart", async ({
  page,
  request,
}) => {
  test.setTimeout(480_000);
  await untilConflictsAreFound(request);
  await untilItemsAre(request, 'status=validated&conflicted=false');
  // Last night's performance reports, as the morning's scheduled sync would have brought them.
  expect((await request.post('/api/performance/sync', { data: {}, timeout: 180_000 })).ok(), 'the performance sync runs').toBe(true);

  await test.step('she opens the dashboard and narrows it to one advertiser’s items that expire soon', async () => {
    await page.goto('/');
    const lanes = page.getByRole('navigation', { name: 'Queues' });
    await lanes.getByRole('link', { name: 'Expiring soon' }).click();
    await expect(lanes.getByRole('link', { name: 'Expiring soon' })).toHaveAttribute('aria-current', 'page');
    const queue = page.getByRole('table', { name: 'Recommendation queue' });
    const items = queue.getByRole('row').filter({ has: page.getByRole('cell') });
    const advertiser = items.first().getByRole('cell').nth(1).getByRole('button');
    const name = (await advertiser.textContent())?.trim() ?? '';
    expect(name).not.toBe('');
    await advertiser.click();
    await expect(page).toHaveURL(/advertiserId=/);
    await expect(items.first()).toBeVisible();
    for (const row of (await items.all()).slice(0, 10)) {
      await expect(row.getByRole('cell').nth(1)).toContainText(name);
      // The expiry countdown sits in the one state column (4th cell: select, advertiser, what changes, state).
      await expect(row.getByRole('cell').nth(3).locator('time')).toHaveText(WITHIN_A_WEEK);
    }
    await keepScreen(page, 'morning-1-advertiser-expiring');
  });

  await test.step('she opens a conflict and keeps one side, rejecting the other in one step', async () => {
    await page.goto('/');
    await page.getByRole('combobox', { name: 'Conflicts' }).selectOption('true');
    const queue = page.getByRole('table', { name: 'Recommendation queue' });
    await queue.getByRole('button', { name: 'Open conflict' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Conflict' });
    await expect(dialog.getByText(/^Suggested:/).first()).toBeVisible();
    await keepScreen(page, 'morning-2-conflict');
    await dialog
      .getByRole('button', { name: /^Keep this one, reject the other/, disabled: false })
      .first()
      .click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('status').filter({ hasText: 'the other side of the conflict was rejected' })).toBeVisible();
  });

  const queue = page.getByRole('table', { name: 'Recommendation queue' });
  const items = queue.getByRole('row').filter({ has: page.getByRole('cell') });
  const bulk = page.getByRole('region', { name: 'Bulk actions' });

  await test.step('she selects 25 validated items with a shift-click, reads the summary and approves them', async () => {
    await page.goto('/?status=validated&conflicted=false');
    await selectTheFirst25(page);
    await expect(bulk).toContainText('25 selected');
    await bulk.getByRole('button', { name: 'Approve selected' }).click();
    const confirm = page.getByRole('dialog', { name: 'Approve 25 selected' });
    await expect(confirm.getByRole('region', { name: 'What will change' })).toBeVisible();
    await keepScreen(page, 'morning-3-approve-summary');
    await confirm.getByRole('button', { name: /^Approve \d+$/ }).click();
    await confirm.getByRole('button', { name: 'Done' }).click();
    await expect(confirm).toBeHidden();
  });

  let applied = 0;
  await test.step('she selects everything she approved, reads what will change, applies it and watches the batch to its end', async () => {
    await page.goto('/?status=approved&conflicted=false');
    await expect(items.first()).toBeVisible({ timeout: 60_000 });
    // Of the 25 she reviewed, those that could be approved as they were (insights and changes over a guardrail were not).
    await bulk.getByRole('button', { name: /^Select all [\d,.\s]+ matching$/ }).click();
    await expect(bulk).toContainText(/\d+ selected/);
    await bulk.getByRole('button', { name: 'Apply selected' }).click();
    const confirm = page.getByRole('dialog', { name: /^Apply [\d,]+ selected$/ });
    await expect(confirm.getByRole('region', { name: 'What will change' })).toBeVisible();
    await keepScreen(page, 'morning-4-apply-summary');
    await confirm.getByRole('button', { name: /^Apply \d+$/ }).click();

    const progress = page.getByRole('dialog', { name: /^Apply batch/ });
    await expect(progress.getByRole('progressbar', { name: 'Batch progress' })).toBeVisible();
    const status = progress.getByRole('status').first();
    await expect(status).toHaveText(/^Finished: /, { timeout: 180_000 });
    await keepScreen(page, 'morning-5-batch-done');
    applied = Number(((await status.textContent()) ?? '').match(/Finished: ([\d,.\s]+) applied/)?.[1]?.replace(/\D/g, '') ?? 0);
    expect(applied, 'the batch applied changes').toBeGreaterThan(0);
    await progress.getByRole('button', { name: 'Close' }).first().click();
    await expect(progress).toBeHidden();
  });

  await test.step("she opens an applied item's campaign chart and finds the marker of her change", async () => {
    await page.goto('/?status=applied');
    await expect(items.first()).toBeVisible();
    // The first applied change that acts on a campaign: its details link to the campaign's chart.
    const drawer = page.getByRole('dialog');
    const performance = drawer.getByRole('region', { name: 'Performance' });
    const chartLink = performance.getByRole('link', { name: 'Open performance chart' });
    for (let i = 0; i < 10; i++) {
      await items.nth(i).getByRole('button', { name: 'Details' }).click();
      await expect(performance.getByRole('region', { name: 'Measured impact' })).toContainText(
        /Measuring until|Not measured yet|Measured|Not measurable/,
      );
      if ((await chartLink.count()) > 0) break;
      await page.keyboard.press('Escape');
      await expect(drawer).toBeHidden();
    }
    await keepScreen(page, 'morning-6-drawer-performance');
    await chartLink.click();

    await expect(page).toHaveURL(/\/performance\?entity=campaign%3A[^&]+&change=/);
    await expect(page.getByRole('heading', { name: 'Performance', level: 1 })).toBeVisible();
    // Her change is listed under the chart, with who and what, and selected.
    const changes = page.getByRole('region', { name: 'Changes applied' });
    const selected = page.getByRole('button', { name: /^Show the impact of the change on /, pressed: true });
    await expect(changes.getByRole('row').filter({ has: selected })).toContainText(DEMO_APPROVER, { timeout: 30_000 });
    // ...and drawn on the chart as a marker that says the same on focus.
    const marker = page.getByRole('button', { name: new RegExp(`^Change on .+ by ${DEMO_APPROVER.replace('.', '\\.')}: `), pressed: true });
    await expect(marker).toBeVisible({ timeout: 30_000 });
    await marker.focus();
    await expect(page.locator('.marker-details')).toContainText(`by ${DEMO_APPROVER}`);
    await keepScreen(page, 'morning-7-campaign-chart');
  });
});
