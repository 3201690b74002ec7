/**
 * `GET /api/conflicts`, `GET /api/conflicts/:id` and `POST /api/conflicts/detect` (run the engine now). Conflicts are
 * read through the scoped database; a detection asked for one advertiser must name one within the asker's scope.
 */
import {
  ConflictIdParamsSchema,
  ConflictListSchema,
  ConflictWithMembersSchema,
  DetectConflictsQuerySchema,
  DetectConflictsResultSchema,
  ListConflictsQuerySchema,
} from '@recdesk/shared-types';
import { NotFoundError } from '../errors/domain-errors.ts';
import { type AnyApiRoute, apiRoute, json, problem } from '../http/api-route.ts';
import type { ConflictService } from './conflict-service.ts';

export function conflictRoutes(conflicts: ConflictService): AnyApiRoute[] {
  return [
    apiRoute({
      method: 'get',
      path: '/conflicts',
      access: 'signed-in',
      advertiser: { from: 'item' },
      summary: 'Contradictions between recommendations, with members, explanation and suggested resolution',
      request: { query: ListConflictsQuerySchema },
      responses: { 200: json('Conflicts, newest first', ConflictListSchema) },
      handler: async ({ query }, _req, res) => {
        res.json(await conflicts.list(query));
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
      summary: 'One conflict with its members',
      request: { params: ConflictIdParamsSchema },
      responses: { 200: json('The conflict', ConflictWithMembersSchema), 404: problem('No such conflict') },
      handler: async ({ params }, _req, res) => {
        const conflict = await conflicts.get(params.id);
        if (!conflict) throw new NotFoundError('Conflict', params.id);
        res.json(conflict);
      },
    }),
  ];
}
