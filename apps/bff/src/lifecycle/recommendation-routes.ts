/** `GET /api/recommendations` and `GET /api/recommendations/:id`, read through the scoped database. */
import {
  ListRecommendationsQuerySchema,
  RecommendationDetailSchema,
  RecommendationIdParamsSchema,
  RecommendationPageSchema,
} from '@recdesk/shared-types';
import { NotFoundError } from '../errors/domain-errors.ts';
import { type AnyApiRoute, apiRoute, json, problem } from '../http/api-route.ts';
import { AppError } from '../http/errors.ts';
import { InvalidCursorError, type RecommendationStore } from './recommendation-store.ts';

export function recommendationRoutes(store: RecommendationStore): AnyApiRoute[] {
  return [
    apiRoute({
      method: 'get',
      path: '/recommendations',
      access: 'signed-in',
      advertiser: { from: 'item' },
      summary: 'The recommendation queue, filtered and paged by cursor',
      request: { query: ListRecommendationsQuerySchema },
      responses: { 200: json('A page of recommendations', RecommendationPageSchema) },
      handler: async ({ query }, _req, res) => {
        try {
          res.json(await store.list(query));
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
      summary: 'One recommendation with its raw upstream payload',
      request: { params: RecommendationIdParamsSchema },
      responses: { 200: json('The recommendation', RecommendationDetailSchema), 404: problem('No such recommendation') },
      handler: async ({ params }, _req, res) => {
        const recommendation = await store.get(params.id);
        if (!recommendation) throw new NotFoundError('Recommendation', params.id);
        res.json(recommendation);
      },
    }),
  ];
}
