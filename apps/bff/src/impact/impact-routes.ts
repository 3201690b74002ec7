/**
 * Impact over HTTP: `GET /api/impact` (measured items and the aggregates per source and kind, with the priority
 * factor rule writers see) and `GET /api/impact/:recommendationId`. Scope is enforced by the database plugin: an item
 * of another advertiser is simply not found.
 */
import { ImpactParamsSchema, ImpactQuerySchema } from '@recdesk/shared-types';
import { Router } from 'express';
import { parseParams, parseQuery, refuseQuery } from '../http/validate.ts';
import type { ImpactService } from './impact-service.ts';

export function impactRoutes(impact: ImpactService): Router {
  const router = Router();

  router.get('/impact', async (req, res) => {
    res.json(await impact.list(parseQuery(ImpactQuerySchema, req)));
  });

  router.get('/impact/:recommendationId', async (req, res) => {
    const { recommendationId } = parseParams(ImpactParamsSchema, req);
    refuseQuery(req);
    res.json(await impact.get(recommendationId));
  });

  return router;
}
