/**
 * `GET /api/conflicts`, `GET /api/conflicts/:id` and `POST /api/conflicts/detect` (run the engine now). Members carry
 * the actions the person may take on them (allowed-actions), like every recommendation answered.
 */
import {
  ConflictIdParamsSchema,
  type ConflictWithMembers,
  DetectConflictsQuerySchema,
  ListConflictsQuerySchema,
} from '@recdesk/shared-types';
import { type Request, Router } from 'express';
import { personOf } from '../http/actor.ts';
import { NotFoundError } from '../http/errors.ts';
import { parseParams, parseQuery } from '../http/validate.ts';
import type { LifecycleService } from '../lifecycle/lifecycle-service.ts';
import type { ConflictService } from './conflict-service.ts';

export function conflictRoutes(conflicts: ConflictService, lifecycle: LifecycleService): Router {
  const router = Router();

  /** Every member of these conflicts with its actions, decided in one pass over the distinct members. */
  async function withActions<T extends ConflictWithMembers>(items: T[], req: Request): Promise<T[]> {
    const members = [...new Map(items.flatMap((c) => c.members).map((m) => [m.id, m])).values()];
    const decorated = new Map((await lifecycle.withActions(members, personOf(req))).map((m) => [m.id, m]));
    return items.map((c) => ({ ...c, members: c.members.map((m) => decorated.get(m.id) ?? m) }));
  }

  router.get('/conflicts', async (req, res) => {
    const page = await conflicts.list(parseQuery(ListConflictsQuerySchema, req));
    res.json({ ...page, items: await withActions(page.items, req) });
  });

  router.post('/conflicts/detect', async (req, res) => {
    const { advertiserId } = parseQuery(DetectConflictsQuerySchema, req);
    res.json(await conflicts.detect(advertiserId ? [advertiserId] : undefined));
  });

  router.get('/conflicts/:id', async (req, res) => {
    const { id } = parseParams(ConflictIdParamsSchema, req);
    const conflict = await conflicts.get(id);
    if (!conflict) throw new NotFoundError('Conflict', id);
    const [decorated] = await withActions([conflict], req);
    res.json(decorated);
  });

  return router;
}
