/**
 * Impact over HTTP: `GET /api/impact` (measured items and the aggregates per source and kind, with the priority
 * factor rule writers see) and `GET /api/impact/:recommendationId`. Scope is enforced by the database plugin: an item
 * of another advertiser is simply not found.
 */
import { ImpactListSchema, ImpactParamsSchema, ImpactQuerySchema, ItemImpactSchema } from '@recdesk/shared-types';
import { type AnyApiRoute, apiRoute, json, problem } from '../http/api-route.ts';
import type { ImpactService } from './impact-service.ts';

export function impactRoutes(impact: ImpactService): AnyApiRoute[] {
  return [
    apiRoute({
      method: 'get',
      path: '/impact',
      access: 'signed-in',
      advertiser: { from: 'item' },
      summary:
        'Measured changes (difference-in-differences against untouched campaigns, 90 % band, next to the promise), newest first, ' +
        'with aggregates per source and kind (share applied, share improved, realised vs promised, priority factor); ' +
        'state and cohort narrow the items, not the aggregates',
      request: { query: ImpactQuerySchema },
      responses: { 200: json('Items and aggregates', ImpactListSchema) },
      handler: async ({ query }, _req, res) => {
        res.json(await impact.list(query));
      },
    }),
    apiRoute({
      method: 'get',
      path: '/impact/:recommendationId',
      access: 'signed-in',
      advertiser: { from: 'item' },
      summary: 'The measured impact of one applied (or held-back) recommendation',
      request: { params: ImpactParamsSchema },
      responses: { 200: json('The item', ItemImpactSchema), 404: problem('Not applied, not measured yet, or not visible to you') },
      handler: async ({ params }, _req, res) => {
        res.json(await impact.get(params.recommendationId));
      },
    }),
  ];
}
