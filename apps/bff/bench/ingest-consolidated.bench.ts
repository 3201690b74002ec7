/**
 * Ingestion benchmark: 20,000 SP consolidated recommendation actions from the simulator (over HTTP, live mode: the
 * production client, source adapter with its entity-catalog join, sync service and store) into PostgreSQL, in a
 * schema of its own that is dropped afterwards. The floor, in the same run against the same simulator: fetch the same
 * pages with the same client (JSON parsed), and COPY each action (as jsonb) into a table: the same bytes without
 * validating, joining, normalising or upserting. The client's rate limit is lifted (the simulator has none), so
 * both paths measure the work, not the throttle. Memory is sampled during the sync.
 *
 * DATABASE: BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test. Actions: BENCH_SP_ACTIONS (20000).
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
import { listProfiles } from '../src/ads-client/profiles.ts';
import { parseEnv } from '../src/config/env.ts';
import { copyText } from '../src/db/copy-text.ts';
import { createRuntime } from '../src/runtime.ts';
import { listConsolidatedPages } from '../src/sources/sp-consolidated/consolidated-api.ts';
import { spConsolidatedSource } from '../src/sources/sp-consolidated/consolidated-source.ts';
import { type Benchmark, type BenchResult, ratioOf } from './bench-report.ts';
import { profileStages } from './stage-profile.ts';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ACTIONS = Number(process.env.BENCH_SP_ACTIONS ?? 20_000);
const GOAL_RATIO = 3;
const MiB = 2 ** 20;
const ACTION_LISTS = ['keywordTargetingRecommendations', 'targetingGroupBidRecommendations', 'placementBiddingRecommendations'] as const;

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

function startSimulatorProcess(): Promise<{ url: string; child: ChildProcess }> {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'consolidated-simulator.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, BENCH_SP_ACTIONS: String(ACTIONS) },
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

/** Each action of a raw campaign recommendation, as the floor stores it. */
function* actionsOf(raw: unknown): Generator<{ campaignId: string; kind: string; action: unknown }> {
  if (!raw || typeof raw !== 'object') return;
  const rec = raw as Record<string, unknown>;
  const campaignId = String(rec.campaignId ?? '');
  if (rec.budgetRecommendation) yield { campaignId, kind: 'budgetRecommendation', action: rec.budgetRecommendation };
  if (rec.biddingStrategyRecommendation)
    yield { campaignId, kind: 'biddingStrategyRecommendation', action: rec.biddingStrategyRecommendation };
  for (const list of ACTION_LISTS) {
    for (const action of Array.isArray(rec[list]) ? (rec[list] as unknown[]) : []) yield { campaignId, kind: list, action };
  }
}

