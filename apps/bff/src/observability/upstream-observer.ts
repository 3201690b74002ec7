/**
 * The Ads client's observer: each attempt is counted (by endpoint group, endpoint and status, with its duration) and
 * logged as one line with the endpoint, the status, the duration and, through the logger's mixin, the correlation id
 * of the request or job that made it. Ads API calls also carry that id upstream in `x-recdesk-correlation-id`, and
 * the job's in `x-recdesk-job-id` (headers Amazon ignores; pre-signed downloads get none).
 */
import type { Logger } from 'pino';
import type { AdsCallObserver } from '../ads-client/ads-client.ts';
import { currentCorrelation, UPSTREAM_CORRELATION_HEADER, UPSTREAM_JOB_HEADER } from './correlation.ts';
import type { Metrics } from './metrics.ts';

export function upstreamObserver(metrics: Metrics, log: Logger): AdsCallObserver {
  return {
    headers(): Record<string, string> {
      const correlation = currentCorrelation();
      if (!correlation) return {};
      return {
        [UPSTREAM_CORRELATION_HEADER]: correlation.correlationId,
        ...(correlation.jobId ? { [UPSTREAM_JOB_HEADER]: correlation.jobId } : {}),
      };
    },
    attempt(event) {
      metrics.upstreamAttempt(event);
      const failed = event.status === null || event.status >= 400;
      log[failed ? 'warn' : 'info'](
        {
          upstream: {
            endpoint: event.endpoint,
            method: event.method,
            region: event.region,
            attempt: event.attempt,
            status: event.status ?? event.error,
            durationMs: Math.round(event.durationMs),
            amznRequestId: event.upstreamRequestId,
          },
        },
        'upstream call',
      );
    },
    counted(endpoint, what) {
      metrics.upstreamCounted(endpoint, what);
    },
  };
}
