/**
 * `pnpm test:fleet`: RecDesk as a fleet of real processes on one PostgreSQL server, through a morning with failures.
 *
 * A fresh database on the server of TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), the standalone
 * simulator sized for the morning (SIMULATOR_BULK_PO_ROWS), and 2 `bff` servers, 2 `worker:ingest` and 2
 * `worker:apply` started at the same moment (so six processes migrate the empty database together). Then, through the
 * servers' HTTP API: sign in, the workers' start-up sync and one more sync through a server, approve 2,000 items,
 * create an auto-apply rule in `on` mode and sync so that it acts, apply the 2,000 in batches of 500 — while an apply
 * worker and a server are killed (SIGKILL) at random moments and started again, and the API is called throughout: the
 * server that was not killed must answer every call. At the end every process gets SIGTERM and must exit 0 (graceful
 * shutdown), and the simulator's ledger is checked against the database: nothing applied twice, nothing lost, nothing
 * applied that nobody allowed, every allowed item final or resumable. Exits 1 on any violation.
 *
 * FLEET_SEED fixes the random moments (printed, so a failing run can be repeated); FLEET_KEEP_DATABASE=true keeps
 * the database for a look afterwards; logs of each process are kept in the directory printed at the end.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '@recdesk/ads-simulator/faults';
import {
  ApplyAcceptedSchema,
  ApplyBatchSchema,
  BulkActionResultSchema,
  type Recommendation,
  RecommendationPageSchema,
  RuleSchema,
  SourcesResponseSchema,
  SyncSummarySchema,
} from '@recdesk/shared-types';
import { z } from 'zod';
import { ApiError, FleetApi } from './fleet-api.ts';
import { admin, createFleetDatabase, fleetServerUrl as serverUrl } from './fleet-database.ts';
import { Fleet, freePort, type ProcessSpec, sleep, waitFor } from './fleet-processes.ts';
import { type AllowedItem, checkLedger } from './ledger-check.ts';

const ITEMS = 2_000;
const BATCH = 500;
/** More rows than the approvals, so that the rule has items of its own to take. */
const BULK_ROWS = ITEMS + 100;
const ADMIN = { email: 'fleet-admin@recdesk.test', password: 'fleet-admin-password' };

const here = path.dirname(fileURLToPath(import.meta.url));
const bffDir = path.resolve(here, '..');
const simulatorDir = path.resolve(here, '../../../packages/ads-simulator');
const seed = Number(process.env.FLEET_SEED ?? Math.floor(Math.random() * 1_000_000));
const random = seededRandom(seed);
const between = (min: number, max: number) => min + random() * (max - min);
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
const say = (message: string) => console.info(`[fleet ${elapsed()}] ${message}`);

const violations: string[] = [];
const logDir = mkdtempSync(path.join(tmpdir(), 'recdesk-fleet-'));
const fleet = new Fleet(logDir);
const database = await createFleetDatabase('recdesk_fleet');
const databaseUrl = database.url;

