/**
 * The lifecycle's background job, on the cron schedule EXPIRY_JOB_SCHEDULE ('off' disables it): moves recommendations
 * past their expiry to `expired` (each with its event), then validates and checks for conflicts whatever was stored
 * outside a sync since the last tick (Marketing Stream messages arrive one by one). croner's `protect` skips a tick
 * while the previous run is still going. Started by main.ts, stopped on shutdown.
 */
import { Cron } from 'croner';
import type { Logger } from 'pino';
import type { LifecycleService } from './lifecycle-service.ts';

export function startExpiryJob(lifecycle: LifecycleService, schedule: string, log: Logger): { stop(): void } {
  if (schedule === 'off') return { stop: () => undefined };
  const job = new Cron(schedule, { protect: true, name: 'expire-recommendations' }, async () => {
    try {
      await lifecycle.expireDue();
      await lifecycle.afterIngest();
    } catch (error) {
      log.error({ err: error }, 'the lifecycle job failed; it runs again on its next tick');
    }
  });
  return { stop: () => job.stop() };
}
