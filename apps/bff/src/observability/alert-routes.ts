/**
 * `GET /api/alerts?state=open|resolved|all` for any signed-in user (source alerts are about RecDesk's pipeline, not
 * an advertiser's data), answered from a fresh evaluation; `PUT /api/alerts/conditions/:id` for admins: threshold,
 * severity, enabled, window and minimum count, recorded in the audit log with the values before and after.
 */
import {
  AlertConditionParamsSchema,
  AlertConditionSchema,
  AlertsQuerySchema,
  type AlertsResponse,
  AlertsResponseSchema,
  UpdateAlertConditionBodySchema,
} from '@recdesk/shared-types';
import type { Logger } from 'pino';
import type { AuditLog } from '../auth/audit-log.ts';
import { userOf } from '../auth/request-user.ts';
import { NotFoundError } from '../errors/domain-errors.ts';
import { type AnyApiRoute, apiRoute, json, problem } from '../http/api-route.ts';
import { AppError } from '../http/errors.ts';
import type { AlertEvaluator } from './alert-evaluator.ts';
import { type AlertStore, RATE_KINDS } from './alert-store.ts';

export interface AlertRoutesDeps {
  store: AlertStore;
  evaluator: AlertEvaluator;
  audit: AuditLog;
  log: Logger;
}

export function alertRoutes({ store, evaluator, audit, log }: AlertRoutesDeps): AnyApiRoute[] {
  return [
    apiRoute({
      method: 'get',
      path: '/alerts',
      access: 'signed-in',
      advertiser: { from: 'none' },
      summary: 'Alerts (open, resolved or all, newest first) from a fresh evaluation, the conditions, and open alerts per source',
      request: { query: AlertsQuerySchema },
      responses: { 200: json('Alerts and conditions', AlertsResponseSchema) },
      handler: async ({ query }, _req, res) => {
        // A failed evaluation still lets the alerts already recorded be read.
        await evaluator.refresh().catch((error: unknown) => log.error({ err: error }, 'alert evaluation failed'));
        const [alerts, conditions, bySource] = await Promise.all([store.alerts(query.state), store.conditions(), store.openBySource()]);
        const response: AlertsResponse = { alerts, conditions, bySource };
        res.json(response);
      },
    }),
    apiRoute({
      method: 'put',
      path: '/alerts/conditions/:id',
      access: 'admin',
      advertiser: { from: 'none' },
      summary: "Change a condition's threshold, severity, window, minimum count or enabled (admins; audited); re-evaluates at once",
      request: { params: AlertConditionParamsSchema, body: UpdateAlertConditionBodySchema },
      responses: {
        200: json('The condition as changed', AlertConditionSchema),
        400: problem('Invalid body (a rate threshold above 1, an unknown field)'),
        404: problem('No such condition'),
      },
      handler: async ({ params, body: change }, req, res) => {
        const { id } = params;
        const email = userOf(req)?.email ?? 'anonymous';
        const before = await store.condition(id);
        if (!before) throw new NotFoundError('Alert condition', id);
        if (change.threshold !== undefined && RATE_KINDS.has(before.kind) && change.threshold > 1) {
          throw new AppError(
            400,
            'invalid-request',
            'Invalid request body',
            `The threshold of ${before.kind} is a share between 0 and 1.`,
            {
              errors: [{ path: 'body.threshold', message: 'must be between 0 and 1 for a rate' }],
            },
          );
        }
        const after = await store.updateCondition(id, change, email);
        if (!after) throw new NotFoundError('Alert condition', id);
        await audit.record({
          actor: email,
          action: 'alert_condition.changed',
          targetType: 'alert_condition',
          targetId: id,
          ip: req.ip ?? null,
          details: { before, after },
        });
        // The change takes effect now: an alert it no longer justifies is resolved, one it now justifies opens.
        await evaluator.evaluate().catch((error: unknown) => log.error({ err: error }, 'alert evaluation failed'));
        res.json(after);
      },
    }),
  ];
}
