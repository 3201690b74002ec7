/**
 * The performance sync on PERFORMANCE_SYNC_SCHEDULE (cron, UTC; 'off' disables it), in the process that runs ingestion
 * (the server when INGEST_EMBEDDED, else the ingest worker). Ticking often is cheap: a window already requested
 * today is never requested again, so a tick after the day's reports are stored makes one profiles call and no report
 * request; a tick while reports are pending polls them on. croner's `protect` skips a tick while a run goes on.
 */
import { Cron } from 'croner';
import type { Logger } from 'pino';
import type { PerformanceIngest } from './performance-ingest.ts';

export function startPerformanceJob(ingest: PerformanceIngest, schedule: string, log: Logger): { stop(): void } {
  if (schedule === 'off') return { stop: () => undefined };
  const job = new Cron(schedule, { protect: true, name: 'performance-sync' }, async () => {
    try {
      await ingest.sync({ trigger: 'schedule' });
    } catch (error) {
      log.error({ err: error }, 'the performance sync failed; it runs again on its next tick');
    }
  });
  return { stop: () => job.stop() };
}
