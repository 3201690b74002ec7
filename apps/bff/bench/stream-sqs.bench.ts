/**
 * Marketing Stream from SQS (issue 17): the production consumer (@aws-sdk/client-sqs against the simulator's SQS
 * protocol endpoint), StreamIngest, the store and the urgent lane's rules, on PostgreSQL in a schema of its own.
 * 1. Sustained: budget-usage messages enqueued at BENCH_STREAM_RATE per second (100) for BENCH_STREAM_SECONDS (60),
 *    one consumer: p50 / p95 from entering the queue (SentTimestamp) to the item stored and visible to the API.
 * 2. Burst: BENCH_STREAM_BURST (10,000) messages at once, with duplicates (10 %), SNS envelopes (30 %), malformed
 *    bodies (2 %) and unknown advertisers, drained by two consumers: throughput, and every valid message one item.
 * 3. To applied, during the sustained run: every 2 s one of the simulator's enabled campaigns gets a
 *    sp-budget-recommendation; an `on` rule over Stream budget items approves it and the apply worker writes it to the
 *    simulator (at its rate limit): p50 / p95 from entering the queue to the change in the simulator's ledger.
 * DATABASE: BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test.
 */
import { randomUUID } from 'node:crypto';
import type { SimulatorState } from '@recdesk/ads-simulator/state';
import { RuleBodySchema } from '@recdesk/shared-types';
import pg from 'pg';
import { pino } from 'pino';
import { parseEnv } from '../src/config/env.ts';
import { type SqsConsumerConfig, SqsStreamConsumer } from '../src/ingest/sqs-stream-consumer.ts';
import type { StreamIngest } from '../src/ingest/stream-ingest.ts';
import { createRuntime, type Runtime } from '../src/runtime.ts';
import type { Benchmark, BenchResult } from './bench-report.ts';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const RATE = Number(process.env.BENCH_STREAM_RATE ?? 100);
const SECONDS = Number(process.env.BENCH_STREAM_SECONDS ?? 60);
const BURST = Number(process.env.BENCH_STREAM_BURST ?? 10_000);

let serial = 0;
function usage(advertiser = 'ENTITYBENCH1') {
  serial++;
  return {
    dataset_id: 'budget-usage',
    advertiser_id: advertiser,
    marketplace_id: 'ATVPDKIKX0DER',
    budget_scope_id: `66${String(serial).padStart(8, '0')}`,
    budget_scope_type: 'CAMPAIGN',
    advertising_product_type: 'sp',
    budget: 50,
    budget_usage_percentage: 95,
    usage_updated_timestamp: new Date().toISOString(),
  };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

/** The runtime's StreamIngest, timing each body from its enqueue to its item stored. */
function timed(runtime: Runtime, sentAt: Map<string, number>, latencies: number[]): StreamIngest {
  return {
    receiveRaw: async (bodies: readonly string[], trigger?: string) => {
      const result = await runtime.stream.receiveRaw(bodies, trigger);
      const at = Date.now();
      for (const body of bodies) {
        const sent = sentAt.get(body);
        if (sent !== undefined) latencies.push(at - sent);
      }
      return result;
    },
  } as unknown as StreamIngest;
}

function consumerOf(runtime: Runtime, stream: StreamIngest, consumers: number): SqsStreamConsumer {
  const simulator = runtime.simulator;
  if (!simulator) throw new Error('the benchmark runs the simulator in process');
  const config: SqsConsumerConfig = {
    queueUrl: simulator.streamQueueUrl,
    region: 'us-east-1',
    endpoint: simulator.url,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    consumers,
    waitSeconds: 1,
    visibilitySeconds: 30,
    maxReceives: 5,
  };
  return new SqsStreamConsumer({
    stream,
    quarantine: runtime.quarantine,
    metrics: runtime.observability.metrics,
    log: runtime.log,
    config,
  });
}

async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 50));
}

