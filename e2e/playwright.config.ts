/**
 * Stories in Chromium against the real thing: the built SPA served by the BFF, on the embedded default (simulated
 * Ads API, PGlite in a fresh directory per run). Debian's Chromium is used where it is installed, since a
 * Playwright-downloaded browser cannot be fetched on every machine.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';

const port = Number(process.env.E2E_PORT ?? 3100);
const debianChromium = '/usr/bin/chromium';
const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(path.join(tmpdir(), 'recdesk-e2e-'));

export default defineConfig({
  testDir: './stories',
  outputDir: './test-results',
  fullyParallel: false,
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  retries: process.env.CI ? 1 : 0,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    baseURL: `http://localhost:${port}`,
    trace: 'on-first-retry',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        viewport: { width: 1440, height: 900 },
        launchOptions: {
          ...(existsSync(debianChromium) ? { executablePath: debianChromium } : {}),
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
  ],
  webServer: {
    command: 'pnpm --filter @recdesk/bff start',
    cwd: '..',
    url: `http://localhost:${port}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    // The simulated Marketing Stream (issue 17) adds items on the simulator's clock; the stories count and pick items
    // from the pulled sources, so it stays off here until a story covers it.
    env: { PORT: String(port), RECDESK_DATA_DIR: dataDir, LOG_LEVEL: 'warn', SYNC_ON_START: 'true', STREAM_SIMULATED: 'false' },
  },
});
