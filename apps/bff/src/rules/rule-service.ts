/**
 * Auto-apply rules: the shell around the pure gate (rule-gate.ts). Rules are versioned data (an edit writes a new
 * version; decisions name the version that made them). A run evaluates every rule that is not off against the items
 * waiting for approval, records every decision with its trace, and in mode `on` approves the taken items as the rule
 * (actor type `rule` with its version) and hands them to the apply pipeline; in `shadow` it records the same
 * decisions and applies nothing. Runs follow every ingestion; preview and backtest evaluate without acting.
 */
import { randomUUID } from 'node:crypto';
import type { Actor, Recommendation, Rule, RuleBacktest, RuleBody, RuleDecisionKind, RulePreview } from '@recdesk/shared-types';
import { RuleLimitsSchema } from '@recdesk/shared-types';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { ApplyService } from '../apply/apply-service.ts';
import { ApprovalPolicyStore, type ApprovalThresholds, NO_THRESHOLDS } from '../auth/approval-policy.ts';
import type { Db } from '../db/database.ts';
import { InvalidInputError, NotFoundError } from '../errors/domain-errors.ts';
import { windowsOf } from '../impact/impact-windows.ts';
import type { LifecycleService } from '../lifecycle/lifecycle-service.ts';
import type { RecommendationStore } from '../lifecycle/recommendation-store.ts';
import { affinityOf } from '../sources/audience-insights/ai-normalise.ts';
import { type Node, parseRuleExpression, RuleParseError, RuleTypeError } from './rule-expression.ts';
import { asWhenWaiting, type BrandSignals, decide, type GateItem, type GateRule, type RuleDecision, type RuleLimits } from './rule-gate.ts';

