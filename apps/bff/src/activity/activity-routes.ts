/**
 * The activity log over HTTP: `GET /api/activity` (a page, newest first) and `GET /api/activity.csv` (every match,
 * streamed a database page at a time, so an export of a year holds one page in memory). Both read through the
 * scoped database: a user sees only the activity of the advertisers granted to them.
 */
import { once } from 'node:events';
import { ActivityCsvQuerySchema, ActivityPageSchema, ActivityQuerySchema } from '@recdesk/shared-types';
import { z } from 'zod';
import { type AnyApiRoute, apiRoute, json, problem } from '../http/api-route.ts';
import { ACTIVITY_CSV_HEADER, activityCsvRow } from './activity-csv.ts';
import type { ActivityStore } from './activity-store.ts';

export function activityRoutes(activity: ActivityStore): AnyApiRoute[] {
  return [
    apiRoute({
      method: 'get',
      path: '/activity',
      access: 'signed-in',
      advertiser: { from: 'item' },
      summary:
        'What people and rules applied, failed to apply and undid: who (an email or rule:<name> v<version>), what, when, values before and after; newest first',
      request: { query: ActivityQuerySchema },
      responses: {
        200: json('A page of activity', ActivityPageSchema),
        400: problem('Invalid or unknown query parameter, or a cursor this server did not make'),
      },
      handler: async ({ query }, _req, res) => {
        res.json(await activity.page(query));
      },
    }),
    apiRoute({
      method: 'get',
      path: '/activity.csv',
      access: 'signed-in',
      advertiser: { from: 'item' },
      summary: 'The same activity (same filters, no pages) as CSV with a header row, formula-safe cells, streamed',
      request: { query: ActivityCsvQuerySchema },
      responses: { 200: { description: 'RFC 4180 CSV', content: { 'text/csv': { schema: z.string() } } } },
      handler: async ({ query }, req, res) => {
        const pages = activity.all(query);
        // The first page is read before the headers go out, so a failing query still answers with a problem.
        const first = await pages.next();
        res.status(200);
        res.type('text/csv; charset=utf-8');
        res.attachment(`recdesk-activity-${new Date().toISOString().slice(0, 10)}.csv`);
        res.setHeader('cache-control', 'no-store');
        res.write(ACTIVITY_CSV_HEADER);
        try {
          for (let page = first; !page.done; page = await pages.next()) {
            if (!res.write(page.value.map(activityCsvRow).join(''))) await Promise.race([once(res, 'drain'), once(res, 'close')]);
            if (res.destroyed) return;
          }
          res.end();
        } catch (error) {
          // The status is sent: the only honest signal left is a cut-off response.
          req.log?.error({ err: error }, 'activity CSV export failed mid-stream');
          res.destroy(error instanceof Error ? error : new Error(String(error)));
        }
      },
    }),
  ];
}
