/**
 * `GET /api/conflicts`, `GET /api/conflicts/:id` and `POST /api/conflicts/detect` (run the engine now). Conflicts are
 * read through the scoped database; a detection asked for one advertiser must name one within the asker's scope.
 * Members carry the actions the person may take on them (allowed-actions), like every recommendation answered.
 */
import {
  ConflictIdParamsSchema,
  ConflictListSchema,
  type ConflictWithMembers,
  ConflictWithMembersSchema,
  DetectConflictsQuerySchema,
  DetectConflictsResultSchema,
  ListConflictsQuerySchema,
} from '@recdesk/shared-types';
import type { Request } from 'express';
import { NotFoundError } from '../errors/domain-errors.ts';
import { personOf } from '../http/actor.ts';
import { type AnyApiRoute, apiRoute, json, problem } from '../http/api-route.ts';
import type { LifecycleService } from '../lifecycle/lifecycle-service.ts';
import type { ConflictService } from './conflict-service.ts';

export function conflictRoutes(conflicts: ConflictService, lifecycle: LifecycleService): AnyApiRoute[] {
  /** Every member of these conflicts with its actions, decided in one pass over the distinct members. */
  async function withActions<T extends ConflictWithMembers>(items: T[], req: Request): Promise<T[]> {
    const members = [...new Map(items.flatMap((c) => c.members).map((m) => [m.id, m])).values()];
    const decorated = new Map((await lifecycle.withActions(members, personOf(req))).map((m) => [m.id, m]));
    return items.map((c) => ({ ...c, members: c.members.map((m) => decorated.get(m.id) ?? m) }));
  }

  return [
    apiRoute({
      method: 'get',
      path: '/conflicts',
      access: 'signed-in',
      advertiser: { from: 'item' },
      summary: 'Contradictions between recommendations, with members (and their actions), explanation and suggested resolution',
      request: { query: ListConflictsQuerySchema },
      responses: { 200: json('Conflicts, newest first', ConflictListSchema) },
      handler: async ({ query }, req, res) => {
        const page = await conflicts.list(query);
        res.json({ ...page, items: await withActions(page.items, req) });
      },
    }),
    apiRoute({
      method: 'post',
      path: '/conflicts/detect',
      access: 'approver',
      advertiser: { from: 'query', field: 'advertiserId' },
      summary: 'Run the conflict engine now, for one advertiser or all',
      request: { query: DetectConflictsQuerySchema },
      responses: { 200: json('What the run opened, resolved and superseded', DetectConflictsResultSchema) },
      handler: async ({ query }, _req, res) => {
        res.json(await conflicts.detect(query.advertiserId ? [query.advertiserId] : undefined));
      },
    }),
    apiRoute({
      method: 'get',
      path: '/conflicts/:id',
      access: 'signed-in',
      advertiser: { from: 'item' },
      summary: 'One conflict with its members and their actions',
      request: { params: ConflictIdParamsSchema },
      responses: { 200: json('The conflict', ConflictWithMembersSchema), 404: problem('No such conflict') },
      handler: async ({ params }, req, res) => {
        const conflict = await conflicts.get(params.id);
        if (!conflict) throw new NotFoundError('Conflict', params.id);
        const [decorated] = await withActions([conflict], req);
        res.json(decorated);
      },
    }),
  ];
}
