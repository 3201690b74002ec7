/** `GET /api/sources` and `GET /api/sources/:source/quarantine`: how each source is doing, and what it kept aside. */
import { QuarantineQuerySchema, QuarantineResponseSchema, SourceParamsSchema, SourcesResponseSchema } from '@recdesk/shared-types';
import { type AnyApiRoute, apiRoute, json } from '../http/api-route.ts';
import type { QuarantineStore } from './quarantine-store.ts';
import type { SourceStatusService } from './source-status.ts';

export function sourceRoutes(status: SourceStatusService, quarantine: QuarantineStore): AnyApiRoute[] {
  return [
    apiRoute({
      method: 'get',
      path: '/sources',
      access: 'signed-in',
      advertiser: { from: 'none' },
      summary: 'Each source: enabled, schedule, last and next run, freshness against its policy, counts, last error, quarantine',
      responses: { 200: json('Every source', SourcesResponseSchema) },
      handler: async (_input, _req, res) => {
        res.json(await status.list());
      },
    }),
    apiRoute({
      method: 'get',
      path: '/sources/:source/quarantine',
      access: 'signed-in',
      advertiser: { from: 'item' },
      summary: 'The items a source quarantined, with their reasons and raw payloads',
      request: { params: SourceParamsSchema, query: QuarantineQuerySchema },
      responses: { 200: json('Quarantined items, most recently seen first', QuarantineResponseSchema) },
      handler: async ({ params, query }, _req, res) => {
        const [items, total] = await Promise.all([quarantine.list(params.source, query.limit), quarantine.count(params.source)]);
        res.json({ source: params.source, total, items });
      },
    }),
  ];
}
