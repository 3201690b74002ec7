/** `POST /api/sync`: run an ingestion now and return its summary. */
import { SyncQuerySchema } from '@recdesk/shared-types';
import { Router } from 'express';
import { AdsApiError } from '../ads-client/ads-client.ts';
import { LwaError } from '../ads-client/lwa-token-provider.ts';
import { UpstreamError } from '../http/errors.ts';
import { parseQuery } from '../http/validate.ts';
import type { SyncService } from './sync-service.ts';

export function syncRoutes(sync: SyncService): Router {
  const router = Router();
  router.post('/sync', async (req, res) => {
    const { source } = parseQuery(SyncQuerySchema, req);
    try {
      res.json(await sync.sync({ source, trigger: 'api' }));
    } catch (error) {
      if (error instanceof AdsApiError || error instanceof LwaError) throw new UpstreamError(error.message);
      throw error;
    }
  });
  return router;
}
