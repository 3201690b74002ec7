/**
 * Impact over HTTP: `GET /api/impact` (measured items and the aggregates per source and kind, with the priority
 * factor rule writers see) and `GET /api/impact/:recommendationId`. Scope is enforced by the database plugin: an item
 * of another advertiser is simply not found.
 */
import {
  ExchangeRatesBodySchema,
  ExchangeRatesSchema,
  ImpactListSchema,
  ImpactParamsSchema,
  ImpactQuerySchema,
  ItemImpactSchema,
} from '@recdesk/shared-types';
import { actorOf } from '../http/actor.ts';
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
        'state and cohort narrow the items, not the aggregates; totals are in the reporting currency asked for (USD by default), ' +
        'converted at the rates listed in `reporting`',
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
    apiRoute({
      method: 'get',
      path: '/exchange-rates',
      access: 'signed-in',
      advertiser: { from: 'none' },
      summary: 'The exchange rates impact totals convert with (one `from` buys `rate` of `to`, as of a day; inverses are derived)',
      responses: { 200: json('The rates', ExchangeRatesSchema) },
      handler: async (_input, _req, res) => {
        res.json(await impact.rates.list());
      },
    }),
    apiRoute({
      method: 'put',
      path: '/exchange-rates',
      access: 'admin',
      advertiser: { from: 'none' },
      summary: 'Replace the exchange rates (admins): each pair of currencies once, with the day the rate is as of',
      request: { body: ExchangeRatesBodySchema },
      responses: { 200: json('The rates as stored', ExchangeRatesSchema), 400: problem('A bad code, rate or date, or a pair twice') },
      handler: async ({ body }, req, res) => {
        res.json(await impact.rates.replace(body, actorOf(req).id));
      },
    }),
  ];
}
