/**
 * Performance over HTTP:
 * - `GET /api/performance?entity=campaign:ID&from=&to=&metrics=`: the daily series with change markers (scoped: an
 *   entity of another advertiser is not found).
 * - `POST /api/performance/sync` (approver or admin): run the reporting ingest now and answer what it did.
 * - `GET|POST /api/simulator/clock` (admin, simulated mode only; otherwise not served: 404): read or advance the
 *   simulated clock shared with the simulator. After an advance the performance sync runs (and, after it, impact
 *   measurement) and due recommendations expire, in the background: the answer comes at once.
 */
import { PerformanceQuerySchema, SimulatorClockAdvanceSchema } from '@recdesk/shared-types';
import { Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { requireRole } from '../auth/auth.ts';
import { parseBody, parseQuery, refuseQuery } from '../http/validate.ts';
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

export function performanceRoutes(feature: PerformanceFeature): Router {
  const router = Router();

  router.get('/performance', async (req, res) => {
    const query = parseQuery(PerformanceQuerySchema, req);
    res.json(await feature.store.series(query));
  });

  router.post('/performance/sync', requireRole('approver'), async (req, res) => {
    refuseQuery(req);
    parseBody(z.strictObject({}), req);
    res.json(await feature.ingest.sync({ trigger: 'api' }));
  });

  const clock = feature.clock;
  if (clock) {
    router.get('/simulator/clock', requireRole('admin'), async (req, res) => {
      refuseQuery(req);
      res.json(await clock.read());
    });
    router.post('/simulator/clock', requireRole('admin'), async (req, res) => {
      refuseQuery(req);
      const body = parseBody(SimulatorClockAdvanceSchema, req);
      const answer = await clock.advance({ days: body.advanceDays, hours: body.advanceHours });
      req.log?.info({ ...answer, ...body }, 'simulated clock advanced');
      void feature.afterAdvance().catch((error: unknown) => feature.log.error({ err: error }, 'the work after a clock advance failed'));
      res.json(answer);
    });
  }

  return router;
}