export const benchmark: Benchmark = {
  name: 'Marketing Stream from SQS (issue 17)',
  async run(): Promise<BenchResult> {
    const schema = `bench_${randomUUID().replaceAll('-', '')}`;
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    const runtime = await createRuntime(
      parseEnv({ SYNC_ON_START: 'false', STREAM_SIMULATED: 'false', LOG_LEVEL: 'silent', INGEST_RETRY_FIRST_MS: '0' }),
      { database: { kind: 'postgres', url: DATABASE_URL, schema }, log: pino({ level: 'silent' }) },
    );
    try {
      const queue = runtime.simulator?.streamQueue;
      if (!queue) throw new Error('no simulator queue');

      // 3. To applied: an `on` rule over Stream budget items, the apply worker, and campaigns the simulator knows.
      const state = runtime.simulator?.state as SimulatorState;
      await runtime.rules.create(
        RuleBodySchema.parse({
          name: 'Keep budgets running',
          expression: 'kind = "budget"',
          mode: 'on',
          scope: { sources: ['marketing-stream'] },
        }),
        { type: 'user', id: 'bench', version: null },
      );
      await runtime.apply.startWorker({ sweepMs: 60_000 });
      const campaigns = state.world.campaigns.filter((c) => c.state === 'ENABLED');
      const probeSent = new Map<string, number>();
      const probeApplied = new Map<string, number>();
      let ledgerSeen = state.ledger.length;
      const watcher = setInterval(() => {
        for (; ledgerSeen < state.ledger.length; ledgerSeen++) {
          const key = state.ledger[ledgerSeen]?.key ?? '';
          if (probeSent.has(key) && !probeApplied.has(key)) probeApplied.set(key, Date.now());
        }
      }, 20);
      const probe = (index: number): string | null => {
        const campaign = campaigns[index];
        const profile = state.world.profiles.find((p) => p.profileId === campaign?.profileId);
        if (!campaign || !profile) return null;
        const day = new Date().toISOString().slice(0, 10);
        probeSent.set(`campaign:${campaign.campaignId}`, Date.now());
        return JSON.stringify({
          dataset_id: 'sp-budget-recommendations',
          advertiser_id: profile.advertiser.entityId,
          marketplace_id: profile.marketplace.marketplaceStringId,
          campaign_id: campaign.campaignId,
          recommendation_time: new Date().toISOString(),
          reason_for_suggestion: 'Out of budget on 3 of the last 7 days.',
          start_date: day,
          end_date: day,
          suggested_budget: campaign.dailyBudget + 15,
          estimated_missed_clicks_lower: 12,
          estimated_missed_clicks_upper: 40,
        });
      };

      // 1. Sustained rate, one consumer.
      const sentAt = new Map<string, number>();
      const latencies: number[] = [];
      const one = consumerOf(runtime, timed(runtime, sentAt, latencies), 1);
      one.start();
      const total = RATE * SECONDS;
      let sent = 0;
      let probes = 0;
      const started = Date.now();
      await new Promise<void>((resolve) => {
        const tick = setInterval(() => {
          const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * RATE));
          for (; sent < due; sent++) {
            // Every 2 s, one of them is a budget recommendation a rule applies (while campaigns last).
            const body = (sent % (RATE * 2) === RATE && probe(probes++)) || JSON.stringify(usage());
            sentAt.set(body, Date.now());
            queue.send(body);
          }
          if (sent >= total) {
            clearInterval(tick);
            resolve();
          }
        }, 20);
      });
      await until(() => latencies.length >= total);
      const sustainedSeconds = (Date.now() - started) / 1000;
      await one.stop();
      const applyDeadline = Date.now() + 60_000;
      await until(() => probeApplied.size >= probeSent.size || Date.now() > applyDeadline);
      clearInterval(watcher);
      const applied = [...probeApplied].map(([key, at]) => at - (probeSent.get(key) ?? at));

      // 2. Burst of BURST messages with duplicates, SNS envelopes, malformed bodies and unknown advertisers; two consumers.
      const bodies: string[] = [];
      let valid = 0;
      let malformed = 0;
      while (bodies.length < BURST) {
        const i = bodies.length;
        if (i % 50 === 49) {
          bodies.push(`{malformed ${i}`);
          malformed++;
          continue;
        }
        const record = usage(i % 20 === 0 ? `ENTITYUNKNOWN${i}` : 'ENTITYBENCH2');
        valid++;
        const body =
          i % 10 < 3
            ? JSON.stringify({ Type: 'Notification', MessageId: `m-${i}`, Message: JSON.stringify(record) })
            : JSON.stringify(record);
        bodies.push(body);
        if (i % 10 === 5 && bodies.length < BURST) bodies.push(JSON.stringify(record));
      }
      const burstStarted = Date.now();
      for (const body of bodies) queue.send(body);
      const burstLatencies: number[] = [];
      const burstSent = new Map(bodies.map((body) => [body, burstStarted]));
      const a = consumerOf(runtime, timed(runtime, burstSent, burstLatencies), 1);
      const b = consumerOf(runtime, timed(runtime, burstSent, burstLatencies), 1);
      a.start();
      b.start();
      await until(() => queue.size === 0);
      const burstSeconds = (Date.now() - burstStarted) / 1000;
      await a.stop();
      await b.stop();
      const counted = await admin.query<{ items: string; quarantined: string }>(
        `SELECT (SELECT count(*) FROM "${schema}".recommendations WHERE (advertiser_id = 'ENTITYBENCH2' OR advertiser_id LIKE 'ENTITYUNKNOWN%') AND source = 'marketing-stream') AS items,
                (SELECT count(DISTINCT raw) FROM "${schema}".quarantine WHERE source = 'marketing-stream') AS quarantined`,
      );
      const items = Number(counted.rows[0]?.items);
      const quarantined = Number(counted.rows[0]?.quarantined);

      const p50 = percentile(latencies, 50) / 1000;
      const p95 = percentile(latencies, 95) / 1000;
      return {
        name: this.name,
        measurements: [
          { label: `enqueue → visible p50, ${RATE} messages/s for ${SECONDS} s, one consumer`, value: p50, unit: 's' },
          {
            label: `enqueue → visible p95, ${RATE} messages/s for ${SECONDS} s, one consumer`,
            value: p95,
            unit: 's',
            goal: '< 2 s',
            met: p95 < 2,
          },
          { label: 'throughput one consumer held (sustained run)', value: total / sustainedSeconds, unit: 'messages/s' },
          {
            label: `enqueue → applied upstream p50 (${applied.length} of ${probeSent.size} budget recommendations, on rule)`,
            value: percentile(applied, 50) / 1000,
            unit: 's',
          },
          {
            label: `enqueue → applied upstream p95 (${applied.length} of ${probeSent.size} budget recommendations, on rule)`,
            value: percentile(applied, 95) / 1000,
            unit: 's',
            goal: '< 5 s, all applied',
            met: percentile(applied, 95) < 5000 && applied.length === probeSent.size,
          },
          { label: `burst of ${BURST} drained by two consumers`, value: BURST / burstSeconds, unit: 'messages/s' },
          {
            label: 'burst: valid messages without exactly one item',
            value: Math.abs(items - valid),
            unit: 'items',
            goal: '0',
            met: items === valid,
          },
          {
            label: 'burst: malformed messages not quarantined',
            value: Math.abs(quarantined - malformed),
            unit: 'messages',
            goal: '0',
            met: quarantined === malformed,
          },
        ],
        notes: [
          `PostgreSQL at ${new URL(DATABASE_URL).host}, schema ${schema} (dropped after the run); simulator and its SQS endpoint in process, over HTTP; the urgent lane's rules run after each batch.`,
          `Burst: ${valid} valid (30 % in SNS envelopes, 5 % for unknown advertisers), ${bodies.length - valid - malformed} duplicates, ${malformed} malformed; burst p95 (all enqueued at once) ${(percentile(burstLatencies, 95) / 1000).toFixed(2)} s.`,
          `To applied: one sp-budget-recommendation every 2 s for a distinct enabled simulator campaign (${campaigns.length} available), within the sustained run; an on rule (kind = "budget", Marketing Stream) and the apply worker; timed to its entry in the simulator's ledger (polled every 20 ms).`,
        ],
      };
    } finally {
      await runtime.close();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    }
  },
};
