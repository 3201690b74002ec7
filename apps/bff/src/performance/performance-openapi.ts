/** The OpenAPI paths of performance data and the simulated clock, registered from the shared zod contracts. */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import {
  PerformanceQuerySchema,
  PerformanceSeriesSchema,
  PerformanceSyncResultSchema,
  ProblemSchema,
  SimulatorClockAdvanceSchema,
  SimulatorClockSchema,
} from '@recdesk/shared-types';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });

export function registerPerformancePaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/api/performance',
    summary:
      'The daily series of a campaign, keyword or target (impressions, clicks, cost, sales, orders; CTR, CPC, ROAS, ACOS and budget utilisation derived, null on a zero denominator) with a marker for every change applied to it: who, what, when, values before and after',
    request: { query: PerformanceQuerySchema },
    responses: {
      200: { description: 'The series', content: { 'application/json': { schema: PerformanceSeriesSchema } } },
      400: problem('Invalid or unknown query parameter'),
      401: problem('No session'),
      404: problem('No performance data for this entity, or it belongs to an advertiser outside your scope'),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/performance/sync',
    summary:
      'Run the reporting ingest now (approver or admin): each report window requested once per profile and day, polled with backoff, downloaded, validated and stored',
    responses: {
      200: { description: 'What the run did', content: { 'application/json': { schema: PerformanceSyncResultSchema } } },
      400: problem('A body or query parameter was sent'),
      401: problem('No session'),
      403: problem('Not an approver or admin, or no CSRF token'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/simulator/clock',
    summary: 'The simulated clock shared by the simulator and the BFF (admin; simulated mode only)',
    responses: {
      200: { description: 'The simulated now', content: { 'application/json': { schema: SimulatorClockSchema } } },
      401: problem('No session'),
      403: problem('Not an admin'),
      404: problem('Not in simulated mode'),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/simulator/clock',
    summary:
      'Advance the simulated clock (admin; simulated mode only): new days of performance exist upstream, expiry and freshness see the new time; the performance sync then runs in the background',
    request: { body: { content: { 'application/json': { schema: SimulatorClockAdvanceSchema } } } },
    responses: {
      200: { description: 'The simulated now after the advance', content: { 'application/json': { schema: SimulatorClockSchema } } },
      400: problem('Invalid body (a negative or missing advance, an unknown field)'),
      401: problem('No session'),
      403: problem('Not an admin, or no CSRF token'),
      404: problem('Not in simulated mode'),
    },
  });
}