export const benchmark: Benchmark = {
  name: 'Ingest SP consolidated recommendations into PostgreSQL',
  async run(): Promise<BenchResult> {
    const simulator = await startSimulatorProcess();
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
        ADS_REGIONS: 'NA,EU',
        ADS_RATE_LIMIT_PER_SECOND: '10000',
        ADS_RATE_LIMIT_CONCURRENCY: '20',
        SYNC_ON_START: 'false',
        LOG_LEVEL: 'silent',
      }),
      { database: { kind: 'postgres', url: DATABASE_URL, schema }, log: pino({ level: 'silent' }) },
    );
    try {
      // Floor: the same pages through the same client, each action COPYed as jsonb.
      await admin.query(`CREATE TABLE "${schema}".sp_floor (campaign_id text NOT NULL, kind text NOT NULL, action jsonb NOT NULL)`);
      const floorStart = performance.now();
      let floorRows = 0;
      const { profiles } = await listProfiles(runtime.client);
      const copyClient = new pg.Client({ connectionString: DATABASE_URL });
      await copyClient.connect();
      try {
        for (const profile of profiles) {
          const lines = Readable.from(
            (async function* () {
              for await (const page of listConsolidatedPages(runtime.client, profile)) {
                for (const raw of page) {
                  for (const { campaignId, kind, action } of actionsOf(raw)) {
                    floorRows++;
                    yield `${copyText(campaignId)}\t${kind}\t${copyText(JSON.stringify(action))}\n`;
                  }
                }
              }
            })(),
          );
          await pipeline(lines, copyClient.query(copyFrom(`COPY "${schema}".sp_floor (campaign_id, kind, action) FROM STDIN`)));
        }
      } finally {
        await copyClient.end();
      }
      const floorSeconds = (performance.now() - floorStart) / 1000;

      // The adapter alone (fetch, join, normalise; nothing stored): tells the source's cost from the store's.
      const adapterStart = performance.now();
      let adapterItems = 0;
      for await (const _ of spConsolidatedSource.fetch({
        client: runtime.client,
        profiles,
        now: () => new Date(),
        log: pino({ level: 'silent' }),
      })) {
        adapterItems++;
      }
      const adapterSeconds = (performance.now() - adapterStart) / 1000;

      global.gc?.();
      const before = process.memoryUsage();
      const memory = sampleMemory();
      const stages = profileStages(runtime);
      const syncStart = performance.now();
      const summary = await runtime.sync.sync({ source: 'sp-consolidated', trigger: 'benchmark' });
      const syncSeconds = (performance.now() - syncStart) / 1000;
      const peak = memory.stop();
      const source = summary.sources[0];
      const run = await admin.query<{ seconds: number; calls: number | null }>(
        `SELECT extract(epoch FROM finished_at - started_at)::float8 AS seconds, upstream_calls AS calls FROM "${schema}".ingestion_runs WHERE source = 'sp-consolidated'`,
      );
      const sourceSeconds = Number(run.rows[0]?.seconds ?? Number.NaN);
      if (source?.status !== 'succeeded' || source.stored !== floorRows || floorRows < ACTIONS) {
        throw new Error(`the benchmark did not ingest every action: floor read ${floorRows}, sync ${JSON.stringify(source)}`);
      }
      const ratio = ratioOf(syncSeconds, floorSeconds);
      return {
        name: benchmark.name,
        measurements: [
          {
            label: `ingest ${floorRows} consolidated actions through the sync (time)`,
            value: syncSeconds,
            unit: 's',
            floor: floorSeconds,
            ratio,
            goal: `≤ ${GOAL_RATIO}× floor`,
            met: ratio <= GOAL_RATIO,
          },
          { label: 'sync throughput', value: floorRows / syncSeconds, unit: 'recommendations/s' },
          {
            label: 'of which the source run alone (fetch, join, normalise, store)',
            value: sourceSeconds,
            unit: 's',
            floor: floorSeconds,
            ratio: ratioOf(sourceSeconds, floorSeconds),
          },
          {
            label: `of which the adapter alone (fetch, join, normalise ${adapterItems} items, no store)`,
            value: adapterSeconds,
            unit: 's',
            floor: floorSeconds,
            ratio: ratioOf(adapterSeconds, floorSeconds),
          },
          { label: 'floor throughput (fetch + parse + COPY)', value: floorRows / floorSeconds, unit: 'actions/s' },
          {
            label: 'upstream calls of the source run (pages and entity lists)',
            value: Number(run.rows[0]?.calls ?? Number.NaN),
            unit: 'calls',
          },
          { label: 'peak RSS over the level before the sync', value: (peak.rss - before.rss) / MiB, unit: 'MiB' },
          { label: 'peak heap over the level before the sync', value: (peak.heapUsed - before.heapUsed) / MiB, unit: 'MiB' },
          ...stages.measurements(sourceSeconds),
        ],
        notes: [
          `PostgreSQL at ${new URL(DATABASE_URL).host}, schema ${schema} (dropped after the run); simulator in its own process, over HTTP.`,
          'The floor ran first, the sync second, against the same simulator; the sync also lists the campaigns, ad groups, keywords and targets it joins.',
        ],
      };
    } finally {
      await runtime.close();
      simulator.child.kill('SIGTERM');
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    }
  },
};
