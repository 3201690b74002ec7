/** `GET /api/sources` and `GET /api/sources/:source/quarantine`: how each source is doing, and what it kept aside. */
import { QuarantineQuerySchema, SourceParamsSchema } from '@recdesk/shared-types';
import { Router } from 'express';
import { parseParams, parseQuery, refuseQuery } from '../http/validate.ts';
import type { QuarantineStore } from './quarantine-store.ts';
import type { SourceStatusService } from './source-status.ts';

export function sourceRoutes(status: SourceStatusService, quarantine: QuarantineStore): Router {
  const router = Router();
  router.get('/sources', async (req, res) => {
    refuseQuery(req);
    res.json(await status.list());
  });
  router.get('/sources/:source/quarantine', async (req, res) => {
    const { source } = parseParams(SourceParamsSchema, req);
    const { limit } = parseQuery(QuarantineQuerySchema, req);
    const [items, total] = await Promise.all([quarantine.list(source, limit), quarantine.count(source)]);
    res.json({ source, total, items });
  });
  return router;
}
