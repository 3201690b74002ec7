/**
 * The lifecycle actions over HTTP: approve, withdraw an approval (unapprove), reject, acknowledge and dismiss (insights), bulk, history, re-validate, and the
 * advertisers' guardrails.
 * Thin: the declaration names the access and the schemas, the handler names the actor and calls the service;
 * refusals are domain errors that the one error handler turns into problem+json (409 with the current state).
 */
import {
  AcknowledgeBodySchema,
  AdvertiserParamsSchema,
  ApproveBodySchema,
  BulkActionBodySchema,
  BulkActionResultSchema,
  DismissBodySchema,
  GuardrailsBodySchema,
  GuardrailsSchema,
  ItemActionAnswerSchema,
  ProblemSchema,
  RecommendationHistorySchema,
  RecommendationIdParamsSchema,
  RejectBodySchema,
  StaleVersionProblemExtraSchema,
  UnapproveBodySchema,
  ValidateBodySchema,
} from '@recdesk/shared-types';
import { actorOf, personOf } from '../http/actor.ts';
import { type AnyApiRoute, apiRoute, json, problem } from '../http/api-route.ts';
import type { GuardrailStore } from './guardrail-store.ts';
import type { LifecycleService } from './lifecycle-service.ts';

const refused = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema.and(StaleVersionProblemExtraSchema) } },
});

/** What acknowledging or dismissing an insight answers. */
const insightAnswers = {
  200: json('The insight now, with its actions', ItemActionAnswerSchema),
  404: problem('No such recommendation'),
  409: refused('Refused (not an insight, stale version, state): the current state and the reason (`block`)'),
};

