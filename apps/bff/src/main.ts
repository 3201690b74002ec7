/**
 * The BFF process: reads the configuration, builds the runtime, serves the API and the dashboard, and shuts down
 * gracefully on SIGTERM / SIGINT (stop taking requests, then close the database and the simulator).
 */
import { createApp } from './app.ts';
import { demoUsersBanner } from './auth/auth.ts';
import { ConfigError, parseEnv } from './config/env.ts';
import { embeddedIngestEnabled } from './ingest/scheduler.ts';
import { startExpiryJob } from './lifecycle/expiry-job.ts';
import { createRuntime, VERSION, WEB_DIST_DIR } from './runtime.ts';

let env: ReturnType<typeof parseEnv>;
try {
  env = parseEnv(process.env);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

const runtime = await createRuntime(env);
const app = createApp({
  db: runtime.db,
  log: runtime.log,
  tokens: runtime.tokens,
  store: runtime.store,
  sync: runtime.sync,
  quarantine: runtime.quarantine,
  sourceStatus: runtime.sourceStatus,
  stream: runtime.stream,
  lifecycle: runtime.lifecycle,
  guardrails: runtime.guardrails,
  conflicts: runtime.conflicts,
  apply: runtime.apply,
  rules: runtime.rules,
  auth: runtime.auth,
  adsApiMode: env.ADS_API_MODE,
  version: VERSION,
  webDistDir: WEB_DIST_DIR,
});
const server = app.listen(env.PORT, env.HOST, () => {
  runtime.log.info(`RecDesk is serving the dashboard at http://localhost:${env.PORT} (${env.ADS_API_MODE} Ads API)`);
  // Printed once, on the first run of the embedded default: the documented demo sign-ins.
  if (runtime.createdDemoUsers.length > 0) process.stdout.write(`${demoUsersBanner(runtime.createdDemoUsers)}\n`);
});

// Each source on its own cadence, here unless a worker process runs them (INGEST_EMBEDDED; on in simulated mode).
// runtime.close() stops it and waits for the runs under way.
if (embeddedIngestEnabled(env)) runtime.scheduler.start();

// The apply worker runs in the server too; `worker:apply` processes share its batches through the queue and leases.
await runtime.apply.startWorker();

// Moves recommendations past their expiry to `expired`, on EXPIRY_JOB_SCHEDULE.
const expiryJob = startExpiryJob(runtime.lifecycle, runtime.lifecycleConfig.expiryJobSchedule, runtime.log);

if (env.SYNC_ON_START) {
  runtime.sync.sync({ trigger: 'start' }).catch((error: unknown) => runtime.log.error({ err: error }, 'initial sync failed'));
}

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  runtime.log.info({ signal }, 'shutting down');
  server.close();
  server.closeIdleConnections();
  expiryJob.stop();
  await runtime.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
