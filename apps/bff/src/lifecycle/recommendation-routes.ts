/**
 * `GET /api/recommendations` and `GET /api/recommendations/:id`, read through the scoped database. Every item answered
 * carries the actions the signed-in person may take on it now (allowed-actions.ts through the lifecycle), so a screen
 * never offers what would be refused.
 */
import {
  ListRecommendationsQuerySchema,
  RecommendationDetailResponseSchema,
  RecommendationIdParamsSchema,
  RecommendationPageSchema,
} from '@recdesk/shared-types';
import { NotFoundError } from '../errors/domain-errors.ts';
import { personOf } from '../http/actor.ts';
import { type AnyApiRoute, apiRoute, json, problem } from '../http/api-route.ts';
import { AppError } from '../http/errors.ts';
import type { LifecycleService } from './lifecycle-service.ts';
import { InvalidCursorError, type RecommendationStore } from './recommendation-store.ts';

export function recommendationRoutes(store: RecommendationStore, lifecycle: LifecycleService): AnyApiRoute[] {
  return [
    apiRoute({
      method: 'get',
      path: '/recommendations',
      access: 'signed-in',
      advertiser: { from: 'item' },
      summary: 'The recommendation queue, filtered and paged by cursor; each item with the actions the person may take',
      request: { query: ListRecommendationsQuerySchema },
      responses: { 200: json('A page of recommendations', RecommendationPageSchema) },
      handler: async ({ query }, req, res) => {
        try {
          // The page's rows are read once: the actions are decided on the same rows the answer shows.
          const { rows, ...page } = await store.listPage(query);
          res.json({ ...page, items: await lifecycle.rowsWithActions(rows, personOf(req)) });
        } catch (error) {
          if (error instanceof InvalidCursorError) throw new AppError(400, 'invalid-request', 'The request is not valid', error.message);
          throw error;
        }
      },
    }),
    apiRoute({
      method: 'get',
      path: '/recommendations/:id',
      access: 'signed-in',
      advertiser: { from: 'item' },
      summary: 'One recommendation with its raw upstream payload and the actions the person may take',
      request: { params: RecommendationIdParamsSchema },
      responses: { 200: json('The recommendation', RecommendationDetailResponseSchema), 404: problem('No such recommendation') },
      handler: async ({ params }, req, res) => {
        const row = await store.getRow(params.id);
        if (!row) throw new NotFoundError('Recommendation', params.id);
        const { raw, ...lean } = row;
        const [decorated] = await lifecycle.rowsWithActions([lean], personOf(req));
        res.json({ ...decorated, raw });
      },
    }),
  ];
}
