/**
 * `pnpm test:fleet`, second scenario: Marketing Stream from an SQS queue into two ingest workers, one killed midway.
 *
 * The SQS-compatible queue is the simulator's (the SQS JSON protocol @aws-sdk/client-sqs speaks), run inside this
 * process so that every DeleteMessage is checked as it arrives: before a message leaves the queue, what it carried
 * must be in the database (a valid one's claim processed and its item there; a malformed one's quarantine entry).
 * Two real `worker:ingest` processes (ingest-worker-main.ts, every pull and the performance sync switched off by their
 * schedules) read the queue with their own access keys, so the queue knows who holds and who deleted each message.
 *
 * STREAM_FLEET_MESSAGES (10,000) go onto the queue at once: unique valid records (some for advertisers RecDesk has
 * never seen, a third in SNS envelopes), duplicates and malformed bodies. Midway, worker 1 is frozen (SIGSTOP) at a
 * moment it holds messages whose claims it made and has not finished, and killed (SIGKILL). Then:
 * - every message is deleted exactly once, and none before it was stored;
 * - every unique valid message is exactly one item (none lost, none doubled), unknown advertisers' included (items
 *   without a name until a pull knows the advertiser: that is what the product does with them);
 * - every malformed body is one quarantine entry, with its reason; nothing valid is quarantined as poison;
 * - the killed worker's messages came back after their visibility timeout and were stored and deleted by worker 2,
 *   the claims it left behind taken over;
 * - worker 2 shuts down cleanly on SIGTERM.
 * Exits 1 on any violation. FLEET_SEED fixes the mix and the moment of the kill.
 */
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '@recdesk/ads-simulator/faults';
import { startSimulator } from '@recdesk/ads-simulator/server';
import type { QueuedMessage } from '@recdesk/ads-simulator/sqs';
import pg from 'pg';
import { SCHEDULE_VARIABLES } from '../src/ingest/scheduler.ts';
import { parseRawDelivery } from '../src/sources/marketing-stream/stream-parse.ts';
import { CpuMeter } from './cpu-time.ts';
import { createFleetDatabase, fleetServerUrl } from './fleet-database.ts';
import { Fleet, type ProcessSpec, sleep, waitFor } from './fleet-processes.ts';
import { streamMix } from './stream-message-mix.ts';

const TOTAL = Number(process.env.STREAM_FLEET_MESSAGES ?? 10_000);
const DUPLICATES = Math.round(TOTAL * 0.1);
const MALFORMED = Math.round(TOTAL * 0.05);
/** The workers' visibility timeout (the least the configuration allows): how soon a killed worker's messages return. */
const VISIBILITY_SECONDS = 5;
const WORKERS = ['ingest-1', 'ingest-2'] as const;
const KILLED = 'ingest-1';
const SURVIVOR = 'ingest-2';

const here = path.dirname(fileURLToPath(import.meta.url));
const bffDir = path.resolve(here, '..');
const seed = Number(process.env.FLEET_SEED ?? Math.floor(Math.random() * 1_000_000));
const random = seededRandom(seed);
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
const say = (message: string) => console.info(`[stream fleet ${elapsed()}] ${message}`);

const violations: string[] = [];
const logDir = mkdtempSync(path.join(tmpdir(), 'recdesk-stream-fleet-'));
const fleet = new Fleet(logDir);
const database = await createFleetDatabase('recdesk_stream_fleet');
/** The scenario's own connections (the checks at each delete), named so that their CPU is not counted as the workers'. */
const CHECKS = 'stream-fleet-checks';
const db = new pg.Pool({ connectionString: database.url, max: 4, application_name: CHECKS });
// A checking connection the server cuts (the database dropped at the end while a connection was still being opened,
// a restart) is no finding of the scenario; without a listener the pool's 'error' would end the process.
db.on('error', (error) => console.warn(`[stream fleet] a checking connection was closed: ${error.message}`));
/** Each worker signs its SQS requests with its own name as access key id: the queue records who received and deleted. */
const accessKeyOf = (worker: string) => worker;

