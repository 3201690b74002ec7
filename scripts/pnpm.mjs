#!/usr/bin/env node
// Runs the pnpm version pinned in package.json's "packageManager" through npx.
// Corepack's signature check fails on some machines, so we never rely on it: `npm start` and
// `npm test` work on a machine that has only Node.js and npm.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const { packageManager } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
// Ctrl+C reaches every process of the terminal's group: this wrapper must not die of it (it would report 130 while
// the server is still shutting down gracefully); it waits for pnpm and exits as pnpm does.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => {});
const result = spawnSync('npx', ['--yes', packageManager, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, COREPACK_ENABLE_STRICT: '0', npm_config_loglevel: 'error' },
});
// Stopped by Ctrl+C (or a SIGTERM) after a graceful shutdown is a normal end, not a failure.
process.exit(result.status ?? (result.signal === 'SIGINT' || result.signal === 'SIGTERM' ? 0 : 1));
