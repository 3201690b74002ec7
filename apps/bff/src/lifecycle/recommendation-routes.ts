/**
 * `GET /api/recommendations` and `GET /api/recommendations/:id`. Every item answered carries the actions the signed-in
 * person may take on it now (allowed-actions.ts through the lifecycle), so a screen never offers what would be refused.
 */
import { ListRecommendationsQuerySchema, RecommendationIdParamsSchema } from '@recdesk/shared-types';
import { Router } from 'express';
import { personOf } from '../http/actor.ts';
import { AppError, NotFoundError } from '../http/errors.ts';
import { parseParams, parseQuery } from '../http/validate.ts';
import type { LifecycleService } from './lifecycle-service.ts';
import { InvalidCursorError, type RecommendationStore } from './recommendation-store.ts';

export function recommendationRoutes(store: RecommendationStore, lifecycle: LifecycleService): Router {
  const router = Router();

  router.get('/recommendations', async (req, res) => {
    const query = parseQuery(ListRecommendationsQuerySchema, req);
    try {
      const page = await store.list(query);
      res.json({ ...page, items: await lifecycle.withActions(page.items, personOf(req)) });
    } catch (error) {
      if (error instanceof InvalidCursorError) throw new AppError(400, 'invalid-request', 'The request is not valid', error.message);
      throw error;
    }
  });

  router.get('/recommendations/:id', async (req, res) => {
    const { id } = parseParams(RecommendationIdParamsSchema, req);
    const recommendation = await store.get(id);
    if (!recommendation) throw new NotFoundError('Recommendation', id);
    const [decorated] = await lifecycle.withActions([recommendation], personOf(req));
    res.json({ ...recommendation, actions: decorated?.actions });
  });

  return router;
}
