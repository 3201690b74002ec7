/**
 * The lifecycle actions over HTTP: approve, reject, bulk, history, re-validate, and the advertisers' guardrails.
 * Thin: parse with the shared contracts, name the actor, call the service; refusals are typed errors that the one
 * error handler turns into problem+json (409 with the current state).
 */
import {
  AcknowledgeBodySchema,
  AdvertiserParamsSchema,
  ApproveBodySchema,
  BulkActionBodySchema,
  DismissBodySchema,
  GuardrailsBodySchema,
  RecommendationIdParamsSchema,
  RejectBodySchema,
  ValidateBodySchema,
} from '@recdesk/shared-types';
import { Router } from 'express';
import { actorOf, personOf } from '../http/actor.ts';
import { parseBody, parseParams, refuseQuery } from '../http/validate.ts';
import type { GuardrailStore } from './guardrail-store.ts';
import type { LifecycleService } from './lifecycle-service.ts';

export function lifecycleRoutes(lifecycle: LifecycleService, guardrails: GuardrailStore): Router {
  const router = Router();

  router.post('/recommendations/bulk', async (req, res) => {
    const body = parseBody(BulkActionBodySchema, req);
    res.json(await lifecycle.bulk(body, actorOf(req), personOf(req)));
  });

  // Each single-item action answers the item as it is now with what the person may do next, and the other items it
  // changed (`alsoChanged`: the other side of a conflict it resolved), so no screen keeps a stale copy.
  router.post('/recommendations/:id/approve', async (req, res) => {
    const { id } = parseParams(RecommendationIdParamsSchema, req);
    const body = parseBody(ApproveBodySchema, req);
    const person = personOf(req);
    const { alsoChanged } = await lifecycle.approveWithChanges(id, body, actorOf(req), { person });
    res.json(await lifecycle.answer(id, person, alsoChanged));
  });

  router.post('/recommendations/:id/reject', async (req, res) => {
    const { id } = parseParams(RecommendationIdParamsSchema, req);
    const body = parseBody(RejectBodySchema, req);
    const person = personOf(req);
    await lifecycle.reject(id, body, actorOf(req), person);
    res.json(await lifecycle.answer(id, person));
  });

  router.post('/recommendations/:id/acknowledge', async (req, res) => {
    const { id } = parseParams(RecommendationIdParamsSchema, req);
    const body = parseBody(AcknowledgeBodySchema, req);
    const person = personOf(req);
    await lifecycle.acknowledge(id, body, actorOf(req), person);
    res.json(await lifecycle.answer(id, person));
  });

  router.post('/recommendations/:id/dismiss', async (req, res) => {
    const { id } = parseParams(RecommendationIdParamsSchema, req);
    const body = parseBody(DismissBodySchema, req);
    const person = personOf(req);
    await lifecycle.dismiss(id, body, actorOf(req), person);
    res.json(await lifecycle.answer(id, person));
  });

  router.post('/recommendations/:id/validate', async (req, res) => {
    const { id } = parseParams(RecommendationIdParamsSchema, req);
    const body = parseBody(ValidateBodySchema, req);
    await lifecycle.revalidate(id, body, actorOf(req));
    res.json(await lifecycle.answer(id, personOf(req)));
  });

  router.get('/recommendations/:id/history', async (req, res) => {
    const { id } = parseParams(RecommendationIdParamsSchema, req);
    res.json(await lifecycle.history(id));
  });

  router.get('/advertisers/:advertiserId/guardrails', async (req, res) => {
    refuseQuery(req);
    const { advertiserId } = parseParams(AdvertiserParamsSchema, req);
    res.json(await guardrails.forAdvertiser(advertiserId));
  });

  router.put('/advertisers/:advertiserId/guardrails', async (req, res) => {
    refuseQuery(req);
    const { advertiserId } = parseParams(AdvertiserParamsSchema, req);
    const body = parseBody(GuardrailsBodySchema, req);
    const updated = await guardrails.update(advertiserId, body);
    await lifecycle.validateAdvertisers([advertiserId]);
    res.json(updated);
  });

  return router;
}
