/**
 * The apply pipeline over HTTP: queue approved items (202 with the batch id, at once), follow a batch, retry its
 * failed items, undo applied changes. The acting user comes from the same `actorOf` the lifecycle routes use.
 */
import { ApplyBatchParamsSchema, ApplyBodySchema, UndoBodySchema } from '@recdesk/shared-types';
import { Router } from 'express';
import { actorOf, personOf } from '../http/actor.ts';
import { parseBody, parseParams } from '../http/validate.ts';
import type { ApplyService } from './apply-service.ts';

export function applyRoutes(apply: ApplyService): Router {
  const router = Router();

  router.post('/apply', async (req, res) => {
    const body = parseBody(ApplyBodySchema, req);
    res.status(202).json(await apply.apply(body.ids, actorOf(req), personOf(req)));
  });

  router.get('/apply/:batchId', async (req, res) => {
    const { batchId } = parseParams(ApplyBatchParamsSchema, req);
    res.json(await apply.batch(batchId));
  });

  router.post('/apply/:batchId/retry-failed', async (req, res) => {
    const { batchId } = parseParams(ApplyBatchParamsSchema, req);
    res.status(202).json(await apply.retryFailed(batchId, actorOf(req)));
  });

  router.post('/undo', async (req, res) => {
    const body = parseBody(UndoBodySchema, req);
    res.status(202).json(await apply.undo(body, actorOf(req)));
  });

  return router;
}
