/**
 * Auto-apply rules over HTTP: list, create and edit (a new version), preview a draft, backtest over history, and the
 * recorded decisions. Anyone signed in reads them; only admins write or try them. The acting user comes from the same
 * `actorOf` the lifecycle routes use; creating and editing are audited by the auth gate (`audits: 'rule-change'`).
 */
import {
  RuleBacktestSchema,
  RuleBodySchema,
  RuleDecisionListSchema,
  RuleIdParamsSchema,
  RuleListSchema,
  RulePreviewBodySchema,
  RulePreviewSchema,
  RuleSchema,
} from '@recdesk/shared-types';
import { actorOf } from '../http/actor.ts';
import { type AnyApiRoute, apiRoute, json, problem } from '../http/api-route.ts';
import type { RuleService } from './rule-service.ts';

export function ruleRoutes(rules: RuleService): AnyApiRoute[] {
  return [
    apiRoute({
      method: 'get',
      path: '/rules',
      access: 'signed-in',
      advertiser: { from: 'none' },
      summary: 'The current version of every rule',
      responses: { 200: json('Rules', RuleListSchema) },
      handler: async (_input, _req, res) => {
        res.json({ items: await rules.list() });
      },
    }),
    apiRoute({
      method: 'post',
      path: '/rules',
      access: 'admin',
      advertiser: { from: 'none' },
      audits: 'rule-change',
      summary: 'Create a rule (condition text, scope, mode off / shadow / on, limits)',
      request: { body: RuleBodySchema },
      responses: {
        201: json('The rule, version 1', RuleSchema),
        400: problem('Invalid body, or the condition does not parse or compares a value of the wrong type (with its position)'),
      },
      handler: async ({ body }, req, res) => {
        res.status(201).json(await rules.create(body, actorOf(req)));
      },
    }),
    apiRoute({
      method: 'post',
      path: '/rules/preview',
      access: 'admin',
      advertiser: { from: 'item' },
      summary: 'Which current items a draft condition would take and which it would skip, and why',
      request: { body: RulePreviewBodySchema },
      responses: {
        200: json('Taken and skipped items with traces', RulePreviewSchema),
        400: problem('The condition does not parse or compares a value of the wrong type'),
      },
      handler: async ({ body }, _req, res) => {
        res.json(await rules.preview(body.expression, body.scope, body.limits, body.holdoutShare));
      },
    }),
    apiRoute({
      method: 'get',
      path: '/rules/:id',
      access: 'signed-in',
      advertiser: { from: 'none' },
      summary: 'The current version of one rule',
      request: { params: RuleIdParamsSchema },
      responses: { 200: json('The rule', RuleSchema), 404: problem('No such rule') },
      handler: async ({ params }, _req, res) => {
        res.json(await rules.get(params.id));
      },
    }),
    apiRoute({
      method: 'put',
      path: '/rules/:id',
      access: 'admin',
      advertiser: { from: 'none' },
      audits: 'rule-change',
      summary: 'Edit a rule: writes its next version',
      request: { params: RuleIdParamsSchema, body: RuleBodySchema },
      responses: {
        200: json('The new version', RuleSchema),
        400: problem('Invalid body, or the condition does not parse or compares a value of the wrong type'),
        404: problem('No such rule'),
      },
      handler: async ({ params, body }, req, res) => {
        res.json(await rules.update(params.id, body, actorOf(req)));
      },
    }),
    apiRoute({
      method: 'get',
      path: '/rules/:id/versions',
      access: 'signed-in',
      advertiser: { from: 'none' },
      summary: 'Every version of a rule, newest first: its condition, scope, mode and limits, who saved it and when',
      request: { params: RuleIdParamsSchema },
      responses: { 200: json('Versions, newest first', RuleListSchema), 404: problem('No such rule') },
      handler: async ({ params }, _req, res) => {
        res.json({ items: await rules.versions(params.id) });
      },
    }),
    apiRoute({
      method: 'post',
      path: '/rules/:id/backtest',
      access: 'admin',
      advertiser: { from: 'item' },
      summary: 'Over the stored history: how many items the rule would have taken, and what became of them',
      request: { params: RuleIdParamsSchema },
      responses: {
        200: json('The backtest', RuleBacktestSchema),
        400: problem('The saved condition fails a check added since it was saved (a type check): edit the rule'),
        404: problem('No such rule'),
      },
      handler: async ({ params }, _req, res) => {
        res.json(await rules.backtest(params.id));
      },
    }),
    apiRoute({
      method: 'get',
      path: '/rules/:id/decisions',
      access: 'signed-in',
      advertiser: { from: 'item' },
      summary: 'Every decision the rule recorded, with its version, mode and trace',
      request: { params: RuleIdParamsSchema },
      responses: { 200: json('Decisions, newest first', RuleDecisionListSchema), 404: problem('No such rule') },
      handler: async ({ params }, _req, res) => {
        res.json(await rules.decisions(params.id));
      },
    }),
  ];
}
