/**
 * The OpenAPI paths of the apply pipeline and the auto-apply rules (issue 5), registered from the same shared zod
 * contracts the routes validate with. `http/openapi.ts` calls this once.
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import {
  ApplyAcceptedSchema,
  ApplyBatchParamsSchema,
  ApplyBatchSchema,
  ApplyBodySchema,
  ProblemSchema,
  RetryFailedResultSchema,
  RuleBacktestSchema,
  RuleBodySchema,
  RuleDecisionListSchema,
  RuleIdParamsSchema,
  RuleListSchema,
  RulePreviewBodySchema,
  RulePreviewSchema,
  RuleSchema,
  UndoAcceptedSchema,
  UndoBodySchema,
  UndoChangedSinceSchema,
} from '@recdesk/shared-types';
import { z } from 'zod';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });
const json = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });
const body = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });

export function registerApplyPaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'post',
    path: '/api/apply',
    summary: 'Queue the approved items among ids as one batch; answers at once, a worker applies them upstream',
    request: { body: body(ApplyBodySchema) },
    responses: {
      202: json('The batch id, and the ids refused with why', ApplyAcceptedSchema),
      409: problem('None of the items can be applied'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/apply/{batchId}',
    summary: 'Each item of a batch (queued, applying, applied, failed with the upstream reason, drifted), counts and an ETA',
    request: { params: ApplyBatchParamsSchema },
    responses: { 200: json('The batch', ApplyBatchSchema), 404: problem('No such batch') },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/apply/{batchId}/retry-failed',
    summary: "Queue the batch's failed items again, and only those",
    request: { params: ApplyBatchParamsSchema },
    responses: { 202: json('How many were queued again', RetryFailedResultSchema), 404: problem('No such batch') },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/undo',
    summary: 'Apply the values before back, for items or a batch; asks (409) when a value changed since it was applied',
    request: { body: body(UndoBodySchema) },
    responses: {
      202: json('The undo batch, and the items that cannot be undone with why', UndoAcceptedSchema),
      409: {
        description: 'A value changed since: the original, applied and current values; nothing was undone',
        content: { 'application/problem+json': { schema: ProblemSchema.and(z.object({ changed: z.array(UndoChangedSinceSchema) })) } },
      },
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/rules',
    summary: 'The current version of every rule',
    responses: { 200: json('Rules', RuleListSchema) },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/rules',
    summary: 'Create a rule (condition text, scope, mode off / shadow / on, limits)',
    request: { body: body(RuleBodySchema) },
    responses: {
      201: json('The rule, version 1', RuleSchema),
      400: problem('Invalid body, or the condition does not parse (with its position)'),
    },
  });
  registry.registerPath({
    method: 'put',
    path: '/api/rules/{id}',
    summary: 'Edit a rule: writes its next version',
    request: { params: RuleIdParamsSchema, body: body(RuleBodySchema) },
    responses: { 200: json('The new version', RuleSchema), 400: problem('Invalid body or condition'), 404: problem('No such rule') },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/rules/preview',
    summary: 'Which current items a draft condition would take and which it would skip, and why',
    request: { body: body(RulePreviewBodySchema) },
    responses: { 200: json('Taken and skipped items with traces', RulePreviewSchema), 400: problem('The condition does not parse') },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/rules/{id}/versions',
    summary: 'Every version of a rule, newest first: its condition, scope, mode and limits, who saved it and when',
    request: { params: RuleIdParamsSchema },
    responses: { 200: json('Versions, newest first', RuleListSchema), 404: problem('No such rule') },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/rules/{id}/backtest',
    summary: 'Over the stored history: how many items the rule would have taken, and what became of them',
    request: { params: RuleIdParamsSchema },
    responses: { 200: json('The backtest', RuleBacktestSchema), 404: problem('No such rule') },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/rules/{id}/decisions',
    summary: 'Every decision the rule recorded, with its version, mode and trace',
    request: { params: RuleIdParamsSchema },
    responses: { 200: json('Decisions, newest first', RuleDecisionListSchema), 404: problem('No such rule') },
  });
}
