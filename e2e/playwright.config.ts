/**
 * Stories in Chromium against the real thing: the built SPA served by the BFF, on the embedded default (simulated
 * Ads API, PGlite in a fresh directory per run), one server per worker (servers.ts). Debian's Chromium is used where
 * it is installed, since a Playwright-downloaded browser cannot be fetched on every machine.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';
import { E2E_WORKERS, serverPorts } from './servers.ts';

const debianChromium = '/usr/bin/chromium';
const dataRoot = process.env.E2E_DATA_DIR ?? mkdtempSync(path.join(tmpdir(), 'recdesk-e2e-'));

export default defineConfig({
  testDir: './stories',
  outputDir: './test-results',
  fullyParallel: false,
  workers: E2E_WORKERS,
  forbidOnly: Boolean(process.env.CI),
  // Two servers, two browsers and (in `pnpm validate`) the Stream fleet share two cores: a screen that answers in 5 s
  // when idle may need more then. The stories check behaviour, not speed (that is `pnpm bench`'s).
  expect: { timeout: 15_000 },
  retries: process.env.CI ? 1 : 0,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
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
  webServer: serverPorts.map((port) => ({
    command: 'pnpm --filter @recdesk/bff start',
    cwd: '..',
    url: `http://localhost:${port}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    // The simulated Marketing Stream (issue 17) adds items on the simulator's clock; the stories count and pick items
    // from the pulled sources, so it stays off here until a story covers it.
    env: {
      PORT: String(port),
      RECDESK_DATA_DIR: path.join(dataRoot, String(port)),
      LOG_LEVEL: 'warn',
      SYNC_ON_START: 'true',
      STREAM_SIMULATED: 'false',
    },
  })),
});
