/**
 * A new user's first `npm start` (issue 18's table: "until the whole simulated queue is approvable, ≤ 30 s in all"):
 * the repository's committed HEAD is cloned to a temporary folder and `npm start` runs there as the README says (its
 * install against the machine's warm package store, the SPA's build, the server with the embedded simulator and PGlite
 * on a fresh data folder). Timed from the command to the server's "serving the dashboard" line and to the first
 * sync's "sync finished" line, which the sync logs after the after-ingest validation and conflict pass: from then on
 * every item of the simulated queue is approvable or says why not. The process group is stopped and the clone removed
 * afterwards.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Benchmark, BenchResult } from './bench-report.ts';

const GOAL_SECONDS = 30;
const TIMEOUT_MS = 300_000;
const REPOSITORY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function run(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}

/** Runs `npm start` in `folder` until the first sync has finished; the seconds to each milestone. */
async function timeFirstStart(folder: string): Promise<{ serving: number; synced: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn('npm', ['start'], {
    cwd: folder,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: String(port), RECDESK_DATA_DIR: path.join(folder, '.recdesk'), LOG_FORMAT: 'json', CI: 'true' },
  });
  const seconds = () => (performance.now() - started) / 1000;
  try {
    return await new Promise((resolve, reject) => {
      let serving: number | null = null;
      const timer = setTimeout(() => reject(new Error(`no finished sync within ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS);
      child.once('exit', (code) => reject(new Error(`npm start exited (${code}) before its first sync finished`)));
      createInterface({ input: child.stdout }).on('line', (line) => {
        const message = line.startsWith('{') ? (JSON.parse(line) as { msg?: string }).msg : undefined;
        if (serving === null && message?.startsWith('RecDesk is serving the dashboard')) serving = seconds();
        if (message === 'sync finished') {
          clearTimeout(timer);
          resolve({ serving: serving ?? Number.NaN, synced: seconds() });
        }
      });
      child.stderr.resume();
    });
  } finally {
    if (child.pid) process.kill(-child.pid, 'SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

export const benchmark: Benchmark = {
  name: 'First npm start on a fresh clone (issue 18)',
  async run(): Promise<BenchResult> {
    const folder = mkdtempSync(path.join(tmpdir(), 'recdesk-first-start-'));
    try {
      await run('git', ['clone', '--quiet', REPOSITORY, folder], tmpdir());
      const { serving, synced } = await timeFirstStart(folder);
      return {
        name: benchmark.name,
        measurements: [
          { label: '`npm start` until the dashboard is served (install, build, server)', value: serving, unit: 's' },
          {
            label: '`npm start` until the whole simulated queue is synced, validated and checked for conflicts (approvable)',
            value: synced,
            unit: 's',
            goal: `≤ ${GOAL_SECONDS} s in all`,
            met: synced <= GOAL_SECONDS,
          },
        ],
        notes: [
          `A clone of the repository's HEAD; \`npm start\` with the machine's package store warm, PGlite on a fresh data folder, the embedded simulator, JSON logs (the milestones are the server's "serving the dashboard" and the first sync's "sync finished" lines).`,
        ],
      };
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  },
};
