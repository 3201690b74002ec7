/**
 * The ingestion worker as a process of its own (`pnpm --filter @recdesk/bff worker:ingest`): the same runtime as the
 * server, without HTTP, running the scheduler. With SYNC_ON_START it first runs every enabled source once. On
 * SIGTERM / SIGINT it stops the schedules, lets the runs under way finish, then closes the database.
 *
 * Run it beside a server started with INGEST_EMBEDDED=false, on PostgreSQL (DATABASE_URL): a PGlite directory can
 * be opened by one process at a time, so on the embedded database the scheduler belongs inside the server.
 */
import { ConfigError, parseEnv } from '../config/env.ts';
import { serveWorkerMetrics } from '../observability/metrics-routes.ts';
import { startPerformanceJob } from '../performance/performance-job.ts';
import { exitGracefullyOn } from '../process/graceful-shutdown.ts';
import { createRuntime } from '../runtime.ts';

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
if (!env.DATABASE_URL) {
  runtime.log.warn('the ingest worker is using the embedded PGlite database: stop the server first, or set DATABASE_URL');
}
runtime.scheduler.start();
// Marketing Stream from its SQS queue (STREAM_SQS_QUEUE_URL): several workers share one queue without double items.
runtime.streamQueue?.start();
// Performance reports too, on PERFORMANCE_SYNC_SCHEDULE: they are ingestion.
const performanceJob = startPerformanceJob(runtime.performance.ingest, env.PERFORMANCE_SYNC_SCHEDULE, runtime.log);
// Alerts are evaluated here too (and after each of this worker's ingestions); evaluations in several processes agree.
runtime.observability.start();
const metricsServer = await serveWorkerMetrics(runtime.observability.metrics, env, runtime.log);

if (env.SYNC_ON_START) {
  // Through the scheduler, so that a stop waits for these runs too.
  for (const source of runtime.sync.sources) void runtime.scheduler.run(source, 'worker-start');
}

// close() stops the scheduler, waits for its runs, then closes the database; a second signal exits at once.
exitGracefullyOn(['SIGTERM', 'SIGINT'], {
  log: runtime.log,
  timeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  stop: async () => {
    metricsServer?.close();
    performanceJob.stop();
    await runtime.close();
  },
});
