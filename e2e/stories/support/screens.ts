/** Screenshots of the main screens, kept as test artefacts in e2e/test-results/screens/. */
import type { Page } from '@playwright/test';

export async function keepScreen(page: Page, name: string) {
  await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: false });
}
