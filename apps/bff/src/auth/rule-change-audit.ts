/**
 * Rule changes in the audit log, without the rules component knowing: for a successful `POST /rules` (create) or
 * `PUT /rules/:id` (a new version: expression, scope, limits or mode), the rule as it was (its current version's
 * mode, expression, scope and limits) and as the response says it is now. Mounted by the auth guard, so it covers
 * every route that changes a rule, present or future, at the one place requests pass.
 */
import type { Request, Response } from 'express';
import type { Db } from '../db/database.ts';
import type { AuditLog } from './audit-log.ts';

const RULE_CHANGE = /^\/rules(?:\/([0-9a-f-]{36}))?\/?$/i;

interface RuleRow {
  id: string;
  version: number;
  name: string;
  expression: string;
  scope: unknown;
  mode: string;
  limits: unknown;
  current: boolean;
}

type RuleSummary = Pick<RuleRow, 'version' | 'name' | 'expression' | 'scope' | 'mode' | 'limits'>;

function summary(rule: Partial<RuleSummary>): Partial<RuleSummary> {
  const { version, name, expression, scope, mode, limits } = rule;
  return { version, name, expression, scope, mode, limits };
}

/** Call for every request that passed the guard; it does something only for a rule change. */
export async function auditRuleChange(db: Db, audit: AuditLog, req: Request, res: Response, actor: string): Promise<void> {
  const match = RULE_CHANGE.exec(req.path);
  if (!match || !((req.method === 'POST' && !match[1]) || (req.method === 'PUT' && match[1]))) return;
  const id = match[1];
  const before = id
    ? await db
        .withTables<{ apply_rules: RuleRow }>()
        .selectFrom('apply_rules')
        .select(['version', 'name', 'expression', 'scope', 'mode', 'limits'])
        .where('id', '=', id)
        .where('current', '=', true)
        .executeTakeFirst()
    : undefined;
  const send = res.json.bind(res);
  res.json = (body: unknown) => {
    if (res.statusCode < 300 && body && typeof body === 'object' && 'id' in body) {
      const after = body as Partial<RuleSummary> & { id: string };
      // The answer leaves once the audit line is written, so whoever reads the log next sees it.
      audit
        .record({
          actor,
          action: 'rule.changed',
          targetType: 'rule',
          targetId: after.id,
          ip: req.ip ?? null,
          details: {
            change: id ? (before?.mode !== after.mode ? 'mode' : 'updated') : 'created',
            before: before ? summary(before) : null,
            after: summary(after),
          },
        })
        .catch(() => undefined)
        .finally(() => send(body));
      return res;
    }
    return send(body);
  };
}
