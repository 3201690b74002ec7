/**
 * Auto-apply rules over HTTP: list, create and edit (a new version), preview a draft, backtest over history, and the
 * recorded decisions. The acting user comes from the same `actorOf` the lifecycle routes use.
 */
import { RuleBodySchema, RuleIdParamsSchema, RulePreviewBodySchema } from '@recdesk/shared-types';
import { Router } from 'express';
import { actorOf } from '../http/actor.ts';
import { parseBody, parseParams } from '../http/validate.ts';
import type { RuleService } from './rule-service.ts';

export function ruleRoutes(rules: RuleService): Router {
  const router = Router();

  router.get('/rules', async (_req, res) => {
    res.json({ items: await rules.list() });
  });

  router.post('/rules', async (req, res) => {
    const body = parseBody(RuleBodySchema, req);
    res.status(201).json(await rules.create(body, actorOf(req)));
  });

  router.post('/rules/preview', async (req, res) => {
    const body = parseBody(RulePreviewBodySchema, req);
    res.json(await rules.preview(body.expression, body.scope, body.limits, body.holdoutShare));
  });

  router.get('/rules/:id', async (req, res) => {
    const { id } = parseParams(RuleIdParamsSchema, req);
    res.json(await rules.get(id));
  });

  router.put('/rules/:id', async (req, res) => {
    const { id } = parseParams(RuleIdParamsSchema, req);
    const body = parseBody(RuleBodySchema, req);
    res.json(await rules.update(id, body, actorOf(req)));
  });

  router.get('/rules/:id/versions', async (req, res) => {
    const { id } = parseParams(RuleIdParamsSchema, req);
    res.json({ items: await rules.versions(id) });
  });

  router.post('/rules/:id/backtest', async (req, res) => {
    const { id } = parseParams(RuleIdParamsSchema, req);
    res.json(await rules.backtest(id));
  });

  router.get('/rules/:id/decisions', async (req, res) => {
    const { id } = parseParams(RuleIdParamsSchema, req);
    res.json(await rules.decisions(id));
  });

  return router;
}