type RuleTables = {
  apply_rules: {
    id: string;
    version: number;
    name: string;
    expression: string;
    scope: unknown;
    mode: string;
    limits: unknown;
    holdout_share: number;
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
  /** Each advertiser's two-person threshold (default: the approval policies in the database). */
  approvalPolicies?: Pick<ApprovalPolicyStore, 'thresholdsOf'>;
  /** The impact measurement's windows: a held-back control must stay untouched until its measurement settles. */
  measurementWindows?: { windowDays: number; settleDays: number };
}

/** The measurement's defaults (IMPACT_WINDOW_DAYS, IMPACT_ATTRIBUTION_SETTLE_DAYS in config/env.ts). */
const DEFAULT_MEASUREMENT_WINDOWS = { windowDays: 14, settleDays: 3 };

export class RuleSyntaxError extends InvalidInputError {
  constructor(error: RuleParseError) {
    const title = error instanceof RuleTypeError ? 'The condition compares values of the wrong type' : 'The condition cannot be parsed';
    super('invalid-rule', title, error.message, { position: error.position, pointer: error.pointer });
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

function gateRuleOf(rule: Rule, condition: Node): GateRule {
  return { id: rule.id, version: rule.version, condition, scope: rule.scope, limits: rule.limits, holdoutShare: rule.holdoutShare };
}

/** Conflict lookups by id, a thousand at a time: a backtest reads every stored item, more ids than one statement binds. */
const ID_CHUNK = 1000;

export class RuleService {
  private readonly db;
  private readonly policies: Pick<ApprovalPolicyStore, 'thresholdsOf'>;
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: RuleServiceDeps) {
    this.db = deps.db.withTables<RuleTables>();
    this.policies = deps.approvalPolicies ?? new ApprovalPolicyStore(deps.db, deps.now);
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
      holdoutShare: Number(row.holdout_share ?? 0),
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

  /** Every version of a rule, newest first: what it was, who saved it and when. */
  async versions(id: string): Promise<Rule[]> {
    const rows = await this.db.selectFrom('apply_rules').selectAll().where('id', '=', id).orderBy('version', 'desc').execute();
    if (rows.length === 0) throw new NotFoundError('Rule', id);
    return rows.map((row) => this.toRule(row));
  }

  async create(body: RuleBody, actor: Actor): Promise<Rule> {
    compile(body.expression);
    const id = randomUUID();
    await this.db
      .insertInto('apply_rules')
      .values(this.versionRow(id, 1, body, actor))
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
        .values(this.versionRow(id, current.version + 1, body, actor))
        .execute();
    });
    return this.get(id);
  }

  /** The row of one version of a rule, the current one from now on. */
  private versionRow(id: string, version: number, body: RuleBody, actor: Actor) {
    return {
      id,
      version,
      name: body.name,
      expression: body.expression,
      scope: JSON.stringify(body.scope),
      mode: body.mode,
      limits: JSON.stringify(body.limits),
      holdout_share: body.holdoutShare ?? 0,
      current: true,
      created_by: actor.id,
      created_at: this.deps.now(),
    } as never;
  }

  private async gateItems(recommendations: Recommendation[]): Promise<GateItem[]> {
    const brand = new Map<string, BrandSignals | null>();
    const thresholds = new Map<string, ApprovalThresholds>();
    const items: GateItem[] = [];
    for (const recommendation of recommendations) {
      const advertiserId = recommendation.advertiserId;
      if (this.deps.brandSignals && !brand.has(advertiserId))
        brand.set(advertiserId, await this.deps.brandSignals(advertiserId).catch(() => null));
      // Not caught: an unknown threshold must not let a rule apply what may need two people.
      if (!thresholds.has(advertiserId)) thresholds.set(advertiserId, await this.policies.thresholdsOf(advertiserId));
      items.push({
        recommendation,
        brand: brand.get(advertiserId) ?? null,
        audienceAffinity: affinityOf(recommendation),
        approvalThresholds: thresholds.get(advertiserId) ?? NO_THRESHOLDS,
      });
    }
    return items;
  }

  /** Items a rule may look at now: waiting for a decision (discovered, validated, drifted), by priority. */
  private async candidates(
    scope: GateRule['scope'],
    statuses: readonly string[] = ['discovered', 'validated', 'drifted'],
    onlyIds?: readonly string[],
  ): Promise<Recommendation[]> {
    if (onlyIds?.length === 0) return [];
    let query = this.deps.db.selectFrom('recommendations').selectAll().where('status', 'in', statuses);
    if (onlyIds) query = query.where('id', 'in', onlyIds);
    if (scope.advertiserIds.length > 0) query = query.where('advertiser_id', 'in', scope.advertiserIds);
    if (scope.sources.length > 0) query = query.where('source', 'in', scope.sources);
    const rows = await query.orderBy('priority', 'desc').orderBy('id').execute();
    const conflicts = await this.deps.store.openConflictIdsOf(rows.map((r) => r.id));
    return rows.map((row) => this.deps.store.toRecommendation(row, conflicts.get(row.id)));
  }

  async preview(expression: string, scope: GateRule['scope'], limits?: RuleLimits, holdoutShare = 0): Promise<RulePreview> {
    const rule: GateRule = {
      id: 'draft',
      version: 0,
      condition: compile(expression),
      scope,
      limits: limits ?? RuleLimitsSchema.parse({}),
      holdoutShare,
    };
    const decisions = decide(rule, await this.gateItems(await this.candidates(scope)), this.deps.now());
    const shown = (d: RuleDecision) => ({
      recommendationId: d.recommendationId,
      advertiserId: d.advertiserId,
      decision: d.decision,
      trace: d.trace.replace(/^rule v0/, 'draft'),
    });
    return { taken: decisions.filter((d) => d.take).map(shown), skipped: decisions.filter((d) => !d.take).map(shown) };
  }

  /**
   * Over the stored history: every item ever stored in the rule's scope, put through the same gate as a preview and
   * a run (`decide`), each as it stood while it waited for approval (`asWhenWaiting`: at its last refresh, as
   * `validated` if it ever was), and what became of those it would have taken. So it never counts what a run would
   * refuse: an insight, a change RecDesk cannot write, one above the two-person threshold, an item that never waited
   * for approval, a held-back control. Each item is decided alone: the limits of one item hold (a budget change above
   * the spend per run is never taken), those summed over a run or a day do not (past runs are not replayed).
   */
  async backtest(id: string): Promise<RuleBacktest> {
    const rule = await this.get(id);
    const gateRule = gateRuleOf(rule, compile(rule.expression));
    const history = await this.history(rule.scope);
    const items = await this.gateItems(history.map((h) => asWhenWaiting(h.recommendation, h.everValidated)));
    const outcomes: Record<string, number> = {};
    let wouldTake = 0;
    // What became of it is its status now, not the `validated` it is judged as.
    const fates = history.map((h) => h.recommendation.status);
    for (const [index, item] of items.entries()) {
      const [decision] = decide(gateRule, [item], new Date(item.recommendation.refreshedAt));
      if (!decision?.take) continue;
      wouldTake++;
      const fate = fates[index] as string;
      outcomes[fate] = (outcomes[fate] ?? 0) + 1;
    }
    return { ruleId: id, version: rule.version, considered: items.length, wouldTake, outcomes };
  }

  /** Every stored item in the scope, with its open conflicts and whether it was ever validated (its events say). */
  private async history(scope: GateRule['scope']): Promise<{ recommendation: Recommendation; everValidated: boolean }[]> {
    let query = this.deps.db
      .selectFrom('recommendations')
      .selectAll('recommendations')
      .select((eb) =>
        eb
          .exists(
            eb
              .selectFrom('recommendation_events')
              .select('recommendation_events.id')
              .whereRef('recommendation_events.recommendation_id', '=', 'recommendations.id')
              .where('recommendation_events.to_status', '=', 'validated'),
          )
          .as('ever_validated'),
      );
    if (scope.advertiserIds.length > 0) query = query.where('advertiser_id', 'in', scope.advertiserIds);
    if (scope.sources.length > 0) query = query.where('source', 'in', scope.sources);
    const rows = await query.execute();
    const conflicts = new Map<string, string[]>();
    for (let start = 0; start < rows.length; start += ID_CHUNK) {
      const chunk = rows.slice(start, start + ID_CHUNK).map((row) => row.id);
      for (const [itemId, ids] of await this.deps.store.openConflictIdsOf(chunk)) conflicts.set(itemId, ids);
    }
    return rows.map((row) => ({
      recommendation: this.deps.store.toRecommendation(row, conflicts.get(row.id)),
      everValidated: Boolean(row.ever_validated),
    }));
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
        decision: row.decision as RuleDecisionKind,
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

  /**
   * The urgent lane: runs every rule that is not off over just these items (new Marketing Stream items: budget usage
   * near the cap, budgets of campaigns out of budget), within seconds of their arrival instead of at the next sync.
   */
  runFor(ids: readonly string[], trigger: string): Promise<{ runId: string; taken: number; applied: number }[]> {
    const run = this.running.then(() => this.runAllNow(trigger, ids));
    this.running = run.catch(() => undefined);
    return run;
  }

  private async runAllNow(trigger: string, onlyIds?: readonly string[]) {
    const results = [];
    for (const rule of await this.list()) {
      if (rule.mode === 'off') continue;
      const condition = this.storedCondition(rule);
      if (condition) results.push(await this.runRule(gateRuleOf(rule, condition), rule, trigger, onlyIds));
    }
    return results;
  }

  /**
   * The condition of a saved rule, or null when the language refuses it now (saved before a check was added, such as
   * the type check): that rule is not run, and says so, while the others still are.
   */
  private storedCondition(rule: Rule): Node | null {
    try {
      return compile(rule.expression);
    } catch (error) {
      if (!(error instanceof RuleSyntaxError)) throw error;
      this.deps.log.warn({ rule: rule.id, version: rule.version, error: error.message }, 'rule not run: its condition is refused, edit it');
      return null;
    }
  }

  private async runRule(
    gateRule: GateRule,
    rule: Rule,
    trigger: string,
    onlyIds?: readonly string[],
  ): Promise<{ runId: string; taken: number; applied: number }> {
    const now = this.deps.now();
    const runId = randomUUID();
    const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    const used = await sql<{ items: string; spend: string | null }>`
      SELECT count(*) AS items, sum(abs(spend_change)) AS spend FROM rule_decisions
      WHERE rule_id = ${rule.id} AND mode = ${rule.mode} AND decision = 'take' AND at >= ${dayStart}`.execute(this.deps.db);
    const usedToday = { items: Number(used.rows[0]?.items ?? 0), spend: Number(used.rows[0]?.spend ?? 0) };
    // A run records what it would take (or hold back), but never the same item twice for one rule version. (A control
    // held back by a rule is refused by the gate itself, so a preview and a backtest refuse it too.)
    const candidates = await this.candidates(rule.scope, undefined, onlyIds);
    const alreadyDecided = new Set(
      (
        await this.db
          .selectFrom('rule_decisions')
          .select('recommendation_id')
          .where('rule_id', '=', rule.id)
          .where('rule_version', '=', rule.version)
          .where('decision', 'in', ['take', 'hold'])
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
      decision: d.decision,
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
    await this.markControls(
      rule,
      decisions.filter((d) => d.decision === 'hold').map((d) => d.recommendationId),
      now,
    );
    this.deps.log.info(
      {
        rule: rule.id,
        version: rule.version,
        mode: rule.mode,
        trigger,
        considered: decisions.length,
        taken: taken.length,
        held: decisions.filter((d) => d.decision === 'hold').length,
        applied,
      },
      'rule run',
    );
    return { runId, taken: taken.length, applied };
  }

  /**
   * Marks what an active rule held back as its control group until the measurement settles (the queue shows it, an
   * approval must confirm leaving it). A shadow rule applies nothing, so what it holds back is no control. An item
   * already in a control group, or taken out of one by a person, keeps its first mark.
   */
  private async markControls(rule: Rule, ids: readonly string[], now: Date): Promise<void> {
    if (rule.mode !== 'on' || ids.length === 0) return;
    const { windowDays, settleDays } = this.deps.measurementWindows ?? DEFAULT_MEASUREMENT_WINDOWS;
    const until = windowsOf(now, windowDays, settleDays).measuringUntil;
    await this.deps.db
      .updateTable('recommendations')
      .set({ control_rule_id: rule.id, control_rule_name: rule.name, control_until: until })
      .where('id', 'in', ids)
      .where('control_rule_id', 'is', null)
      .execute();
  }
}
