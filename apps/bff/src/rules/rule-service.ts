/**
 * Auto-apply rules: the shell around the pure gate (rule-gate.ts). Rules are versioned data (an edit writes a new
 * version; decisions name the version that made them). A run evaluates every rule that is not off against the items
 * waiting for approval, records every decision with its trace, and in mode `on` approves the taken items as the rule
 * (actor type `rule` with its version) and hands them to the apply pipeline; in `shadow` it records the same
 * decisions and applies nothing. Runs follow every ingestion; preview and backtest evaluate without acting.
 */
import { randomUUID } from 'node:crypto';
import type { Actor, Recommendation, Rule, RuleBacktest, RuleBody, RulePreview } from '@recdesk/shared-types';
import { RuleLimitsSchema } from '@recdesk/shared-types';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { ApplyService } from '../apply/apply-service.ts';
import type { Db } from '../db/database.ts';
import { AppError, NotFoundError } from '../http/errors.ts';
import type { LifecycleService } from '../lifecycle/lifecycle-service.ts';
import type { RecommendationStore } from '../lifecycle/recommendation-store.ts';
import { evaluate, parseRuleExpression, RuleParseError } from './rule-expression.ts';
import {
  type BrandSignals,
  decide,
  fieldsOf,
  type GateItem,
  type GateRule,
  inScope,
  type RuleDecision,
  type RuleLimits,
} from './rule-gate.ts';

type RuleTables = {
  apply_rules: {
    id: string;
    version: number;
    name: string;
    expression: string;
    scope: unknown;
    mode: string;
    limits: unknown;
    current: boolean;
    created_by: string;
    created_at: Date | string;
  };
  rule_decisions: {
    id: string | undefined;
    rule_id: string;
    rule_version: number;
    run_id: string;
    recommendation_id: string;
    advertiser_id: string;
    mode: string;
    decision: string;
    applied: boolean;
    spend_change: number;
    trace: string;
    batch_id: string | null;
    at: Date | string;
  };
};

export interface RuleServiceDeps {
  db: Db;
  store: RecommendationStore;
  lifecycle: LifecycleService;
  apply: ApplyService;
  log: Logger;
  now: () => Date;
  /** Brand Metrics of an advertiser (src/sources/brand-metrics), for conditions on brand signals. */
  brandSignals?: (advertiserId: string) => Promise<BrandSignals | null>;
}

export class RuleSyntaxError extends AppError {
  constructor(error: RuleParseError) {
    super(400, 'invalid-rule', 'The condition cannot be parsed', error.message, { position: error.position, pointer: error.pointer });
  }
}

function compile(expression: string) {
  try {
    return parseRuleExpression(expression);
  } catch (error) {
    if (error instanceof RuleParseError) throw new RuleSyntaxError(error);
    throw error;
  }
}

