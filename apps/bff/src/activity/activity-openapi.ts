/** The OpenAPI paths of the activity log, registered from the same shared zod contracts the routes validate with. */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { ActivityCsvQuerySchema, ActivityPageSchema, ActivityQuerySchema, ProblemSchema } from '@recdesk/shared-types';
import { z } from 'zod';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });

export function registerActivityPaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/api/activity',
    summary:
      'What people and rules applied, failed to apply and undid: who (an email or rule:<name> v<version>), what, when, values before and after; newest first',
    request: { query: ActivityQuerySchema },
    responses: {
      200: { description: 'A page of activity', content: { 'application/json': { schema: ActivityPageSchema } } },
      400: problem('Invalid or unknown query parameter, or a cursor this server did not make'),
      401: problem('No session'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/activity.csv',
    summary: 'The same activity (same filters, no pages) as CSV with a header row, formula-safe cells, streamed',
    request: { query: ActivityCsvQuerySchema },
    responses: {
      200: { description: 'RFC 4180 CSV', content: { 'text/csv': { schema: z.string() } } },
      400: problem('Invalid or unknown query parameter'),
      401: problem('No session'),
    },
  });
}
