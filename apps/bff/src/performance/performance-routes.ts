/**
 * Performance over HTTP:
 * - `GET /api/performance?entity=campaign:ID&from=&to=&metrics=`: the daily series with change markers (scoped: an
 *   entity of another advertiser is not found).
 * - `POST /api/performance/sync` (approver or admin): run the reporting ingest now and answer what it did.
 * - `GET|POST /api/simulator/clock` (admin, simulated mode only; otherwise not served: 404): read or advance the
 *   simulated clock shared with the simulator. After an advance the performance sync runs (and, after it, impact
 *   measurement) and due recommendations expire, in the background: the answer comes at once.
 */
import {
  PerformanceQuerySchema,
  PerformanceSeriesSchema,
  PerformanceSyncResultSchema,
  SimulatorClockAdvanceSchema,
  SimulatorClockSchema,
} from '@recdesk/shared-types';
import type { Logger } from 'pino';
import { z } from 'zod';
import { type AnyApiRoute, apiRoute, json, problem } from '../http/api-route.ts';
import type { PerformanceIngest } from './performance-ingest.ts';
import type { PerformanceStore } from './performance-store.ts';
import type { SimulatedClockControl } from './simulated-clock.ts';

export interface PerformanceFeature {
  store: PerformanceStore;
  ingest: PerformanceIngest;
  /** Set in simulated mode only. */
  clock: SimulatedClockControl | null;
  /** What follows an advance of the simulated clock (sync, expiry); runs in the background. */
  afterAdvance: () => Promise<void>;
  log: Logger;
}

export function performanceRoutes(feature: PerformanceFeature): AnyApiRoute[] {
  const routes: AnyApiRoute[] = [
    apiRoute({
      method: 'get',
      path: '/performance',
      access: 'signed-in',
      advertiser: { from: 'item' },
      summary:
        'The daily series of a campaign, keyword or target (impressions, clicks, cost, sales, orders; CTR, CPC, ROAS, ACOS and budget utilisation derived, null on a zero denominator) with a marker for every change applied to it: who, what, when, values before and after',
      request: { query: PerformanceQuerySchema },
      responses: {
        200: json('The series', PerformanceSeriesSchema),
        404: problem('No performance data for this entity, or it belongs to an advertiser outside your scope'),
      },
      handler: async ({ query }, _req, res) => {
        res.json(await feature.store.series(query));
      },
    }),
    apiRoute({
      method: 'post',
      path: '/performance/sync',
      access: 'approver',
      // The reports of every profile are fetched, whoever asks, like a sync of recommendations.
      advertiser: { from: 'none' },
      summary:
        'Run the reporting ingest now (approver or admin): each report window requested once per profile and day, polled with backoff, downloaded, validated and stored',
      request: { body: z.strictObject({}) },
      responses: { 200: json('What the run did', PerformanceSyncResultSchema) },
      handler: async (_input, _req, res) => {
        res.json(await feature.ingest.sync({ trigger: 'api' }));
      },
    }),
  ];

  const clock = feature.clock;
  if (clock) {
    routes.push(
      apiRoute({
        method: 'get',
        path: '/simulator/clock',
        access: 'admin',
        advertiser: { from: 'none' },
        summary: 'The simulated clock shared by the simulator and the BFF (admin; simulated mode only)',
        responses: { 200: json('The simulated now', SimulatorClockSchema), 404: problem('Not in simulated mode') },
        handler: async (_input, _req, res) => {
          res.json(await clock.read());
        },
      }),
      apiRoute({
        method: 'post',
        path: '/simulator/clock',
        access: 'admin',
        advertiser: { from: 'none' },
        summary:
          'Advance the simulated clock (admin; simulated mode only): new days of performance exist upstream, expiry and freshness see the new time; the performance sync then runs in the background',
        request: { body: SimulatorClockAdvanceSchema },
        responses: { 200: json('The simulated now after the advance', SimulatorClockSchema), 404: problem('Not in simulated mode') },
        handler: async ({ body }, req, res) => {
          const answer = await clock.advance({ days: body.advanceDays, hours: body.advanceHours });
          req.log?.info({ ...answer, ...body }, 'simulated clock advanced');
          void feature.afterAdvance().catch((error: unknown) => feature.log.error({ err: error }, 'the work after a clock advance failed'));
          res.json(answer);
        },
      }),
    );
  }
  return routes;
}
