/** `GET /api/conflicts`, `GET /api/conflicts/:id` and `POST /api/conflicts/detect` (run the engine now). */
import { ConflictIdParamsSchema, DetectConflictsQuerySchema, ListConflictsQuerySchema } from '@recdesk/shared-types';
import { Router } from 'express';
import { NotFoundError } from '../errors/domain-errors.ts';
import { parseParams, parseQuery } from '../http/validate.ts';
import type { ConflictService } from './conflict-service.ts';

export function conflictRoutes(conflicts: ConflictService): Router {
  const router = Router();

  router.get('/conflicts', async (req, res) => {
    res.json(await conflicts.list(parseQuery(ListConflictsQuerySchema, req)));
  });

  router.post('/conflicts/detect', async (req, res) => {
    const { advertiserId } = parseQuery(DetectConflictsQuerySchema, req);
    res.json(await conflicts.detect(advertiserId ? [advertiserId] : undefined));
  });

  router.get('/conflicts/:id', async (req, res) => {
    const { id } = parseParams(ConflictIdParamsSchema, req);
    const conflict = await conflicts.get(id);
    if (!conflict) throw new NotFoundError('Conflict', id);
    res.json(conflict);
  });

  return router;
}
