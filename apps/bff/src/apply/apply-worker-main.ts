/**
 * The apply worker as a process of its own (`pnpm --filter @recdesk/bff worker:apply`): the same runtime as the
 * server, without HTTP, taking apply chunks from the queue and sweeping for chunks whose worker died. Several may
 * run at once (and beside the server's own worker): each chunk is leased by one worker at a time.
 *
 * Run it on PostgreSQL (DATABASE_URL): a PGlite directory can be opened by one process at a time. In simulated mode,
 * point ADS_API_BASE_URL (and ADS_LWA_TOKEN_URL) at the server's simulator, or this process talks to its own.
 */
import { ConfigError, parseEnv } from '../config/env.ts';
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
const worker = await runtime.apply.startWorker({ concurrency: 4 });
runtime.log.info({ worker: worker.id }, 'apply worker started');

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  runtime.log.info({ signal }, 'apply worker stopping');
  await runtime.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