async function startSimulator(): Promise<string> {
  const port = await freePort();
  fleet.start({
    name: 'simulator',
    cwd: simulatorDir,
    entry: 'src/main.ts',
    env: { PATH: process.env.PATH ?? '', PORT: String(port), SIMULATOR_BULK_PO_ROWS: String(BULK_ROWS) },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor('the simulator', 120_000, async () => ((await fetch(`${url}/_simulator/ledger`)).ok ? true : undefined));
  return url;
}

function specs(simulatorUrl: string, ports: [number, number]): ProcessSpec[] {
  const common: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '5',
    ADS_API_MODE: 'simulated',
    ADS_SIMULATOR_URL: simulatorUrl,
    SESSION_SECRET: randomBytes(32).toString('hex'),
    RECDESK_ADMIN_EMAIL: ADMIN.email,
    RECDESK_ADMIN_PASSWORD: ADMIN.password,
    API_RATE_LIMIT_PER_MINUTE: '100000',
    INGEST_EMBEDDED: 'false',
    SHUTDOWN_TIMEOUT_MS: '60000',
    // A killed worker's chunk comes back when its lease runs out: 15 s instead of the default minute, so the run
    // waits that long for it (the live workers renew theirs every 5 s).
    APPLY_LEASE_MS: '15000',
  };
  const server = (n: number, port: number): ProcessSpec => ({
    name: `bff-${n}`,
    cwd: bffDir,
    entry: 'src/main.ts',
    env: { ...common, PORT: String(port), HOST: '127.0.0.1', SYNC_ON_START: 'false' },
  });
  const ingest = (n: number): ProcessSpec => ({
    name: `ingest-${n}`,
    cwd: bffDir,
    entry: 'src/ingest/ingest-worker-main.ts',
    // Both run every source once at start: two ingestion workers on the same data at the same time.
    env: { ...common, SYNC_ON_START: 'true' },
  });
  const apply = (n: number): ProcessSpec => ({
    name: `apply-${n}`,
    cwd: bffDir,
    entry: 'src/apply/apply-worker-main.ts',
    env: { ...common, SYNC_ON_START: 'false' },
  });
  return [server(1, ports[0]), server(2, ports[1]), ingest(1), ingest(2), apply(1), apply(2)];
}

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

/** Every page of a list query. */
async function listAll(api: FleetApi, query: string): Promise<Recommendation[]> {
  const items: Recommendation[] = [];
  let cursor: string | null = null;
  do {
    const page: z.infer<typeof RecommendationPageSchema> = await api.call(
      'GET',
      `/api/recommendations?${query}&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      RecommendationPageSchema,
    );
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

async function main(): Promise<void> {
  say(`seed ${seed}; database ${database.name} on ${new URL(serverUrl).host}; logs in ${logDir}`);

  const simulatorUrl = await startSimulator();
  say(`simulator at ${simulatorUrl} with ${BULK_ROWS} bulk Partner Opportunity rows`);

  const ports: [number, number] = [await freePort(), await freePort()];
  const servers = ports.map((port, i) => new FleetApi(`bff-${i + 1}`, `http://127.0.0.1:${port}`));
  // All six at the same moment, on an empty database: the migrations must run once, and the first admin be made once.
  for (const spec of specs(simulatorUrl, ports)) fleet.start(spec);
  await Promise.race([
    fleet.failed,
    Promise.all(servers.map((s) => waitFor(`${s.name} to answer`, 240_000, async () => ((await healthy(s.baseUrl)) ? true : undefined)))),
  ]);
  const migrations = await admin(databaseUrl, async (client) => {
    const rows = await client.query<{ name: string; n: string }>('SELECT name, count(*) AS n FROM kysely_migration GROUP BY name');
    return rows.rows;
  });
  if (migrations.some((m) => Number(m.n) !== 1)) violations.push(`a migration was recorded more than once: ${JSON.stringify(migrations)}`);
  say(`6 processes started together: ${migrations.length} migrations, each applied once`);

  const [a, b] = servers as [FleetApi, FleetApi];
  await a.signIn(ADMIN.email, ADMIN.password);
  a.shareSessionWith(b);

  // The morning's sync: both ingestion workers ran every source at start; wait for those runs, then sync again
  // through a server (it finds the same items, changes nothing).
  await waitFor('the start-up sync of the ingestion workers', 240_000, async () => {
    const { sources } = await b.call('GET', '/api/sources', SourcesResponseSchema);
    const po = sources.find((s) => s.source === 'partner-opportunities');
    const busy = sources.some((s) => s.enabled && s.delivery === 'scheduled' && (!s.lastRun || s.lastRun.status === 'running'));
    return po?.lastSuccessAt && (po.counts.recommendations ?? 0) >= BULK_ROWS && !busy ? true : undefined;
  });
  const sync = await b.call('POST', '/api/sync?source=partner-opportunities', SyncSummarySchema, undefined, 120_000);
  say(`synced: ${sync.sources.map((s) => `${s.source} ${s.status} (${s.fetched} fetched, ${s.unchanged} unchanged)`).join(', ')}`);

  // Approve 2,000 applicable items (in bulk, 1,000 per request, one request per server).
  const candidates = (await listAll(a, 'source=partner-opportunities&status=validated&conflicted=false')).filter((r) => r.applicable);
  if (candidates.length < ITEMS) throw new Error(`only ${candidates.length} applicable validated items after the sync; need ${ITEMS}`);
  const chosen = candidates.slice(0, ITEMS);
  // Approved in bulk requests of 250, four at a time on each server: a morning's approvals come from many people.
  const approvedIds: string[] = [];
  const slices = Array.from({ length: Math.ceil(ITEMS / 250) }, (_, n) => chosen.slice(n * 250, n * 250 + 250));
  const results = await Promise.all(
    slices.map((slice, n) =>
      (n % 2 === 0 ? a : b).call(
        'POST',
        '/api/recommendations/bulk',
        BulkActionResultSchema,
        { action: 'approve', ids: slice.map((r) => r.id), versions: slice.map((r) => r.version) },
        300_000,
      ),
    ),
  );
  for (const result of results) approvedIds.push(...result.results.filter((r) => r.outcome === 'done').map((r) => r.id));
  if (approvedIds.length !== ITEMS) violations.push(`approved ${approvedIds.length} of ${ITEMS}`);
  say(`approved ${approvedIds.length}`);

  // An auto-apply rule in `on` mode, acting after the next ingestion on items nobody approved by hand.
  const rule = await a.call(
    'POST',
    '/api/rules',
    RuleSchema,
    {
      name: 'Fleet: confident budget changes',
      expression: 'confidence > 0.5',
      scope: { advertiserIds: [], sources: ['partner-opportunities'] },
      mode: 'on',
      limits: { maxItemsPerRun: 40, maxItemsPerDay: 40, maxSpendChangePerRun: 100_000, maxSpendChangePerDay: 100_000 },
    },
    60_000,
  );
  await b.call('POST', '/api/sync?source=partner-opportunities', SyncSummarySchema, undefined, 120_000);
  say(`rule ${rule.id} (on) created; sync run so that it acts`);

  // Apply in batches while a worker and a server die at random moments; the API is called throughout.
  const dead = new Set<string>();
  const probes = { ok: 0, failedOnSurvivor: 0, failedOnKilled: 0 };
  let probing = true;
  const batchIds: string[] = [];
  const probe = (async () => {
    while (probing) {
      await Promise.all(
        servers.map(async (server) => {
          const wasDead = dead.has(server.name);
          try {
            const path = batchIds.length > 0 ? `/api/apply/${batchIds[batchIds.length - 1]}` : '/api/sources';
            await server.call('GET', path, z.unknown(), undefined, 60_000);
            probes.ok++;
          } catch (error) {
            if (wasDead || dead.has(server.name)) probes.failedOnKilled++;
            else {
              probes.failedOnSurvivor++;
              violations.push(`${server.name} (not killed) failed to answer at ${elapsed()}: ${(error as Error).message}`);
            }
          }
        }),
      );
      await sleep(200);
    }
  })();

  const live = () => servers.find((s) => !dead.has(s.name)) as FleetApi;
  const killWorker = (async () => {
    await sleep(between(1_000, 5_000));
    const name = random() < 0.5 ? 'apply-1' : 'apply-2';
    say(`SIGKILL ${name}`);
    await fleet.kill(name);
    await sleep(between(500, 3_000));
    fleet.restart(name);
    say(`${name} started again`);
  })();
  const killServer = (async () => {
    await sleep(between(1_500, 6_000));
    const victim = random() < 0.5 ? a : b;
    dead.add(victim.name);
    say(`SIGKILL ${victim.name}`);
    await fleet.kill(victim.name);
    await sleep(between(1_000, 4_000));
    fleet.restart(victim.name);
    await waitFor(`${victim.name} to answer again`, 180_000, async () => ((await healthy(victim.baseUrl)) ? true : undefined));
    dead.delete(victim.name);
    say(`${victim.name} started again and answers`);
  })();

  for (let start = 0; start < approvedIds.length; start += BATCH) {
    const ids = approvedIds.slice(start, start + BATCH);
    const outcome = await applyThroughLiveServer(live, ids);
    if (outcome.accepted === null) {
      say(`batch of ${ids.length}: all ${outcome.alreadyQueued} already queued by the killed server's request`);
    } else {
      const { accepted, retried } = outcome;
      batchIds.push(accepted.batchId);
      // A server killed while it answered may have queued part of the request (a batch's first chunk is queued before
      // the rest is written): asked again, those items are refused as already queued, and the ledger check below
      // proves that they were applied once all the same. Any other refusal of an approved item is a fault.
      const wrong = accepted.refused.filter((r) => !(retried && r.code === 'already_queued'));
      if (wrong.length > 0) violations.push(`batch ${accepted.batchId} refused ${wrong.length} approved items (${wrong[0]?.code})`);
      if (accepted.refused.length > wrong.length)
        say(`batch ${batchIds.length}: ${accepted.refused.length - wrong.length} already queued by the killed server's request`);
      say(`batch ${batchIds.length}: ${accepted.queued} queued (${accepted.batchId})`);
    }
    await sleep(between(300, 2_000));
  }
  await Promise.all([killWorker, killServer]);

  // Every batch in the database finishes: ours, the rule's, and any a killed server queued before its answer reached
  // us. A killed worker's chunks come back when their lease runs out.
  const { allBatches, ruleBatches } = await admin(databaseUrl, async (client) => {
    const rows = await client.query<{ id: string; actor_type: string }>('SELECT id, actor_type FROM apply_batches');
    return { allBatches: rows.rows.map((r) => r.id), ruleBatches: rows.rows.filter((r) => r.actor_type === 'rule') };
  });
  const unknown = allBatches.filter((id) => !batchIds.includes(id) && !ruleBatches.some((r) => r.id === id));
  if (unknown.length > 0) say(`${unknown.length} batch(es) queued by a killed server's request, waited for too`);
  const unfinished = await waitFor(
    'every apply batch to finish',
    300_000,
    async () => {
      const states = await Promise.all(allBatches.map((id) => live().call('GET', `/api/apply/${id}`, ApplyBatchSchema, undefined, 20_000)));
      return states.every((s) => s.finished) ? [] : undefined;
    },
    1_000,
  ).catch((error: Error) => [error.message]);
  violations.push(...unfinished);
  probing = false;
  await probe;
  say(
    `batches finished: ${allBatches.length} (${ruleBatches.length} by the rule); API probes ${probes.ok} answered, ${probes.failedOnKilled} failed on a killed server, ${probes.failedOnSurvivor} failed on a survivor`,
  );
  if (probes.ok === 0) violations.push('no API call answered during the run');

  // The ledger check.
  const rows = await admin(databaseUrl, async (client) => {
    const result = await client.query<{
      id: string;
      source_recommendation_id: string;
      status: string;
      by_rule: boolean;
      open_chunk: boolean;
    }>(
      `SELECT r.id, r.source_recommendation_id, r.status,
              EXISTS (SELECT 1 FROM apply_items i JOIN apply_batches bt ON bt.id = i.batch_id
                       WHERE i.recommendation_id = r.id AND bt.actor_type = 'rule') AS by_rule,
              EXISTS (SELECT 1 FROM apply_items i JOIN apply_chunks c ON c.id = i.chunk_id
                       WHERE i.recommendation_id = r.id AND NOT c.done) AS open_chunk
         FROM recommendations r
        WHERE r.id = ANY($1::uuid[])
           OR EXISTS (SELECT 1 FROM apply_items i JOIN apply_batches bt ON bt.id = i.batch_id
                       WHERE i.recommendation_id = r.id AND bt.actor_type = 'rule')`,
      [approvedIds],
    );
    return result.rows;
  });
  const items: AllowedItem[] = rows.map((r) => ({
    id: r.id,
    upstreamKey: r.source_recommendation_id,
    by: approvedIds.includes(r.id) ? 'person' : 'rule',
    status: r.status,
    inOpenChunk: r.open_chunk,
  }));
  const entries = z.array(z.object({ api: z.string(), key: z.string() }));
  const { ledger, refusedRepeats } = z
    .object({ ledger: entries, refusedRepeats: entries })
    .parse(await (await fetch(`${simulatorUrl}/_simulator/ledger`)).json());
  const check = checkLedger(items, ledger, 'partnerOpportunities.apply', refusedRepeats);
  violations.push(...check.violations);

  // Graceful shutdown: SIGTERM to every process; each must finish and exit 0.
  const exits = await fleet.stopAll(90_000);
  for (const exit of exits) {
    if (exit.code !== 0) violations.push(`${exit.name} did not shut down cleanly on SIGTERM (code ${exit.code}, signal ${exit.signal})`);
  }
  violations.push(...fleet.unexpectedExits);

  console.info(
    [
      '',
      'Ledger check (RecDesk database against the simulator ledger):',
      `  approved by a person   ${check.approved}`,
      `  allowed by the rule    ${check.allowedByRule}`,
      `  applied                ${check.applied}`,
      `  failed                 ${check.failed}`,
      `  drifted                ${check.drifted}`,
      `  resumable              ${check.resumable}`,
      `  in ledger              ${check.inLedger}`,
      `  duplicates             ${check.duplicates}`,
      `  sent twice (refused)   ${check.sentTwice}`,
      `  lost                   ${check.lost}`,
      `  applied without leave  ${check.notAllowed}`,
      `  stuck                  ${check.stuck}`,
      `  processes shut down    ${exits.filter((e) => e.code === 0).length} of ${exits.length} with exit code 0 on SIGTERM`,
      '',
    ].join('\n'),
  );
}

/** What asking to apply a batch came to: a batch queued by this request, or all of it queued already by a request the
 * killed server took before it died (its batch id never reached us). */
type ApplyOutcome =
  | { accepted: z.infer<typeof ApplyAcceptedSchema>; retried: boolean }
  | { accepted: null; retried: true; alreadyQueued: number };

const RefusedAllSchema = z.object({ refused: z.array(z.object({ code: z.string() })).min(1) });

async function applyThroughLiveServer(live: () => FleetApi, ids: string[]): Promise<ApplyOutcome> {
  // A server killed between choosing it and its answer: the request is not known to have been taken, so ask again;
  // the apply endpoint refuses an item already queued (already_queued), so asking twice never queues twice.
  for (let attempt = 1; ; attempt++) {
    const api = live();
    try {
      return { accepted: await api.call('POST', '/api/apply', ApplyAcceptedSchema, { ids }, 120_000), retried: attempt > 1 };
    } catch (error) {
      // Asked again after a server died: if that server had queued the whole batch, every item is refused as already
      // queued (409). That batch is applied all the same; the wait below takes every batch in the database.
      const refused = error instanceof ApiError && error.status === 409 ? RefusedAllSchema.safeParse(error.body) : null;
      if (attempt > 1 && refused?.success && refused.data.refused.every((r) => r.code === 'already_queued'))
        return { accepted: null, retried: true, alreadyQueued: refused.data.refused.length };
      if (attempt >= 5) throw error;
      say(`apply through ${api.name} failed (${(error as Error).message.slice(0, 120)}); asking another server`);
      await sleep(500);
    }
  }
}

let failed = false;
try {
  await main();
} catch (error) {
  failed = true;
  console.error(`[fleet ${elapsed()}] the run stopped: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  await fleet.stopAll(5_000).catch(() => undefined);
}
if (violations.length > 0) failed = true;
if (failed) {
  for (const name of ['bff-1', 'bff-2', 'ingest-1', 'ingest-2', 'apply-1', 'apply-2', 'simulator']) {
    try {
      console.error(`\n--- last lines of ${name} ---\n${fleet.tail(name, 15)}`);
    } catch {
      // not started
    }
  }
}
// The violations last, after the processes' logs: the end of the output is what a reader sees first.
if (violations.length > 0) console.error(`\n${violations.length} violation(s):\n${violations.map((v) => `  - ${v}`).join('\n')}`);
await database.drop();
console.info(`[fleet ${elapsed()}] ${failed ? 'FAILED' : 'passed'} (seed ${seed}; logs in ${logDir}; run ${randomUUID().slice(0, 8)})`);
process.exit(failed ? 1 : 0);
