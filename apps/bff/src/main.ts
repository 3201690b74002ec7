/**
 * The BFF process: reads the configuration, builds the runtime, serves the API and the dashboard, and shuts down
 * gracefully on SIGTERM / SIGINT: stop taking requests and finish those under way, let the sync, ingestion runs and
 * apply chunks under way finish, then close the database and the simulator; a second signal, or SHUTDOWN_TIMEOUT_MS,
 * exits at once (src/process/graceful-shutdown.ts).
 */
import { createAppFor } from './app.ts';
import { DEMO_USERS, demoUsersBanner } from './auth/auth.ts';
import { ConfigError, parseEnv } from './config/env.ts';
import { startImpactJob } from './impact/impact-job.ts';
import { embeddedIngestEnabled } from './ingest/scheduler.ts';
import { startExpiryJob } from './lifecycle/expiry-job.ts';
import { isHumanConsole, startupSummary } from './observability/console-printer.ts';
import { startPerformanceJob } from './performance/performance-job.ts';
import { exitGracefullyOn } from './process/graceful-shutdown.ts';
import { releaseHeldSignal } from './process/hold-signals.ts';
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
const app = createAppFor(runtime, { version: VERSION, webDistDir: WEB_DIST_DIR });
const humanConsole = isHumanConsole(env.LOG_FORMAT, Boolean(process.stdout.isTTY));
const server = app.listen(env.PORT, env.HOST, () => {
  const url = `http://localhost:${env.PORT}`;
  runtime.log.info(`RecDesk is serving the dashboard at ${url} (${env.ADS_API_MODE} Ads API)`);
  if (humanConsole) {
    process.stdout.write(
      `${startupSummary({
        url,
        adsApiMode: env.ADS_API_MODE,
        demoUsers: runtime.createdDemoUsers.length > 0 ? runtime.createdDemoUsers : DEMO_USERS,
        demoUsersCreatedNow: runtime.createdDemoUsers.length > 0,
        streamConfigured: Boolean(env.STREAM_SHARED_SECRET) || runtime.streamQueue !== null,
        color: Boolean(process.stdout.hasColors?.()),
      })}\n`,
    );
  }
  // Printed once, on the first run of the embedded default: the documented demo sign-ins.
  else if (runtime.createdDemoUsers.length > 0) process.stdout.write(`${demoUsersBanner(runtime.createdDemoUsers)}\n`);
});

// Each source on its own cadence, here unless a worker process runs them (INGEST_EMBEDDED; on in simulated mode).
// runtime.close() stops it and waits for the runs under way.
if (embeddedIngestEnabled(env)) runtime.scheduler.start();
// Marketing Stream from its SQS queue (the simulator's on the embedded default), where ingestion runs.
if (embeddedIngestEnabled(env)) runtime.streamQueue?.start();

// Alert conditions are evaluated on ALERTS_EVALUATE_SCHEDULE (and after every ingestion); runtime.close() stops it.
runtime.observability.start();

// The apply worker runs in the server too unless APPLY_EMBEDDED=false; `worker:apply` processes share its batches
// through the queue and leases (and are the only ones that apply when the server runs without one).
if (env.APPLY_EMBEDDED) await runtime.apply.startWorker();
else runtime.log.info('no apply worker in this server (APPLY_EMBEDDED=false): worker:apply processes apply the batches');

// Moves recommendations past their expiry to `expired`, on EXPIRY_JOB_SCHEDULE.
const expiryJob = startExpiryJob(runtime.lifecycle, runtime.lifecycleConfig.expiryJobSchedule, runtime.log);

// Measures applied changes whose windows have passed and feeds their effectiveness back into priority.
const impactJob = startImpactJob(runtime.impact, env.IMPACT_JOB_SCHEDULE, runtime.log);

// Performance reports on PERFORMANCE_SYNC_SCHEDULE, where ingestion runs (else the ingest worker runs them).
const performanceJob = embeddedIngestEnabled(env)
  ? startPerformanceJob(runtime.performance.ingest, env.PERFORMANCE_SYNC_SCHEDULE, runtime.log)
  : { stop: () => undefined };
if (env.SYNC_ON_START && embeddedIngestEnabled(env)) {
  runtime.performance.ingest
    .sync({ trigger: 'start' })
    .catch((error: unknown) => runtime.log.error({ err: error }, 'initial performance sync failed'));
}

const initialSync = env.SYNC_ON_START
  ? runtime.sync.sync({ trigger: 'start' }).then(
      () => undefined,
      (error: unknown) => runtime.log.error({ err: error }, 'initial sync failed'),
    )
  : Promise.resolve();

exitGracefullyOn(['SIGTERM', 'SIGINT'], {
  log: runtime.log,
  timeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  stop: async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    // A start-up sync still under way finishes its current source only: the rest run at the next start.
    runtime.sync.stopStartingSources();
    expiryJob.stop();
    impactJob.stop();
    performanceJob.stop();
    await closed;
    await initialSync;
    await runtime.close();
  },
});
// A Ctrl+C while starting up was held (src/process/hold-signals.ts): the graceful shutdown is ready for it now.
const heldSignal = releaseHeldSignal();
if (heldSignal) process.kill(process.pid, heldSignal);
