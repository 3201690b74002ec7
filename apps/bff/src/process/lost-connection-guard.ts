/**
 * Keeps a process alive through a PostgreSQL restart. pg-boss (10.4) reports a job's outcome without awaiting it
 * (`complete`/`fail` in its worker loop): when the server is away at that moment the rejection is unhandled, and
 * Node ends the process. A lost connection is not a reason to die — the pools reconnect and the apply chunks are
 * leased, so the work resumes — so such rejections are logged; any other unhandled rejection still ends the process.
 * Installed once per process by the runtime on a PostgreSQL server.
 */
import type { Logger } from 'pino';

/** Node's socket errors and PostgreSQL's connection-exception / admin-shutdown SQLSTATEs. */
const LOST_CONNECTION_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
]);
const LOST_CONNECTION_MESSAGE =
  /Connection terminated|connection timeout|Client has encountered a connection error|Connection ended|the database system is (shutting down|starting up)/i;

export function isLostConnection(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return (typeof code === 'string' && LOST_CONNECTION_CODES.has(code)) || LOST_CONNECTION_MESSAGE.test(error.message);
}

let installed = false;

export function surviveLostConnections(log: Logger): void {
  if (installed) return;
  installed = true;
  process.on('unhandledRejection', (reason) => {
    if (!isLostConnection(reason)) throw reason;
    log.warn({ err: (reason as Error).message }, 'a database call failed on a lost connection; the pools reconnect and the work resumes');
  });
}
