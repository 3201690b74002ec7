#!/usr/bin/env node
// The suite must not depend on the day it runs: fixtures are placed relative to an injected clock (the BFF's Clock,
// the simulator's clock, the web tests' TEST_NOW), never by a literal date that is "in the future" today. This runs
// the unit tests (not the *.int.test.ts files, which also need a database server's clock) with the wall clock moved
// 400 and then 1,000 days ahead, so a fixture that expires with the calendar fails here, on the day it is written,
// rather than on every clean clone some weeks later.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const shifts = (process.env.RECDESK_CLOCK_SHIFTS ?? '400,1000').split(',').map(Number);
const preload = fileURLToPath(new URL('./shifted-clock.mjs', import.meta.url));

for (const days of shifts) {
  process.stdout.write(`\nUnit tests with the clock moved ${days} days ahead\n`);
  const result = spawnSync('npx', ['vitest', 'run', '--exclude', '**/*.int.test.ts', ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: {
      ...process.env,
      RECDESK_CLOCK_SHIFT_DAYS: String(days),
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${preload}`.trim(),
    },
  });
  if (result.status !== 0) {
    process.stderr.write(`The unit tests fail with the clock moved ${days} days ahead: a test depends on the day it runs.\n`);
    process.exit(result.status ?? 1);
  }
}
