import { readFile } from 'node:fs/promises';
import { expect, test } from '../fixtures.ts';
import { expectNoSeriousAxeViolations } from './support/accessibility.ts';
import { keepScreen } from './support/screens.ts';
import { firstApprovable } from './support/seeded-queue.ts';
import { syncSource } from './support/syncs-and-sign-ins.ts';

test('the account manager reads what was applied, filters it to one outcome and exports it as CSV', async ({ page, request }) => {
  test.setTimeout(300_000);
  // Something was applied this morning: a bid change, approved and applied through the API.
  await syncSource(request, 'sp-consolidated');
  // One the approver may approve as it is (not one over the advertiser's guardrail).
  const item = await firstApprovable(request, 'kind=bid&status=validated&conflicted=false');
  expect((await request.post(`/api/recommendations/${item.id}/approve`, { data: { version: item.version } })).status()).toBe(200);
  expect((await request.post('/api/apply', { data: { ids: [item.id] } })).status()).toBe(202);

  await page.goto('/');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Activity' }).click();
  await expect(page.getByRole('heading', { name: 'Activity', level: 1 })).toBeVisible();
  const table = page.getByRole('table', { name: /Applied, failed and undone changes/ });
  const row = table.getByRole('row').filter({ hasText: item.title });
  await expect(async () => {
    await page.reload();
    await expect(row).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 60_000 });
  await expect(row).toContainText('Applied');
  await expect(row).toContainText('approver@recdesk.local');
  await expect(row).toContainText('→');

  await page.getByRole('combobox', { name: 'Outcome' }).selectOption('applied');
  await expect(page).toHaveURL(/outcome=applied/);
  await expect(row).toBeVisible();
  await keepScreen(page, 'activity');
  await expectNoSeriousAxeViolations(page);

  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export CSV' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^recdesk-activity-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = await readFile((await download.path()) as string, 'utf8');
  const [header, ...lines] = csv.trimEnd().split('\r\n');
  expect(header?.split(',').slice(0, 3)).toEqual(['at', 'outcome', 'actor']);
  expect(lines.length).toBeGreaterThanOrEqual(1);
  expect(lines.every((line) => line.split(',')[1] === 'applied')).toBe(true);
  expect(csv).toContain(item.id);
});
