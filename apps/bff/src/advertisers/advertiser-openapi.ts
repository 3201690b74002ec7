/** The OpenAPI path of the advertiser list, registered from the shared zod contract. */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { AdvertiserListSchema, ProblemSchema } from '@recdesk/shared-types';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });

export function registerAdvertiserPaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/api/advertisers',
    summary: 'The advertisers in your scope, by name, with their marketplaces (for pickers that find by name, id or marketplace)',
    responses: {
      200: { description: 'Every advertiser you may see', content: { 'application/json': { schema: AdvertiserListSchema } } },
      400: problem('A query parameter was given (none is taken)'),
      401: problem('No session'),
    },
  });
}
