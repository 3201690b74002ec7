/**
 * The measurement job on IMPACT_JOB_SCHEDULE (cron, UTC; 'off' disables it). Measurement also runs after every
 * performance sync and simulated clock advance (their code calls `ImpactService.measureNow`); the schedule catches
 * the days that pass without either. croner's `protect` skips a tick while the previous run is still going.
 */
import { Cron } from 'croner';
import type { Logger } from 'pino';
import type { ImpactService } from './impact-service.ts';

export function startImpactJob(impact: ImpactService, schedule: string, log: Logger): { stop(): void } {
  if (schedule === 'off') return { stop: () => undefined };
  const job = new Cron(schedule, { protect: true, name: 'measure-impact' }, async () => {
    try {
      await impact.measureNow();
    } catch (error) {
      log.error({ err: error }, 'the impact measurement failed; it runs again on its next tick');
    }
  });
  return { stop: () => job.stop() };
}
