/**
 * The apply pipeline over HTTP: queue approved items (202 with the batch id, at once), follow a batch, retry its
 * failed items, undo applied changes. The acting user comes from the same `actorOf` the lifecycle routes use. The items
 * and batches are read through the scoped database: another advertiser's are not found.
 */
import {
  ApplyAcceptedSchema,
  ApplyBatchParamsSchema,
  ApplyBatchSchema,
  ApplyBodySchema,
  ProblemSchema,
  RetryFailedResultSchema,
  UndoAcceptedSchema,
  UndoBodySchema,
  UndoChangedSinceSchema,
} from '@recdesk/shared-types';
import { z } from 'zod';
import { actorOf, personOf } from '../http/actor.ts';
import { type AnyApiRoute, apiRoute, json, problem } from '../http/api-route.ts';
import type { ApplyService } from './apply-service.ts';

export function applyRoutes(apply: ApplyService): AnyApiRoute[] {
  return [
    apiRoute({
      method: 'post',
      path: '/apply',
      access: 'approver',
      advertiser: { from: 'item' },
      summary: 'Queue the approved items among ids as one batch; answers at once, a worker applies them upstream',
      request: { body: ApplyBodySchema },
      responses: {
        202: json('The batch id, and the ids refused with why', ApplyAcceptedSchema),
        409: problem('None of the items can be applied'),
      },
      handler: async ({ body }, req, res) => {
        res.status(202).json(await apply.apply(body.ids, actorOf(req), personOf(req)));
      },
    }),
    apiRoute({
      method: 'get',
      path: '/apply/:batchId',
      access: 'signed-in',
      advertiser: { from: 'item' },
      summary: 'Each item of a batch (queued, applying, applied, failed with the upstream reason, drifted), counts and an ETA',
      request: { params: ApplyBatchParamsSchema },
      responses: { 200: json('The batch', ApplyBatchSchema), 404: problem('No such batch') },
      handler: async ({ params }, _req, res) => {
        res.json(await apply.batch(params.batchId));
      },
    }),
    apiRoute({
      method: 'post',
      path: '/apply/:batchId/retry-failed',
      access: 'approver',
      advertiser: { from: 'item' },
      summary: "Queue the batch's failed items again, and only those",
      request: { params: ApplyBatchParamsSchema },
      responses: { 202: json('How many were queued again', RetryFailedResultSchema), 404: problem('No such batch') },
      handler: async ({ params }, req, res) => {
        res.status(202).json(await apply.retryFailed(params.batchId, actorOf(req)));
      },
    }),
    apiRoute({
      method: 'post',
      path: '/undo',
      access: 'approver',
      advertiser: { from: 'item' },
      summary: 'Apply the values before back, for items or a batch; asks (409) when a value changed since it was applied',
      request: { body: UndoBodySchema },
      responses: {
        202: json('The undo batch, and the items that cannot be undone with why', UndoAcceptedSchema),
        409: {
          description: 'A value changed since: the original, applied and current values; nothing was undone',
          content: { 'application/problem+json': { schema: ProblemSchema.and(z.object({ changed: z.array(UndoChangedSinceSchema) })) } },
        },
      },
      handler: async ({ body }, req, res) => {
        res.status(202).json(await apply.undo(body, actorOf(req)));
      },
    }),
  ];
}
