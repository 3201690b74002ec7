/**
 * `GET /api/alerts?state=open|resolved|all` for any signed-in user (source alerts are about RecDesk's pipeline, not
 * an advertiser's data), answered from a fresh evaluation; `PUT /api/alerts/conditions/:id` for admins: threshold,
 * severity, enabled, window and minimum count, recorded in the audit log with the values before and after.
 */
import { AlertConditionParamsSchema, AlertsQuerySchema, type AlertsResponse, UpdateAlertConditionBodySchema } from '@recdesk/shared-types';
import { Router } from 'express';
import type { Logger } from 'pino';
import type { AuditLog } from '../auth/audit-log.ts';
import { ForbiddenError } from '../auth/auth-errors.ts';
import { userOf } from '../auth/request-user.ts';
import { NotFoundError } from '../errors/domain-errors.ts';
import { AppError } from '../http/errors.ts';
import { parseBody, parseParams, parseQuery, refuseQuery } from '../http/validate.ts';
import type { AlertEvaluator } from './alert-evaluator.ts';
import { type AlertStore, RATE_KINDS } from './alert-store.ts';

export interface AlertRoutesDeps {
  store: AlertStore;
  evaluator: AlertEvaluator;
  audit: AuditLog;
  log: Logger;
}

export function alertRoutes({ store, evaluator, audit, log }: AlertRoutesDeps): Router {
  const router = Router();

  router.get('/alerts', async (req, res) => {
    const { state } = parseQuery(AlertsQuerySchema, req);
    // A failed evaluation still lets the alerts already recorded be read.
    await evaluator.refresh().catch((error: unknown) => log.error({ err: error }, 'alert evaluation failed'));
    const [alerts, conditions, bySource] = await Promise.all([store.alerts(state), store.conditions(), store.openBySource()]);
    const response: AlertsResponse = { alerts, conditions, bySource };
    res.json(response);
  });

  router.put('/alerts/conditions/:id', async (req, res) => {
    refuseQuery(req);
    const user = userOf(req);
    if (user?.role !== 'admin') throw new ForbiddenError('Only an admin can change alert conditions.');
    const { id } = parseParams(AlertConditionParamsSchema, req);
    const change = parseBody(UpdateAlertConditionBodySchema, req);
    const before = await store.condition(id);
    if (!before) throw new NotFoundError('Alert condition', id);
    if (change.threshold !== undefined && RATE_KINDS.has(before.kind) && change.threshold > 1) {
      throw new AppError(400, 'invalid-request', 'Invalid request body', `The threshold of ${before.kind} is a share between 0 and 1.`, {
        errors: [{ path: 'body.threshold', message: 'must be between 0 and 1 for a rate' }],
      });
    }
    const after = await store.updateCondition(id, change, user.email);
    if (!after) throw new NotFoundError('Alert condition', id);
    await audit.record({
      actor: user.email,
      action: 'alert_condition.changed',
      targetType: 'alert_condition',
      targetId: id,
      ip: req.ip ?? null,
      details: { before, after },
    });
    // The change takes effect now: an alert it no longer justifies is resolved, one it now justifies opens.
    await evaluator.evaluate().catch((error: unknown) => log.error({ err: error }, 'alert evaluation failed'));
    res.json(after);
  });

  return router;
}
