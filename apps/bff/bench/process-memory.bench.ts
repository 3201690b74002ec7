/**
 * Memory of each RecDesk process at 10,000 and 100,000 items, as the fleet runs them: `worker:ingest` syncing that
 * many Partner Opportunity rows from the simulator (in a process of its own) into a PostgreSQL database of its own,
 * then the BFF server answering 200 queue requests over those items, then `worker:apply` polling the same database.
 * Each process's resident memory is read from /proc (peak: VmHWM; settled: VmRSS at the end). The floor, measured in
 * the same run, is a bare Node.js process with the same TypeScript loader: what any of them costs before RecDesk's
 * code runs. The growth from 10k to 100k items is reported per process.
 *
 * DATABASE: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test); the databases it creates are
 * dropped after the run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CREDENTIALS } from '@recdesk/ads-simulator/state';
import pg from 'pg';
import { type BenchMeasurement, type Benchmark, ratioOf } from './bench-report.ts';

const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const LARGE = Number(process.env.BENCH_MEMORY_ITEMS ?? 100_000);
const SIZES = [Math.min(10_000, LARGE), LARGE];
const LIST_REQUESTS = 200;
const ADMIN = { email: 'bench-admin@recdesk.test', password: 'bench-admin-password' };
const here = path.dirname(fileURLToPath(import.meta.url));
const bffRoot = path.resolve(here, '..');
const MiB = 1024;

interface Memory {
  /** Peak resident set (VmHWM), MiB. */
  peak: number;
  /** Resident set when read (VmRSS), MiB. */
  settled: number;
}

/** VmHWM and VmRSS of a live process, from /proc (Linux). */
function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { peak: kib('VmHWM') / MiB, settled: kib('VmRSS') / MiB };
}

function startNode(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: bffRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(15_000).then(() => child.kill('SIGKILL'))]);
}

