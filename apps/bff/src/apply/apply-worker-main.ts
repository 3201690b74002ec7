/**
 * The apply worker as a process of its own (`pnpm --filter @recdesk/bff worker:apply`): the same runtime as the
 * server, without HTTP, taking apply chunks from the queue and sweeping for chunks whose worker died. Several may
 * run at once (and beside the server's own worker): each chunk is leased by one worker at a time.
 *
 * Run it on PostgreSQL (DATABASE_URL): a PGlite directory can be opened by one process at a time. In simulated mode,
 * point ADS_API_BASE_URL (and ADS_LWA_TOKEN_URL) at the server's simulator, or this process talks to its own.
 */
import { ConfigError, parseEnv } from '../config/env.ts';
import { serveWorkerMetrics } from '../observability/metrics-routes.ts';
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
  runtime.log.warn('the apply worker is using the embedded PGlite database: stop the server first, or set DATABASE_URL');
}
const worker = await runtime.apply.startWorker();
runtime.log.info({ worker: worker.id }, 'apply worker started');
const metricsServer = await serveWorkerMetrics(runtime.observability.metrics, env, runtime.log);

// Stops taking chunks, lets the chunks under way finish, then closes the pools; a second signal or
// SHUTDOWN_TIMEOUT_MS exits at once (a chunk cut short keeps its lease until it runs out, then another worker takes it).
exitGracefullyOn(['SIGTERM', 'SIGINT'], {
  log: runtime.log,
  timeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  stop: async () => {
    metricsServer?.close();
    await runtime.close();
  },
});
