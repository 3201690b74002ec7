/**
 * `GET /api/advertisers`: the advertisers in the signed-in person's scope, with names and marketplaces, for the
 * advertiser pickers (queue, impact, activity). Any role reads it; the scoped database filters it.
 */
import { Router } from 'express';
import { refuseQuery } from '../http/validate.ts';
import type { AdvertiserStore } from './advertiser-store.ts';

export function advertiserRoutes(advertisers: AdvertiserStore): Router {
  const router = Router();

  router.get('/advertisers', async (req, res) => {
    refuseQuery(req);
    res.json({ items: await advertisers.list() });
  });

  return router;
}
