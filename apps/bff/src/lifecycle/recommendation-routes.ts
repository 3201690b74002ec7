/** `GET /api/recommendations` and `GET /api/recommendations/:id`. */
import { ListRecommendationsQuerySchema, RecommendationIdParamsSchema } from '@recdesk/shared-types';
import { Router } from 'express';
import { NotFoundError } from '../errors/domain-errors.ts';
import { AppError } from '../http/errors.ts';
import { parseParams, parseQuery } from '../http/validate.ts';
import { InvalidCursorError, type RecommendationStore } from './recommendation-store.ts';

export function recommendationRoutes(store: RecommendationStore): Router {
  const router = Router();

  router.get('/recommendations', async (req, res) => {
    const query = parseQuery(ListRecommendationsQuerySchema, req);
    try {
      res.json(await store.list(query));
    } catch (error) {
      if (error instanceof InvalidCursorError) throw new AppError(400, 'invalid-request', 'The request is not valid', error.message);
      throw error;
    }
  });

  router.get('/recommendations/:id', async (req, res) => {
    const { id } = parseParams(RecommendationIdParamsSchema, req);
    const recommendation = await store.get(id);
    if (!recommendation) throw new NotFoundError('Recommendation', id);
    res.json(recommendation);
  });

  return router;
}
