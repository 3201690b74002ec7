/**
 * The OpenAPI paths of the lifecycle actions and of the conflicts (issue 4), registered from the same shared zod
 * contracts the routes validate with. `http/openapi.ts` calls this once.
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import {
  AcknowledgeBodySchema,
  AdvertiserParamsSchema,
  ApproveBodySchema,
  BulkActionBodySchema,
  BulkActionResultSchema,
  ConflictIdParamsSchema,
  ConflictListSchema,
  ConflictWithMembersSchema,
  DetectConflictsQuerySchema,
  DetectConflictsResultSchema,
  DismissBodySchema,
  GuardrailsBodySchema,
  GuardrailsSchema,
  ItemActionAnswerSchema,
  ListConflictsQuerySchema,
  ProblemSchema,
  RecommendationHistorySchema,
  RecommendationIdParamsSchema,
  RejectBodySchema,
  StaleVersionProblemExtraSchema,
  ValidateBodySchema,
} from '@recdesk/shared-types';
import type { z } from 'zod';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });
const refused = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema.and(StaleVersionProblemExtraSchema) } },
});
const json = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });
const body = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });

export function registerLifecyclePaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'post',
    path: '/api/recommendations/{id}/approve',
    summary: 'Approve at the version seen; in a conflict, say what becomes of the other side (conflictResolution)',
    request: { params: RecommendationIdParamsSchema, body: body(ApproveBodySchema) },
    responses: {
      200: json('The recommendation now, with its actions, and the other items the approval changed', ItemActionAnswerSchema),
      400: problem('Invalid body'),
      404: problem('No such recommendation'),
      409: refused('Refused (stale version, expired, stale data, not validated, value outside limits, conflict): the current state'),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/recommendations/{id}/reject',
    summary: 'Reject at the version seen, with a reason code',
    request: { params: RecommendationIdParamsSchema, body: body(RejectBodySchema) },
    responses: {
      200: json('The rejected recommendation, with its actions', ItemActionAnswerSchema),
      400: problem('Invalid body'),
      404: problem('No such recommendation'),
      409: refused('Refused: the current state'),
    },
  });
  for (const [action, schema, summary] of [
    ['acknowledge', AcknowledgeBodySchema, 'Acknowledge an insight (nothing to apply) at the version seen'],
    ['dismiss', DismissBodySchema, 'Dismiss an insight at the version seen, with a reason'],
  ] as const) {
    registry.registerPath({
      method: 'post',
      path: `/api/recommendations/{id}/${action}`,
      summary,
      request: { params: RecommendationIdParamsSchema, body: body(schema) },
      responses: {
        200: json('The insight now, with its actions', ItemActionAnswerSchema),
        400: problem('Invalid body'),
        403: problem('Viewers may not change anything'),
        404: problem('No such recommendation'),
        409: refused('Refused (not an insight, stale version, state): the current state and the reason (`block`)'),
      },
    });
  }
  registry.registerPath({
    method: 'post',
    path: '/api/recommendations/bulk',
    summary: 'Approve or reject many at their versions; conflicting items are refused, never approved in bulk',
    request: { body: body(BulkActionBodySchema) },
    responses: { 200: json('A result per item', BulkActionResultSchema), 400: problem('Invalid body') },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/recommendations/{id}/validate',
    summary: "Re-validate now (after re-syncing the item's source unless resync is false)",
    request: { params: RecommendationIdParamsSchema, body: body(ValidateBodySchema) },
    responses: {
      200: json('The recommendation after validation, with its actions', ItemActionAnswerSchema),
      404: problem('No such recommendation'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/recommendations/{id}/history',
    summary: 'Every transition: who, when, from, to, why, and the values before and after',
    request: { params: RecommendationIdParamsSchema },
    responses: { 200: json('The events, oldest first', RecommendationHistorySchema), 404: problem('No such recommendation') },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/advertisers/{advertiserId}/guardrails',
    summary: "An advertiser's change-size guardrails (defaults from the environment, overrides per advertiser)",
    request: { params: AdvertiserParamsSchema },
    responses: { 200: json('The guardrails', GuardrailsSchema) },
  });
  registry.registerPath({
    method: 'put',
    path: '/api/advertisers/{advertiserId}/guardrails',
    summary: "Override an advertiser's guardrails (null clears an override); its items are re-validated",
    request: { params: AdvertiserParamsSchema, body: body(GuardrailsBodySchema) },
    responses: { 200: json('The guardrails', GuardrailsSchema), 400: problem('Invalid body') },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/conflicts',
    summary: 'Contradictions between recommendations, with members, explanation and suggested resolution',
    request: { query: ListConflictsQuerySchema },
    responses: { 200: json('Conflicts, newest first', ConflictListSchema), 400: problem('Invalid query') },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/conflicts/{id}',
    summary: 'One conflict with its members',
    request: { params: ConflictIdParamsSchema },
    responses: { 200: json('The conflict', ConflictWithMembersSchema), 404: problem('No such conflict') },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/conflicts/detect',
    summary: 'Run the conflict engine now, for one advertiser or all',
    request: { query: DetectConflictsQuerySchema },
    responses: { 200: json('What the run opened, resolved and superseded', DetectConflictsResultSchema) },
  });
}