export function lifecycleRoutes(lifecycle: LifecycleService, guardrails: GuardrailStore): AnyApiRoute[] {
  return [
    apiRoute({
      method: 'post',
      path: '/recommendations/bulk',
      access: 'approver',
      advertiser: { from: 'item' },
      summary: 'Approve or reject many at their versions; conflicting items are refused, never approved in bulk',
      request: { body: BulkActionBodySchema },
      responses: { 200: json('A result per item', BulkActionResultSchema) },
      handler: async ({ body }, req, res) => {
        res.json(await lifecycle.bulk(body, actorOf(req), personOf(req)));
      },
    }),
    apiRoute({
      method: 'post',
      path: '/recommendations/:id/approve',
      access: 'approver',
      advertiser: { from: 'item' },
      summary: 'Approve at the version seen; in a conflict, say what becomes of the other side (conflictResolution)',
      request: { params: RecommendationIdParamsSchema, body: ApproveBodySchema },
      responses: {
        200: json('The recommendation now, with its actions, and the other items the approval changed', ItemActionAnswerSchema),
        404: problem('No such recommendation'),
        409: refused('Refused (stale version, expired, stale data, not validated, value outside limits, conflict): the current state'),
      },
      // Each single-item action answers the item as it is now with what the person may do next, and the other items
      // it changed (`alsoChanged`: the other side of a conflict it resolved), so no screen keeps a stale copy.
      handler: async ({ params, body }, req, res) => {
        const person = personOf(req);
        const { alsoChanged } = await lifecycle.approveWithChanges(params.id, body, actorOf(req), { person });
        res.json(await lifecycle.answer(params.id, person, alsoChanged));
      },
    }),
    apiRoute({
      method: 'post',
      path: '/recommendations/:id/unapprove',
      access: 'approver',
      advertiser: { from: 'item' },
      summary: 'Withdraw an approval (or a first approval awaiting a second approver) at the version seen, before it is queued for apply',
      request: { params: RecommendationIdParamsSchema, body: UnapproveBodySchema },
      responses: {
        200: json('The recommendation now (validated again), with its actions', ItemActionAnswerSchema),
        404: problem('No such recommendation'),
        409: refused(
          'Refused (already queued for apply or applied, not approved, stale version): the current state and the reason (`block`)',
        ),
      },
      handler: async ({ params, body }, req, res) => {
        const person = personOf(req);
        await lifecycle.unapprove(params.id, body, actorOf(req), person);
        res.json(await lifecycle.answer(params.id, person));
      },
    }),
    apiRoute({
      method: 'post',
      path: '/recommendations/:id/reject',
      access: 'approver',
      advertiser: { from: 'item' },
      summary: 'Reject at the version seen, with a reason code',
      request: { params: RecommendationIdParamsSchema, body: RejectBodySchema },
      responses: {
        200: json('The rejected recommendation, with its actions', ItemActionAnswerSchema),
        404: problem('No such recommendation'),
        409: refused('Refused: the current state'),
      },
      handler: async ({ params, body }, req, res) => {
        const person = personOf(req);
        await lifecycle.reject(params.id, body, actorOf(req), person);
        res.json(await lifecycle.answer(params.id, person));
      },
    }),
    apiRoute({
      method: 'post',
      path: '/recommendations/:id/acknowledge',
      access: 'approver',
      advertiser: { from: 'item' },
      summary: 'Acknowledge an insight (nothing to apply) at the version seen',
      request: { params: RecommendationIdParamsSchema, body: AcknowledgeBodySchema },
      responses: insightAnswers,
      handler: async ({ params, body }, req, res) => {
        const person = personOf(req);
        await lifecycle.acknowledge(params.id, body, actorOf(req), person);
        res.json(await lifecycle.answer(params.id, person));
      },
    }),
    apiRoute({
      method: 'post',
      path: '/recommendations/:id/dismiss',
      access: 'approver',
      advertiser: { from: 'item' },
      summary: 'Dismiss an insight at the version seen, with a reason',
      request: { params: RecommendationIdParamsSchema, body: DismissBodySchema },
      responses: insightAnswers,
      handler: async ({ params, body }, req, res) => {
        const person = personOf(req);
        await lifecycle.dismiss(params.id, body, actorOf(req), person);
        res.json(await lifecycle.answer(params.id, person));
      },
    }),
    apiRoute({
      method: 'post',
      path: '/recommendations/:id/validate',
      access: 'approver',
      advertiser: { from: 'item' },
      summary: "Re-validate now (after re-syncing the item's source unless resync is false)",
      request: { params: RecommendationIdParamsSchema, body: ValidateBodySchema },
      responses: {
        200: json('The recommendation after validation, with its actions', ItemActionAnswerSchema),
        404: problem('No such recommendation'),
      },
      handler: async ({ params, body }, req, res) => {
        await lifecycle.revalidate(params.id, body, actorOf(req));
        res.json(await lifecycle.answer(params.id, personOf(req)));
      },
    }),
    apiRoute({
      method: 'get',
      path: '/recommendations/:id/history',
      access: 'signed-in',
      advertiser: { from: 'item' },
      summary: 'Every transition: who, when, from, to, why, and the values before and after',
      request: { params: RecommendationIdParamsSchema },
      responses: { 200: json('The events, oldest first', RecommendationHistorySchema), 404: problem('No such recommendation') },
      handler: async ({ params }, _req, res) => {
        res.json(await lifecycle.history(params.id));
      },
    }),
    apiRoute({
      method: 'get',
      path: '/advertisers/:advertiserId/guardrails',
      access: 'signed-in',
      advertiser: { from: 'param', field: 'advertiserId' },
      summary: "An advertiser's change-size guardrails (defaults from the environment, overrides per advertiser)",
      request: { params: AdvertiserParamsSchema },
      responses: { 200: json('The guardrails', GuardrailsSchema) },
      handler: async ({ params }, _req, res) => {
        res.json(await guardrails.forAdvertiser(params.advertiserId));
      },
    }),
    apiRoute({
      method: 'put',
      path: '/advertisers/:advertiserId/guardrails',
      access: 'admin',
      advertiser: { from: 'param', field: 'advertiserId' },
      summary: "Override an advertiser's guardrails (null clears an override); its items are re-validated",
      request: { params: AdvertiserParamsSchema, body: GuardrailsBodySchema },
      responses: { 200: json('The guardrails', GuardrailsSchema) },
      handler: async ({ params, body }, _req, res) => {
        const updated = await guardrails.update(params.advertiserId, body);
        await lifecycle.validateAdvertisers([params.advertiserId]);
        res.json(updated);
      },
    }),
  ];
}