function workerSpec(name: string, databaseUrl: string, simulatorUrl: string, queueUrl: string): ProcessSpec {
  const pullsOff = Object.fromEntries(Object.values(SCHEDULE_VARIABLES).map((variable) => [variable, 'off']));
  return {
    name,
    cwd: bffDir,
    entry: 'src/ingest/ingest-worker-main.ts',
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: '10',
      ADS_API_MODE: 'simulated',
      ADS_SIMULATOR_URL: simulatorUrl,
      INGEST_EMBEDDED: 'false',
      SHUTDOWN_TIMEOUT_MS: '30000',
      // Only the Stream consumer works here: no pull at start, none on a schedule, no performance sync.
      SYNC_ON_START: 'false',
      ...pullsOff,
      PERFORMANCE_SYNC_SCHEDULE: 'off',
      STREAM_SQS_QUEUE_URL: queueUrl,
      STREAM_SQS_ENDPOINT: simulatorUrl,
      STREAM_SQS_ACCESS_KEY_ID: accessKeyOf(name),
      STREAM_SQS_SECRET_ACCESS_KEY: 'fleet-secret',
      STREAM_SQS_CONSUMERS: process.env.STREAM_FLEET_CONSUMERS ?? '2',
      STREAM_SQS_WAIT_SECONDS: '1',
      STREAM_SQS_VISIBILITY_SECONDS: String(VISIBILITY_SECONDS),
      STREAM_SQS_MAX_RECEIVES: '5',
    },
  };
}

/**
 * Before a message is deleted, what it carried must be stored: a valid one's claim processed with its item in the
 * recommendations, a malformed one's quarantine entry. Run by the queue inside DeleteMessage(Batch), so the answer is
 * the database's state at the moment of the delete, not after.
 */
async function storedBeforeDelete(db: pg.Pool, message: QueuedMessage): Promise<string | null> {
  const parsed = parseRawDelivery(message.body, 0);
  if (parsed.status === 'valid') {
    const { rowCount } = await db.query(
      `SELECT 1 FROM stream_messages m JOIN recommendations r ON r.id = m.recommendation_id
        WHERE m.dedup_key = $1 AND m.processed_at IS NOT NULL`,
      [parsed.dedupKey],
    );
    return rowCount ? null : `deleted before its item was stored: ${parsed.dedupKey}`;
  }
  if (parsed.status === 'invalid') {
    const { rowCount } = await db.query(`SELECT 1 FROM quarantine WHERE source = 'marketing-stream' AND raw = $1::jsonb`, [
      JSON.stringify(parsed.raw),
    ]);
    return rowCount ? null : `deleted before it was quarantined: ${message.body.slice(0, 80)}`;
  }
  return `a message of another dataset in the mix: ${message.body.slice(0, 80)}`;
}

function dedupKeyOf(body: string): string | null {
  const parsed = parseRawDelivery(body, 0);
  return parsed.status === 'valid' ? parsed.dedupKey : null;
}

