/**
 * Rule changes in the audit log, without the rules component knowing: for a successful `POST /rules` (create) or
 * `PUT /rules/:id` (a new version: expression, scope, limits or mode), the rule as it was (its current version's
 * mode, expression, scope and limits) and as the response says it is now. Called by the auth gate for every route whose
 * declaration says `audits: 'rule-change'`, so the rules component need not know the audit log.
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Db } from '../db/database.ts';
import type { AuditLog } from './audit-log.ts';

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

/** For a route that creates (no `ruleId`) or edits (`ruleId`) a rule; an id that is no uuid is refused by its schema. */
export async function auditRuleChange(db: Db, audit: AuditLog, req: Request, res: Response, actor: string, ruleId?: string): Promise<void> {
  if (ruleId !== undefined && !z.uuid().safeParse(ruleId).success) return;
  const id = ruleId;
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
