/**
 * `GET /api/advertisers`: the advertisers in the signed-in person's scope, with names and marketplaces, for the
 * advertiser pickers (queue, impact, activity). Any role reads it; the scoped database filters it.
 */
import { AdvertiserListSchema } from '@recdesk/shared-types';
import { type AnyApiRoute, apiRoute, json } from '../http/api-route.ts';
import type { AdvertiserStore } from './advertiser-store.ts';

export function advertiserRoutes(advertisers: AdvertiserStore): AnyApiRoute[] {
  return [
    apiRoute({
      method: 'get',
      path: '/advertisers',
      access: 'signed-in',
      advertiser: { from: 'item' },
      summary: 'The advertisers in your scope, by name, with their marketplaces (for pickers that find by name, id or marketplace)',
      responses: { 200: json('Every advertiser you may see', AdvertiserListSchema) },
      handler: async (_input, _req, res) => {
        res.json({ items: await advertisers.list() });
      },
    }),
  ];
}