async function main(): Promise<void> {
  say(`seed ${seed}; database ${database.name} on ${new URL(fleetServerUrl).host}; logs in ${logDir}`);

  const simulator = await startSimulator({});
  const queue = simulator.streamQueue;
  const deleteChecks: Promise<void>[] = [];
  queue.beforeDelete = (message) => {
    const check = storedBeforeDelete(db, message).then((violation) => {
      if (violation) violations.push(violation);
    });
    deleteChecks.push(check);
    return check;
  };

  const mix = streamMix({ total: TOTAL, duplicates: DUPLICATES, malformed: MALFORMED, random, at: new Date() });
  // The mix is what it says: each valid body parses as valid, each malformed one as invalid.
  const expectedKeys = new Set(mix.valid.map((body) => dedupKeyOf(body)));
  if (expectedKeys.has(null) || expectedKeys.size !== mix.valid.length) throw new Error('the mix has a valid body that does not parse');
  if (mix.malformed.some((body) => parseRawDelivery(body, 0).status !== 'invalid'))
    throw new Error('the mix has a malformed body that parses');
  // Each malformed body differs from the others: one quarantine entry per body is then one per message.
  if (new Set(mix.malformed).size !== mix.malformed.length) throw new Error('the mix has a malformed body twice');

  // Both workers at once on the empty database: they migrate it together, then read the queue.
  for (const name of WORKERS) fleet.start(workerSpec(name, database.url, simulator.url, simulator.streamQueueUrl));
  await Promise.race([
    fleet.failed,
    Promise.all(
      WORKERS.map((name) =>
        waitFor(`${name} to read the queue`, 180_000, async () =>
          fleet.tail(name, 400).includes('reading Marketing Stream from its SQS queue') ? true : undefined,
        ),
      ),
    ),
  ]);
  say(`2 ingest workers read ${simulator.streamQueueUrl}; pulls off`);

  // CPU of the two workers and of their database backends, from the enqueue on (start-up and migrations left out).
  const cpu = new CpuMeter();
  const workerPids = async () => {
    const { rows } = await db.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name <> $1',
      [CHECKS],
    );
    return [...WORKERS.map((name) => fleet.get(name).child.pid ?? -1), ...rows.map((r) => r.pid)];
  };
  cpu.start(await workerPids());
  const sampler = setInterval(
    () =>
      void workerPids().then(
        (pids) => cpu.sample(pids),
        () => undefined,
      ),
    500,
  );
  const enqueuedAt = Date.now();
  for (const body of mix.bodies) queue.send(body);
  say(
    `${mix.bodies.length} messages on the queue: ${mix.valid.length} valid (${mix.unknownAdvertisers.size} for advertisers never seen), ${mix.duplicates.length} duplicates, ${mix.malformed.length} malformed`,
  );

  // Midway: freeze worker 1 when it holds messages with unfinished claims, note them, kill it.
  const killAfter = Math.round(TOTAL * (0.3 + random() * 0.3));
  await Promise.race([
    fleet.failed,
    waitFor(`${killAfter} messages deleted`, 300_000, async () => (queue.deleted.length >= killAfter ? true : undefined), 20),
  ]);
  const victim = fleet.get(KILLED).child;
  let held: QueuedMessage[] = [];
  let abandonedClaims: string[] = [];
  for (let attempt = 1; ; attempt++) {
    victim.kill('SIGSTOP');
    // A delete the worker sent just before it stopped is still on the wire to the queue, which runs in this process:
    // let it arrive before the snapshot of what the worker holds.
    await sleep(50);
    cpu.sample(await workerPids());
    held = queue.inFlight().filter((m) => m.receivedBy === accessKeyOf(KILLED));
    const keys = held.map((m) => dedupKeyOf(m.body)).filter((key): key is string => key !== null);
    const { rows } = await db.query<{ dedup_key: string }>(
      'SELECT dedup_key FROM stream_messages WHERE dedup_key = ANY($1::text[]) AND processed_at IS NULL',
      [keys],
    );
    abandonedClaims = rows.map((r) => r.dedup_key);
    if (abandonedClaims.length > 0 || attempt >= 200) break;
    victim.kill('SIGCONT');
    await sleep(10);
  }
  await fleet.kill(KILLED);
  const killedAt = Date.now();
  const deletedByKilled = queue.deleted.filter((m) => m.deletedBy === accessKeyOf(KILLED)).length;
  say(
    `SIGKILL ${KILLED} after ${queue.deleted.length} deletes (${deletedByKilled} its own): it held ${held.length} messages in flight, ${abandonedClaims.length} of them claimed and not finished`,
  );
  if (abandonedClaims.length === 0) violations.push(`${KILLED} was never caught holding an unfinished claim: the kill proves less`);

  await Promise.race([fleet.failed, waitFor('the queue to be drained', 600_000, async () => (queue.size === 0 ? true : undefined), 100)]);
  const drainedAt = Date.now();
  clearInterval(sampler);
  cpu.sample(await workerPids());
  await Promise.all(deleteChecks);
  say(
    `queue drained ${((drainedAt - enqueuedAt) / 1000).toFixed(1)} s after the enqueue (${((drainedAt - killedAt) / 1000).toFixed(1)} s after the kill)`,
  );

  // Every message deleted once.
  const deletedIds = new Set(queue.deleted.map((m) => m.messageId));
  if (queue.deleted.length !== TOTAL || deletedIds.size !== TOTAL)
    violations.push(`${queue.deleted.length} deletes of ${deletedIds.size} messages; ${TOTAL} were sent`);

  // The killed worker's messages came back after their visibility timeout and were finished by the survivor.
  const byId = new Map(queue.deleted.map((m) => [m.messageId, m]));
  let finishedBeforeTheKill = 0;
  for (const message of held) {
    const final = byId.get(message.messageId);
    if (!final) violations.push(`${message.messageId}, held by ${KILLED} when killed, was never deleted`);
    // Deleted by the killed worker before it died: a delete it sent as it was frozen, after storing the message (every
    // delete is checked against the database as it arrives, above); nothing for the survivor to finish.
    else if (final.deletedBy === accessKeyOf(KILLED) && (final.deletedAt ?? 0) <= killedAt) finishedBeforeTheKill++;
    // Its visibility lapsed (at most VISIBILITY_SECONDS after the kill, its last extension being the killed worker's):
    // received again, by the survivor, and deleted by it.
    else if (final.deletedBy !== accessKeyOf(SURVIVOR) || final.receiveCount < 2 || (final.deletedAt ?? 0) < killedAt)
      violations.push(
        `${message.messageId}, held by ${KILLED}, was deleted by ${final.deletedBy} at receive ${final.receiveCount}, ${(final.deletedAt ?? 0) - killedAt} ms after the kill`,
      );
  }

  // Every unique valid message is one item; each claim processed once, with its item.
  const claims = await db.query<{ dedup_key: string; processed: boolean; recommendation_id: string | null }>(
    'SELECT dedup_key, processed_at IS NOT NULL AS processed, recommendation_id FROM stream_messages',
  );
  const claimKeys = new Set(claims.rows.map((r) => r.dedup_key));
  const lost = [...expectedKeys].filter((key) => !claimKeys.has(key as string));
  if (lost.length > 0) violations.push(`${lost.length} valid messages were never stored, e.g. ${lost[0]}`);
  const unfinished = claims.rows.filter((r) => !r.processed || !r.recommendation_id);
  if (unfinished.length > 0) violations.push(`${unfinished.length} claims unfinished or without an item, e.g. ${unfinished[0]?.dedup_key}`);
  if (claims.rows.length !== expectedKeys.size)
    violations.push(`${claims.rows.length} stream messages recorded; ${expectedKeys.size} unique were sent`);
  const items = await db.query<{ id: string; advertiser_id: string; advertiser_name: string | null; version: number }>(
    `SELECT id, advertiser_id, advertiser_name, version FROM recommendations WHERE source = 'marketing-stream'`,
  );
  const itemIds = new Set(claims.rows.map((r) => r.recommendation_id));
  if (items.rows.length !== expectedKeys.size || itemIds.size !== expectedKeys.size)
    violations.push(`${items.rows.length} items (${itemIds.size} distinct in the claims) for ${expectedKeys.size} unique valid messages`);
  const stored = items.rows.filter((item) => Number(item.version) !== 1);
  if (stored.length > 0) violations.push(`${stored.length} items were written more than once (version > 1), e.g. ${stored[0]?.id}`);
  const unknownItems = items.rows.filter((item) => mix.unknownAdvertisers.has(item.advertiser_id));
  if (unknownItems.length !== mix.unknownAdvertisers.size)
    violations.push(`${unknownItems.length} items for ${mix.unknownAdvertisers.size} messages of advertisers never seen`);

  // Every malformed body is one quarantine entry with its reason (each body of the mix is different, so one entry per
  // body is one per message); nothing valid was quarantined, as poison or otherwise.
  const quarantine = await db.query<{ reason: string }>(`SELECT reason FROM quarantine WHERE source = 'marketing-stream'`);
  const entriesPerBody = await Promise.all(
    mix.malformed.map(async (body) => {
      const parsed = parseRawDelivery(body, 0);
      const raw = JSON.stringify(parsed.status === 'invalid' ? parsed.raw : null);
      const { rows } = await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM quarantine WHERE source = 'marketing-stream' AND raw = $1::jsonb`,
        [raw],
      );
      return { body, entries: Number(rows[0]?.n ?? 0) };
    }),
  );
  const notQuarantined = entriesPerBody.filter((b) => b.entries === 0);
  if (notQuarantined.length > 0)
    violations.push(`${notQuarantined.length} malformed bodies not quarantined, e.g. ${notQuarantined[0]?.body}`);
  const twice = entriesPerBody.filter((b) => b.entries > 1);
  if (twice.length > 0) violations.push(`${twice.length} malformed bodies quarantined more than once, e.g. ${twice[0]?.body}`);
  if (quarantine.rows.length !== mix.malformed.length)
    violations.push(`${quarantine.rows.length} quarantine entries for ${mix.malformed.length} malformed bodies`);
  const withoutReason = quarantine.rows.filter((row) => !row.reason.trim()).length;
  if (withoutReason > 0) violations.push(`${withoutReason} quarantine entries without a reason`);

  // The survivor shuts down cleanly.
  const exits = await fleet.stopAll(60_000);
  for (const exit of exits)
    if (exit.code !== 0) violations.push(`${exit.name} did not shut down cleanly on SIGTERM (code ${exit.code}, signal ${exit.signal})`);
  violations.push(...fleet.unexpectedExits);
  await simulator.close();

  const redelivered = queue.deleted.filter((m) => m.receiveCount > 1).length;
  console.info(
    [
      '',
      'Stream fleet check (queue, database):',
      `  messages sent            ${TOTAL} (${mix.valid.length} valid, ${mix.duplicates.length} duplicates, ${mix.malformed.length} malformed)`,
      `  deleted                  ${queue.deleted.length} (${queue.deleted.filter((m) => m.deletedBy === accessKeyOf(KILLED)).length} by ${KILLED}, ${queue.deleted.filter((m) => m.deletedBy === accessKeyOf(SURVIVOR)).length} by ${SURVIVOR})`,
      `  deleted before stored    ${violations.filter((v) => v.startsWith('deleted before')).length}`,
      `  items                    ${items.rows.length} for ${expectedKeys.size} unique valid (${unknownItems.length} of advertisers never seen)`,
      `  lost                     ${lost.length}`,
      `  quarantined              ${quarantine.rows.length} for ${mix.malformed.length} malformed`,
      `  held by the killed one   ${held.length} (${abandonedClaims.length} claimed, unfinished): ${held.length - finishedBeforeTheKill} finished by ${SURVIVOR}, ${finishedBeforeTheKill} deleted by ${KILLED} as it was frozen`,
      `  received more than once  ${redelivered}`,
      `  enqueue → drained        ${((drainedAt - enqueuedAt) / 1000).toFixed(1)} s (${Math.round(TOTAL / ((drainedAt - enqueuedAt) / 1000))} messages/s; load average ${loadavg()[0]?.toFixed(1)} at the end)`,
      `  CPU of the workers       ${cpu.total().toFixed(1)} s with their database backends (${((cpu.total() * 1000) / TOTAL).toFixed(1)} ms a message)`,
      '',
    ].join('\n'),
  );
}

let failed = false;
try {
  await main();
} catch (error) {
  failed = true;
  console.error(`[stream fleet ${elapsed()}] the run stopped: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  await fleet.stopAll(5_000).catch(() => undefined);
}
if (violations.length > 0) {
  failed = true;
  console.error(
    `\n${violations.length} violation(s):\n${violations
      .slice(0, 30)
      .map((v) => `  - ${v}`)
      .join('\n')}`,
  );
}
if (failed) {
  for (const name of WORKERS) {
    try {
      console.error(`\n--- last lines of ${name} ---\n${fleet.tail(name, 15)}`);
    } catch {
      // not started
    }
  }
}
await db.end();
await database.drop();
console.info(`[stream fleet ${elapsed()}] ${failed ? 'FAILED' : 'passed'} (seed ${seed}; logs in ${logDir})`);
process.exit(failed ? 1 : 0);
