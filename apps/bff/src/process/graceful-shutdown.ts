/**
 * Graceful shutdown of a RecDesk process (the server and both workers): the first SIGTERM or SIGINT runs `stop`
 * (stop taking work, finish or hand back what is under way, close the pools) and exits 0 when it is done; if it is
 * not done within SHUTDOWN_TIMEOUT_MS, or a second signal comes, the process exits at once with 1. Work cut short that
 * way is not lost: apply chunks are leased and taken again by another worker when the lease runs out, and a source
 * run is simply run again.
 */
import type { Logger } from 'pino';

export interface ShutdownOptions {
  log: Logger;
  timeoutMs: number;
  /** Stops the process's work and closes its resources; the process exits when it resolves. */
  stop: (signal: NodeJS.Signals) => Promise<void>;
  /** Tests replace process.exit. */
  exit?: (code: number) => void;
}

export function exitGracefullyOn(signals: readonly NodeJS.Signals[], options: ShutdownOptions): void {
  const onSignal = shutdownHandler(options);
  for (const signal of signals) process.on(signal, onSignal);
}

/** What a signal does: the first stops gracefully (bounded by the timeout), any further one exits at once. */
export function shutdownHandler(options: ShutdownOptions): (signal: NodeJS.Signals) => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  return (signal: NodeJS.Signals) => {
    if (stopping) {
      options.log.warn({ signal }, 'second signal: exiting now, without waiting for the work under way');
      exit(1);
      return;
    }
    stopping = true;
    options.log.info({ signal, timeoutMs: options.timeoutMs }, 'shutting down: no new work, waiting for the work under way');
    const timer = setTimeout(() => {
      options.log.warn({ timeoutMs: options.timeoutMs }, 'shutdown took longer than SHUTDOWN_TIMEOUT_MS: exiting now');
      exit(1);
    }, options.timeoutMs);
    options.stop(signal).then(
      () => {
        clearTimeout(timer);
        options.log.info('shut down');
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(timer);
        options.log.error({ err: error }, 'shutdown failed');
        exit(1);
      },
    );
  };
}
