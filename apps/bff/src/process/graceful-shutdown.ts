/**
 * Graceful shutdown of a RecDesk process (the server and both workers): the first SIGTERM or SIGINT runs `stop`
 * (stop taking work, finish or hand back what is under way, close the pools) and exits 0 when it is done; if it is
 * not done within SHUTDOWN_TIMEOUT_MS, or a second signal comes (more than SAME_SIGNAL_WINDOW_MS after the first:
 * copies of one Ctrl+C passed on by npm and pnpm come sooner), the process exits at once with 1. Work cut short that
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
  /** Tests replace the clock. */
  now?: () => number;
}

/**
 * One Ctrl+C can arrive more than once: the terminal signals every process of its group, and the wrappers on the
 * way (npm, pnpm, npx) pass it on to their child too. Copies within this window are that one press, not a second.
 */
export const SAME_SIGNAL_WINDOW_MS = 1_500;

export function exitGracefullyOn(signals: readonly NodeJS.Signals[], options: ShutdownOptions): void {
  const onSignal = shutdownHandler(options);
  for (const signal of signals) process.on(signal, onSignal);
}

/** What a signal does: the first stops gracefully (bounded by the timeout), any further one exits at once. */
export function shutdownHandler(options: ShutdownOptions): (signal: NodeJS.Signals) => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const now = options.now ?? Date.now;
  let stopping = false;
  let firstAt = 0;
  return (signal: NodeJS.Signals) => {
    if (stopping && now() - firstAt < SAME_SIGNAL_WINDOW_MS) {
      options.log.debug({ signal }, 'the same signal again, passed on by a wrapper: still shutting down');
      return;
    }
    if (stopping) {
      options.log.warn({ signal }, 'second signal: exiting now, without waiting for the work under way');
      exit(1);
      return;
    }
    stopping = true;
    firstAt = now();
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