/** Resolves with the first match of `pattern` in the child's stdout. */
function waitForOutput(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = pattern.exec(out);
      if (match) resolve(match);
    });
    child.once('exit', (code) => reject(new Error(`process ended (${code}) before printing ${pattern}`)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

async function floorMemory(): Promise<Memory> {
  const child = startNode(['-e', 'setInterval(() => {}, 1000); console.log("READY")'], {});
  await waitForOutput(child, /READY/);
  await sleep(1000);
  const memory = memoryOf(child.pid ?? 0);
  await stop(child);
  return memory;
}

async function measureAt(items: number): Promise<Record<'ingest' | 'server' | 'apply', Memory>> {
  const database = `bench_memory_${randomUUID().replaceAll('-', '')}`;
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${database}`;
  const simulator = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'bulk-simulator.ts')], {
    env: { ...process.env, BENCH_PO_ROWS: String(items) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const children: ChildProcess[] = [simulator];
  const db = new pg.Client({ connectionString: url.toString() });
  db.on('error', () => undefined); // the drop below ends this connection if a step failed first
  try {
    const simulatorUrl = (await waitForOutput(simulator, /READY (\S+)/))[1] ?? '';
    const env = {
      DATABASE_URL: url.toString(),
      ADS_API_MODE: 'live',
      ADS_API_BASE_URL: simulatorUrl,
      ADS_LWA_TOKEN_URL: `${simulatorUrl}/auth/o2/token`,
      ADS_CLIENT_ID: DEFAULT_CREDENTIALS.clientId,
      ADS_CLIENT_SECRET: DEFAULT_CREDENTIALS.clientSecret,
      ADS_REFRESH_TOKEN: DEFAULT_CREDENTIALS.refreshToken,
      ADS_PARTNER_ACCOUNT_ID: DEFAULT_CREDENTIALS.partnerAccountId,
      ADS_REGIONS: 'NA',
      RECDESK_ADMIN_EMAIL: ADMIN.email,
      RECDESK_ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'warn',
      INGEST_EMBEDDED: 'false',
      SYNC_ON_START: 'false',
    };
    await db.connect();

    // worker:ingest syncs the Partner Opportunities once, then is measured.
    const ingest = startNode(['src/ingest/ingest-worker-main.ts'], {
      ...env,
      SYNC_ON_START: 'true',
      INGEST_SCHEDULE_UNIFIED_RECOMMENDATIONS: 'off',
      INGEST_SCHEDULE_SP_CONSOLIDATED: 'off',
      INGEST_SCHEDULE_SP_BUDGET: 'off',
      INGEST_SCHEDULE_SP_THEME_BIDS: 'off',
      INGEST_SCHEDULE_SP_TARGETING: 'off',
      INGEST_SCHEDULE_BRAND_METRICS: 'off',
    });
    children.push(ingest);
    await until(
      async () => {
        try {
          const run = await db.query<{ status: string }>(
            `SELECT status FROM ingestion_runs WHERE source = 'partner-opportunities' AND finished_at IS NOT NULL`,
          );
          return run.rows.length > 0;
        } catch {
          return false; // not migrated yet
        }
      },
      30 * 60_000,
      'the ingest worker to finish its sync',
    );
    const stored = await db.query<{ n: string }>('SELECT count(*) AS n FROM recommendations');
    if (Number(stored.rows[0]?.n) < items) throw new Error(`the worker stored ${stored.rows[0]?.n} of ${items} items`);
    // The sync's after-ingest pass (validation, conflicts) runs once the run is recorded: let it settle.
    await sleep(5_000);
    const ingestMemory = memoryOf(ingest.pid ?? 0);
    await stop(ingest);

    // The server answers queue requests over every item.
    const port = await freePort();
    const server = startNode(['src/main.ts'], { ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' });
    children.push(server);
    await waitForOutput(server, /serving the dashboard/);
    const base = `http://127.0.0.1:${port}`;
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base },
      body: JSON.stringify(ADMIN),
    });
    if (!login.ok) throw new Error(`sign-in answered ${login.status}`);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const queries = ['sort=priority', 'sort=expiresAt&expiringWithin=72', 'status=validated&sort=confidence', 'q=budget&sort=priority'];
    for (let i = 0; i < LIST_REQUESTS; i++) {
      const response = await fetch(`${base}/api/recommendations?${queries[i % queries.length]}&limit=100`, { headers: { cookie } });
      if (!response.ok) throw new Error(`GET /api/recommendations answered ${response.status}`);
      await response.arrayBuffer();
    }
    const serverMemory = memoryOf(server.pid ?? 0);
    await stop(server);

    // worker:apply over the same database (idle: nothing approved), a few polling rounds.
    const apply = startNode(['src/apply/apply-worker-main.ts'], env);
    children.push(apply);
    await sleep(8_000);
    const applyMemory = memoryOf(apply.pid ?? 0);
    await stop(apply);
    return { ingest: ingestMemory, server: serverMemory, apply: applyMemory };
  } finally {
    for (const child of children) await stop(child);
    await db.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}

export const benchmark: Benchmark = {
  name: 'Memory of each process at 10k and 100k items',
  async run() {
    const floor = await floorMemory();
    const [small, large] = [await measureAt(SIZES[0] ?? 10_000), await measureAt(SIZES[1] ?? 100_000)];
    const labels = {
      ingest: 'worker:ingest (peak, syncing)',
      server: 'bff server (after 200 list requests)',
      apply: 'worker:apply (idle)',
    };
    const measurements: BenchMeasurement[] = [];
    for (const name of ['ingest', 'server', 'apply'] as const) {
      const at = large[name];
      measurements.push({
        label: `${labels[name]} at ${SIZES[1]} items, peak RSS`,
        value: at.peak,
        unit: 'MiB',
        floor: floor.peak,
        ratio: ratioOf(at.peak, floor.peak),
      });
      measurements.push({ label: `${labels[name]} at ${SIZES[0]} items, peak RSS`, value: small[name].peak, unit: 'MiB' });
      measurements.push({
        label: `${labels[name]}: peak RSS growth from ${SIZES[0]} to ${SIZES[1]} items`,
        value: at.peak / small[name].peak,
        unit: '×',
      });
    }
    return {
      name: this.name,
      measurements,
      notes: [
        `Floor: a bare Node.js ${process.version} process with the tsx loader, peak RSS ${floor.peak.toFixed(1)} MiB.`,
        'Each process runs as the fleet runs it (live mode against the simulator in its own process, one PostgreSQL database of its own, dropped after).',
        'worker:apply is measured idle (nothing approved): its memory under load is bounded by the chunk size, see the apply benchmark.',
      ],
    };
  },
};
