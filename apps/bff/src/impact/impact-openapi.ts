/**
 * The OpenAPI paths of impact measurement (issue 6), from the shared zod contracts the routes validate with.
 * `http/openapi.ts` calls this once.
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { ImpactListSchema, ImpactParamsSchema, ImpactQuerySchema, ItemImpactSchema, ProblemSchema } from '@recdesk/shared-types';
import type { z } from 'zod';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });
const json = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });

export function registerImpactPaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/api/impact',
    summary:
      'Measured changes (difference-in-differences against untouched campaigns, 90 % band, next to the promise), newest first, ' +
      'with aggregates per source and kind (share applied, share improved, realised vs promised, priority factor); ' +
      'state and cohort narrow the items, not the aggregates',
    request: { query: ImpactQuerySchema },
    responses: { 200: json('Items and aggregates', ImpactListSchema), 400: problem('Invalid or unknown query parameter') },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/impact/{recommendationId}',
    summary: 'The measured impact of one applied (or held-back) recommendation',
    request: { params: ImpactParamsSchema },
    responses: {
      200: json('The item', ItemImpactSchema),
      400: problem('Invalid id'),
      404: problem('Not applied, not measured yet, or not visible to you'),
    },
  });
}
