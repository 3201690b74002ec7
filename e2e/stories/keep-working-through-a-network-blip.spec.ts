import { expect, test } from '../fixtures.ts';
import { keepScreen } from './support/screens.ts';

// Every lazily loaded screen and panel of the built SPA lives under /assets/; the queue's own code is loaded already.
const CHUNKS = '**/assets/**';

test('a page that cannot be fetched during a network blip shows an error with Reload under the header, and loads once the network is back', async ({
  page,
}) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Recommendations' })).toBeVisible();
  const navigation = page.getByRole('navigation', { name: 'Main' });

  await page.route(CHUNKS, (route) => route.abort('internetdisconnected'));
  await navigation.getByRole('link', { name: 'Status' }).click();
  const problem = page.getByRole('alert').filter({ hasText: 'could not be loaded' });
  await expect(problem).toBeVisible();
  await expect(navigation).toBeVisible();
  await expect(page.getByRole('banner')).toContainText('RecDesk');
  await keepScreen(page, 'page-chunk-failed');

  // Still blocked: Reload fails again and still offers itself, the header still there.
  await problem.getByRole('button', { name: 'Reload' }).click();
  await expect(problem.getByRole('button', { name: 'Reload' })).toBeVisible();

  await page.unroute(CHUNKS);
  await problem.getByRole('button', { name: 'Reload' }).click();
  await expect(page.getByRole('heading', { name: 'Status', level: 1 })).toBeVisible();
  await expect(problem).toHaveCount(0);
});

test('a page that failed while offline loads by itself when the browser is back online', async ({ page, context }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Recommendations' })).toBeVisible();

  await context.setOffline(true);
  await expect(page.getByText('You are offline')).toBeVisible();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Activity' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'could not be loaded' })).toBeVisible();

  await context.setOffline(false);
  await expect(page.getByRole('heading', { name: 'Activity', level: 1 })).toBeVisible();
  await expect(page.getByText('You are offline')).toHaveCount(0);
});
