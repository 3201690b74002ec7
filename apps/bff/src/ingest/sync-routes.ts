/**
 * `POST /api/sync`: run an ingestion now and return its summary. A sync fetches every advertiser's data, whoever asks
 * for it: it runs outside the asker's advertiser scope (`advertiser: system`).
 */
import { SyncQuerySchema, SyncSummarySchema } from '@recdesk/shared-types';
import { AdsApiError } from '../ads-client/ads-client.ts';
import { LwaError } from '../ads-client/lwa-token-provider.ts';
import { type AnyApiRoute, apiRoute, json, problem } from '../http/api-route.ts';
import { UpstreamError } from '../http/errors.ts';
import type { SyncService } from './sync-service.ts';

export function syncRoutes(sync: SyncService): AnyApiRoute[] {
  return [
    apiRoute({
      method: 'post',
      path: '/sync',
      access: 'approver',
      advertiser: { from: 'system' },
      summary: 'Run an ingestion now and return its summary per source',
      request: { query: SyncQuerySchema },
      responses: { 200: json('What each source fetched, stored and quarantined', SyncSummarySchema), 502: problem('The Ads API failed') },
      handler: async ({ query }, _req, res) => {
        try {
          res.json(await sync.sync({ source: query.source, trigger: 'api' }));
        } catch (error) {
          if (error instanceof AdsApiError || error instanceof LwaError) throw new UpstreamError(error.message);
          throw error;
        }
      },
    }),
  ];
}
