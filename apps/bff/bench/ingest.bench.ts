/**
 * Ingestion benchmark: 100,000 Partner Opportunity CSV rows from the simulator (over HTTP, in live mode, so the very
 * client, source adapter, sync service and store of production run) into PostgreSQL, in a schema of its own that is
 * dropped afterwards. The floor, measured in the same run against the same simulator: download the same files, parse
 * them with the same CSV reader, and COPY each row (as jsonb) into a table: what the machine can do for the same
 * bytes without normalising, validating or upserting. Memory is sampled during the sync: peak RSS and heap over the
 * level before it. The simulator runs in a process of its own (bulk-simulator.ts), so the figures hold only the BFF.
 *
 * The 20,000 SP consolidated recommendations are measured beside this, in ingest-consolidated.bench.ts.
 *
 * DATABASE: BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test. Rows: BENCH_PO_ROWS (100000).
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CREDENTIALS } from '@recdesk/ads-simulator/state';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pino } from 'pino';
import { parseEnv } from '../src/config/env.ts';
import { copyText } from '../src/db/copy-text.ts';
import { createRuntime } from '../src/runtime.ts';
import { downloadOpportunityFile, listOpportunities } from '../src/sources/partner-opportunities/po-api.ts';
import { readCsvRows } from '../src/sources/shared/csv-rows.ts';
import { type Benchmark, type BenchResult, ratioOf } from './bench-report.ts';
import { profileStages } from './stage-profile.ts';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ROWS = Number(process.env.BENCH_PO_ROWS ?? 100_000);
const GOAL_RATIO = 3;

/** Samples memory every 25 ms until stopped; returns the peaks. */
function sampleMemory() {
  const peak = { rss: 0, heapUsed: 0 };
  const take = () => {
    const m = process.memoryUsage();
    peak.rss = Math.max(peak.rss, m.rss);
    peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
  };
  take();
  const timer = setInterval(take, 25);
  return {
    stop() {
      clearInterval(timer);
      take();
      return peak;
    },
  };
}

const MiB = 2 ** 20;

/** Starts bulk-simulator.ts in a child process and resolves with its URL. */
function startSimulatorProcess(rows: number): Promise<{ url: string; child: ChildProcess }> {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bulk-simulator.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, BENCH_PO_ROWS: String(rows) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /READY (\S+)/.exec(out)?.[1];
      if (url) resolve({ url, child });
    });
    child.once('exit', (code) => reject(new Error(`the simulator process ended (${code}) before it was ready`)));
  });
}

/** The growth measured from: the same work at a tenth of the size, in the same run. */
const SMALL_ROWS = Math.min(10_000, ROWS);

export const benchmark: Benchmark = {
  name: 'Ingest Partner Opportunity CSV rows into PostgreSQL',
  async run(): Promise<BenchResult> {
    const small = SMALL_ROWS < ROWS ? await measureIngest(SMALL_ROWS) : null;
    const large = await measureIngest(ROWS);
    const measurements = [...large.measurements];
    if (small) {
      const growth = large.secondsPerRow / small.secondsPerRow;
      measurements.push({
        label: `time per row at ${large.rows} rows vs at ${small.rows} rows (growth; 1 = linear)`,
        value: growth,
        unit: '×',
        goal: '≈ linear (≤ 1.5×)',
        met: growth <= 1.5,
      });
      // Streamed, not buffered: ten times the rows must not take ten times the memory (issue 18's goal: ≤ 1.3×, and
      // at most 250 MiB over the level before the sync at the large size).
      const memoryGrowth = Math.max(large.rssGrowth, 1) / Math.max(small.rssGrowth, 1);
      measurements.push({
        label: `peak RSS growth during the sync at ${large.rows} rows vs at ${small.rows} rows`,
        value: memoryGrowth,
        unit: '×',
        goal: `≤ 1.3×, and ≤ 250 MiB over the start at ${large.rows} rows (${large.rssGrowth.toFixed(0)} MiB)`,
        met: memoryGrowth <= 1.3 && large.rssGrowth <= 250,
      });
      measurements.push({
        label: `ingest ${small.rows} PO rows through the sync (time)`,
        value: small.seconds,
        unit: 's',
        floor: small.floorSeconds,
        ratio: ratioOf(small.seconds, small.floorSeconds),
      });
    }
    return { name: benchmark.name, measurements, notes: large.notes };
  },
};

