/** The OpenAPI paths of observability (issue 6): alerts, readiness. `/metrics` is Prometheus text, outside /api. */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import {
  AlertConditionParamsSchema,
  AlertConditionSchema,
  AlertsQuerySchema,
  AlertsResponseSchema,
  ProblemSchema,
  ReadinessSchema,
  UpdateAlertConditionBodySchema,
} from '@recdesk/shared-types';
import type { z } from 'zod';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });
const json = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });

export function registerObservabilityPaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/api/ready',
    summary: 'Readiness (no session needed): the database, the apply queue and the Ads API answer; only ok and short details',
    responses: { 200: json('Ready', ReadinessSchema), 503: json('Not ready: the failing checks say which', ReadinessSchema) },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/alerts',
    summary: 'Alerts (open, resolved or all, newest first) from a fresh evaluation, the conditions, and open alerts per source',
    request: { query: AlertsQuerySchema },
    responses: { 200: json('Alerts and conditions', AlertsResponseSchema), 400: problem('Invalid query') },
  });
  registry.registerPath({
    method: 'put',
    path: '/api/alerts/conditions/{id}',
    summary: "Change a condition's threshold, severity, window, minimum count or enabled (admins; audited); re-evaluates at once",
    request: { params: AlertConditionParamsSchema, body: { content: { 'application/json': { schema: UpdateAlertConditionBodySchema } } } },
    responses: {
      200: json('The condition as changed', AlertConditionSchema),
      400: problem('Invalid body (a rate threshold above 1, an unknown field)'),
      403: problem('Not an admin'),
      404: problem('No such condition'),
    },
  });
}