export class RuleService {
  private readonly db;
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: RuleServiceDeps) {
    this.db = deps.db.withTables<RuleTables>();
  }

  private toRule(row: RuleTables['apply_rules']): Rule {
    return {
      id: row.id,
      version: row.version,
      name: row.name,
      expression: row.expression,
      scope: row.scope as Rule['scope'],
      mode: row.mode as Rule['mode'],
      limits: row.limits as Rule['limits'],
      createdBy: row.created_by,
      createdAt: new Date(row.created_at).toISOString(),
    };
  }

  async list(): Promise<Rule[]> {
    const rows = await this.db.selectFrom('apply_rules').selectAll().where('current', '=', true).orderBy('created_at').execute();
    return rows.map((row) => this.toRule(row));
  }

  async get(id: string): Promise<Rule> {
    const row = await this.db.selectFrom('apply_rules').selectAll().where('id', '=', id).where('current', '=', true).executeTakeFirst();
    if (!row) throw new NotFoundError('Rule', id);
    return this.toRule(row);
  }

  async create(body: RuleBody, actor: Actor): Promise<Rule> {
    compile(body.expression);
    const id = randomUUID();
    await this.db
      .insertInto('apply_rules')
      .values({
        id,
        version: 1,
        name: body.name,
        expression: body.expression,
        scope: JSON.stringify(body.scope),
        mode: body.mode,
        limits: JSON.stringify(body.limits),
        current: true,
        created_by: actor.id,
        created_at: this.deps.now(),
      } as never)
      .execute();
    return this.get(id);
  }

  /** A new version of the rule; the old one stays for the decisions that name it. */
  async update(id: string, body: RuleBody, actor: Actor): Promise<Rule> {
    compile(body.expression);
    const current = await this.get(id);
    await this.deps.db.transaction().execute(async (raw) => {
      const trx = raw.withTables<RuleTables>();
      await trx.updateTable('apply_rules').set({ current: false }).where('id', '=', id).where('version', '=', current.version).execute();
      await trx
        .insertInto('apply_rules')
        .values({
          id,
          version: current.version + 1,
          name: body.name,
          expression: body.expression,
          scope: JSON.stringify(body.scope),
          mode: body.mode,
          limits: JSON.stringify(body.limits),
          current: true,
          created_by: actor.id,
          created_at: this.deps.now(),
        } as never)
        .execute();
    });
    return this.get(id);
  }

  private async gateItems(recommendations: Recommendation[]): Promise<GateItem[]> {
    const brand = new Map<string, BrandSignals | null>();
    const items: GateItem[] = [];
    for (const recommendation of recommendations) {
      if (this.deps.brandSignals && !brand.has(recommendation.advertiserId))
        brand.set(recommendation.advertiserId, await this.deps.brandSignals(recommendation.advertiserId).catch(() => null));
      items.push({ recommendation, brand: brand.get(recommendation.advertiserId) ?? null });
    }
    return items;
  }

  /** Items a rule may look at now: waiting for a decision (discovered, validated, drifted), by priority. */
  private async candidates(
    scope: GateRule['scope'],
    statuses: readonly string[] = ['discovered', 'validated', 'drifted'],
  ): Promise<Recommendation[]> {
    let query = this.deps.db.selectFrom('recommendations').selectAll().where('status', 'in', statuses);
    if (scope.advertiserIds.length > 0) query = query.where('advertiser_id', 'in', scope.advertiserIds);
    if (scope.sources.length > 0) query = query.where('source', 'in', scope.sources);
    const rows = await query.orderBy('priority', 'desc').orderBy('id').execute();
    const conflicts = await this.deps.store.openConflictIdsOf(rows.map((r) => r.id));
    return rows.map((row) => this.deps.store.toRecommendation(row, conflicts.get(row.id)));
  }

  async preview(expression: string, scope: GateRule['scope'], limits?: RuleLimits): Promise<RulePreview> {
    const rule: GateRule = { id: 'draft', version: 0, condition: compile(expression), scope, limits: limits ?? RuleLimitsSchema.parse({}) };
    const decisions = decide(rule, await this.gateItems(await this.candidates(scope)), this.deps.now());
    const shown = (d: RuleDecision) => ({
      recommendationId: d.recommendationId,
      advertiserId: d.advertiserId,
      decision: d.take ? ('take' as const) : ('skip' as const),
      trace: d.trace.replace(/^rule v0/, 'draft'),
    });
    return { taken: decisions.filter((d) => d.take).map(shown), skipped: decisions.filter((d) => !d.take).map(shown) };
  }

  /**
   * Over the stored history: every item ever stored in the rule's scope, judged by its condition alone (freshness
   * and conflicts at the time are not kept), and what became of those it would have taken.
   */
  async backtest(id: string): Promise<RuleBacktest> {
    const rule = await this.get(id);
    const condition = compile(rule.expression);
    let query = this.deps.db.selectFrom('recommendations').selectAll();
    if (rule.scope.advertiserIds.length > 0) query = query.where('advertiser_id', 'in', rule.scope.advertiserIds);
    if (rule.scope.sources.length > 0) query = query.where('source', 'in', rule.scope.sources);
    const rows = await query.execute();
    const items = await this.gateItems(rows.map((row) => this.deps.store.toRecommendation(row)));
    const outcomes: Record<string, number> = {};
    let wouldTake = 0;
    for (const item of items) {
      if (!inScope(rule.scope, item.recommendation)) continue;
      if (!evaluate(condition, fieldsOf(item, new Date(item.recommendation.refreshedAt))).matched) continue;
      wouldTake++;
      outcomes[item.recommendation.status] = (outcomes[item.recommendation.status] ?? 0) + 1;
    }
    return { ruleId: id, version: rule.version, considered: items.length, wouldTake, outcomes };
  }

  async decisions(id: string, limit = 500) {
    await this.get(id);
    const rows = await this.db
      .selectFrom('rule_decisions')
      .selectAll()
      .where('rule_id', '=', id)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return {
      items: rows.map((row) => ({
        recommendationId: row.recommendation_id,
        advertiserId: row.advertiser_id,
        decision: row.decision as 'take' | 'skip',
        trace: row.trace,
        ruleVersion: row.rule_version,
        runId: row.run_id,
        mode: row.mode as Rule['mode'],
        applied: row.applied,
        batchId: row.batch_id,
        at: new Date(row.at).toISOString(),
      })),
    };
  }

  /** Runs every rule that is not off, one run at a time (after an ingestion, or on demand). */
  runAll(trigger: string): Promise<{ runId: string; taken: number; applied: number }[]> {
    const run = this.running.then(() => this.runAllNow(trigger));
    this.running = run.catch(() => undefined);
    return run;
  }

  private async runAllNow(trigger: string) {
    const results = [];
    for (const rule of await this.list()) if (rule.mode !== 'off') results.push(await this.runRule(rule, trigger));
    return results;
  }

  private async runRule(rule: Rule, trigger: string): Promise<{ runId: string; taken: number; applied: number }> {
    const now = this.deps.now();
    const runId = randomUUID();
    const gateRule: GateRule = {
      id: rule.id,
      version: rule.version,
      condition: compile(rule.expression),
      scope: rule.scope,
      limits: rule.limits,
    };
    const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    const used = await sql<{ items: string; spend: string | null }>`
      SELECT count(*) AS items, sum(abs(spend_change)) AS spend FROM rule_decisions
      WHERE rule_id = ${rule.id} AND mode = ${rule.mode} AND decision = 'take' AND at >= ${dayStart}`.execute(this.deps.db);
    const usedToday = { items: Number(used.rows[0]?.items ?? 0), spend: Number(used.rows[0]?.spend ?? 0) };
    // A shadow run records what it would take, but never takes the same item twice in its record.
    const candidates = await this.candidates(rule.scope);
    const alreadyDecided = new Set(
      (
        await this.db
          .selectFrom('rule_decisions')
          .select('recommendation_id')
          .where('rule_id', '=', rule.id)
          .where('rule_version', '=', rule.version)
          .where('decision', '=', 'take')
          .execute()
      ).map((r) => r.recommendation_id),
    );
    const decisions = decide(gateRule, await this.gateItems(candidates.filter((c) => !alreadyDecided.has(c.id))), now, usedToday);
    const taken = decisions.filter((d) => d.take);
    let applied = 0;
    let batchId: string | null = null;
    const actor: Actor = { type: 'rule', id: rule.id, version: rule.version };
    if (rule.mode === 'on' && taken.length > 0) {
      const approved = await this.deps.db.transaction().execute((trx) =>
        this.deps.lifecycle.transitionMany(
          trx,
          taken.map((d) => ({ id: d.recommendationId, from: 'validated', to: 'approved', reason: d.trace })),
          actor,
        ),
      );
      if (approved.size > 0) {
        const accepted = await this.deps.apply.apply([...approved], actor);
        batchId = accepted.batchId;
        applied = accepted.queued;
      }
    }
    const rows = decisions.map((d) => ({
      rule_id: rule.id,
      rule_version: rule.version,
      run_id: runId,
      recommendation_id: d.recommendationId,
      advertiser_id: d.advertiserId,
      mode: rule.mode,
      decision: d.take ? 'take' : 'skip',
      applied: rule.mode === 'on' && d.take && batchId !== null,
      spend_change: d.spendChange,
      trace: d.trace,
      batch_id: d.take ? batchId : null,
      at: now,
    }));
    for (let start = 0; start < rows.length; start += 500)
      await this.db
        .insertInto('rule_decisions')
        .values(rows.slice(start, start + 500) as never)
        .execute();
    this.deps.log.info(
      { rule: rule.id, version: rule.version, mode: rule.mode, trigger, considered: decisions.length, taken: taken.length, applied },
      'rule run',
    );
    return { runId, taken: taken.length, applied };
  }
}