async function measureIngest(rowsWanted: number): Promise<{
  rows: number;
  seconds: number;
  floorSeconds: number;
  secondsPerRow: number;
  /** Peak RSS over the level before the sync, MiB. */
  rssGrowth: number;
  measurements: BenchResult['measurements'];
  notes: string[];
}> {
  {
    const simulator = await startSimulatorProcess(rowsWanted);
    const schema = `bench_${randomUUID().replaceAll('-', '')}`;
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    const runtime = await createRuntime(
      parseEnv({
        ADS_API_MODE: 'live',
        ADS_API_BASE_URL: simulator.url,
        ADS_LWA_TOKEN_URL: `${simulator.url}/auth/o2/token`,
        ADS_CLIENT_ID: DEFAULT_CREDENTIALS.clientId,
        ADS_CLIENT_SECRET: DEFAULT_CREDENTIALS.clientSecret,
        ADS_REFRESH_TOKEN: DEFAULT_CREDENTIALS.refreshToken,
        ADS_PARTNER_ACCOUNT_ID: DEFAULT_CREDENTIALS.partnerAccountId,
        ADS_REGIONS: 'NA',
        SYNC_ON_START: 'false',
        LOG_LEVEL: 'silent',
      }),
      { database: { kind: 'postgres', url: DATABASE_URL, schema }, log: pino({ level: 'silent' }) },
    );
    try {
      // Floor: the same download and CSV reading, then COPY of each row as jsonb.
      await admin.query(`CREATE TABLE "${schema}".po_floor (opportunity_id text NOT NULL, line integer NOT NULL, row jsonb NOT NULL)`);
      const floorStart = performance.now();
      let floorRows = 0;
      const copyClient = new pg.Client({ connectionString: DATABASE_URL });
      await copyClient.connect();
      try {
        for await (const item of listOpportunities(runtime.client, 'NA')) {
          if (!item.ok || item.opportunity.dataMetadata.rowCount === 0) continue;
          const id = item.opportunity.partnerOpportunityId;
          const file = await downloadOpportunityFile(runtime.client, 'NA', id);
          if (!file?.body) continue;
          const rows = readCsvRows(file.body);
          const lines = Readable.from(
            (async function* () {
              for await (const csv of rows) {
                if (!csv.ok) continue;
                floorRows++;
                yield `${copyText(id)}\t${csv.line}\t${copyText(JSON.stringify(csv.row))}\n`;
              }
            })(),
          );
          await pipeline(lines, copyClient.query(copyFrom(`COPY "${schema}".po_floor (opportunity_id, line, row) FROM STDIN`)));
        }
      } finally {
        await copyClient.end();
      }
      const floorSeconds = (performance.now() - floorStart) / 1000;

      // The real path: the sync service with the PO source adapter and the recommendation store.
      global.gc?.();
      const before = process.memoryUsage();
      const memory = sampleMemory();
      const stages = profileStages(runtime);
      const syncStart = performance.now();
      const summary = await runtime.sync.sync({ source: 'partner-opportunities', trigger: 'benchmark' });
      const syncSeconds = (performance.now() - syncStart) / 1000;
      const peak = memory.stop();
      const source = summary.sources[0];
      // The source run alone (fetch, normalise, store), without what the sync does after it (lifecycle validation
      // and conflict detection over the whole store), from the run's own record.
      const run = await admin.query<{ seconds: number }>(
        `SELECT extract(epoch FROM finished_at - started_at)::float8 AS seconds FROM "${schema}".ingestion_runs WHERE source = 'partner-opportunities'`,
      );
      const sourceSeconds = Number(run.rows[0]?.seconds ?? Number.NaN);
      // Both paths read the same files: the floor's row count is what the sync must have stored.
      const expectedRows = floorRows;
      if (source?.status !== 'succeeded' || source.stored !== expectedRows || floorRows < rowsWanted) {
        throw new Error(`the benchmark did not ingest every row: floor read ${floorRows}, sync ${JSON.stringify(source)}`);
      }

      const syncRate = expectedRows / syncSeconds;
      const floorRate = floorRows / floorSeconds;
      const ratio = ratioOf(syncSeconds, floorSeconds);
      return {
        rows: expectedRows,
        seconds: syncSeconds,
        floorSeconds,
        secondsPerRow: syncSeconds / expectedRows,
        rssGrowth: (peak.rss - before.rss) / MiB,
        measurements: [
          {
            label: `ingest ${expectedRows} PO rows through the sync (time)`,
            value: syncSeconds,
            unit: 's',
            floor: floorSeconds,
            ratio,
            goal: `≤ ${GOAL_RATIO}× floor`,
            met: ratio <= GOAL_RATIO,
          },
          { label: 'sync throughput', value: syncRate, unit: 'rows/s' },
          {
            label: 'of which the source run alone (fetch, normalise, store)',
            value: sourceSeconds,
            unit: 's',
            floor: floorSeconds,
            ratio: ratioOf(sourceSeconds, floorSeconds),
          },
          { label: 'floor throughput (download + parse + COPY)', value: floorRate, unit: 'rows/s' },
          { label: 'peak RSS over the level before the sync', value: (peak.rss - before.rss) / MiB, unit: 'MiB' },
          { label: 'peak heap over the level before the sync', value: (peak.heapUsed - before.heapUsed) / MiB, unit: 'MiB' },
          { label: 'RSS before the sync', value: before.rss / MiB, unit: 'MiB' },
          { label: 'peak RSS of the process during the sync', value: peak.rss / MiB, unit: 'MiB' },
          ...stages.measurements(sourceSeconds),
        ],
        notes: [
          `PostgreSQL at ${new URL(DATABASE_URL).host}, schema ${schema} (dropped after the run); simulator in its own process, over HTTP.`,
          'The floor ran first, the sync second, both against the same simulator files.',
          'The 20,000 SP consolidated recommendations are measured by ingest-consolidated.bench.ts.',
        ],
      };
    } finally {
      await runtime.close();
      simulator.child.kill('SIGTERM');
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    }
  }
}
