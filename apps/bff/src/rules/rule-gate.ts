/**
 * The rule gate, a pure function: for one rule version and the items in its scope, which it takes and which it
 * skips, each with a trace ("rule v3 matched: confidence 0.86 > 0.8, impactScore 8.1 > 7, fresh 5 h, no conflict").
 * A rule never takes an item that is expired, stale, drifted, failing validation, in an unresolved conflict or not
 * applicable, whatever its condition says; and it stops at its limits (items and total spend change, per run and per
 * day, counting what it already took today). An item above its advertiser's two-person threshold is skipped ("needs
 * a second approver"), and a rule with a holdout share holds back that share of what it would take as a control group
 * (decision `hold`, "held back as control"). Preview, run and backtest all decide here, so they cannot disagree.
 */
import { createHash } from 'node:crypto';
import { adProductOf, type Recommendation, type RuleDecisionKind } from '@recdesk/shared-types';
import { writerOf } from '../apply/apply-plan.ts';
import { type ApprovalThresholds, NO_THRESHOLDS, stakeOf, thresholdPassed } from '../auth/approval-policy.ts';
import { evaluate, type FieldValues, type Node } from './rule-expression.ts';

export interface RuleLimits {
  maxItemsPerRun: number;
  maxItemsPerDay: number;
  /** Absolute daily spend change (sum over taken items), per run and per day. */
  maxSpendChangePerRun: number;
  maxSpendChangePerDay: number;
}

export interface RuleScope {
  advertiserIds: string[];
  sources: string[];
}

export interface GateRule {
  id: string;
  version: number;
  condition: Node;
  scope: RuleScope;
  limits: RuleLimits;
  /** Share (0 to 0.5) of the items it would take that it holds back as a control group. */
  holdoutShare?: number;
}

export interface Percentiles {
  p25: number;
  p50: number;
  p75: number;
  p90: number;
}

export interface BrandSignals {
  newToBrandCustomerRate: number | null;
  customerConversionRate: number | null;
  /** The same signals' distribution over the brands of the advertiser's category (Brand Benchmarks), when known. */
  category?: { newToBrandCustomerRate?: Percentiles; customerConversionRate?: Percentiles } | null;
}

export interface GateItem {
  recommendation: Recommendation;
  brand?: BrandSignals | null;
  audienceAffinity?: number | null;
  /** The advertiser's two-person thresholds (src/auth/approval-policy.ts): above one, one approver is not enough. */
  approvalThresholds?: ApprovalThresholds;
}

export interface RuleDecision {
  recommendationId: string;
  advertiserId: string;
  take: boolean;
  decision: RuleDecisionKind;
  spendChange: number;
  trace: string;
}

/**
 * Where an item falls in [0, 1), from its id alone: the same item is in or out of a rule's control group on every
 * run and every version, and the measurement can tell the cohorts apart later.
 */
export function holdoutPoint(recommendationId: string): number {
  return createHash('sha256').update(recommendationId).digest().readUInt32BE(0) / 2 ** 32;
}

export function inScope(scope: RuleScope, recommendation: Pick<Recommendation, 'advertiserId' | 'source'>): boolean {
  return (
    (scope.advertiserIds.length === 0 || scope.advertiserIds.includes(recommendation.advertiserId)) &&
    (scope.sources.length === 0 || scope.sources.includes(recommendation.source))
  );
}

/** Daily spend the change implies: a budget's difference; bids and the rest count 0 (their spend is not known). */
export function spendChangeOf(recommendation: Recommendation, approvedValue: number | null = null): number {
  const { action } = recommendation;
  const to = approvedValue ?? action.to;
  if (action.type === 'set-budget' && typeof action.from === 'number' && typeof to === 'number') return to - action.from;
  if (action.type === 'set-budget' && typeof to === 'number') return to;
  return 0;
}

export function fieldsOf(item: GateItem, now: Date): FieldValues {
  const r = item.recommendation;
  const { from, to } = r.action;
  const changePercent =
    typeof from === 'number' && typeof to === 'number' && from !== 0 ? (Math.abs(to - from) / Math.abs(from)) * 100 : null;
  return {
    source: r.source,
    adProduct: adProductOf(r.source),
    sourceType: r.sourceType,
    kind: r.kind,
    goal: r.goal,
    advertiser: r.advertiserId,
    actionType: r.action.type,
    confidence: r.confidence,
    impactScore: r.impactScore,
    estimatedImpact: r.estimatedImpact[0]?.upper ?? r.estimatedImpact[0]?.lower ?? null,
    changePercent: changePercent === null ? null : Math.round(changePercent * 100) / 100,
    spendChange: spendChangeOf(r),
    newToBrandCustomerRate: item.brand?.newToBrandCustomerRate ?? null,
    customerConversionRate: item.brand?.customerConversionRate ?? null,
    audienceAffinity: item.audienceAffinity ?? null,
    ...categoryFieldsOf(item.brand?.category ?? null),
    freshnessHours: Math.round(((now.getTime() - new Date(r.refreshedAt).getTime()) / 3_600_000) * 10) / 10,
  };
}

function categoryFieldsOf(category: BrandSignals['category']): FieldValues {
  const ntb = category?.newToBrandCustomerRate;
  const ccr = category?.customerConversionRate;
  return {
    categoryNewToBrandCustomerRateP25: ntb?.p25 ?? null,
    categoryNewToBrandCustomerRateP50: ntb?.p50 ?? null,
    categoryNewToBrandCustomerRateP75: ntb?.p75 ?? null,
    categoryNewToBrandCustomerRateP90: ntb?.p90 ?? null,
    categoryCustomerConversionRateP25: ccr?.p25 ?? null,
    categoryCustomerConversionRateP50: ccr?.p50 ?? null,
    categoryCustomerConversionRateP75: ccr?.p75 ?? null,
    categoryCustomerConversionRateP90: ccr?.p90 ?? null,
  };
}

/** Why the item may never be auto-applied now, or null. */
export function blockerOf(recommendation: Recommendation, now: Date): string | null {
  if (recommendation.expiresAt && new Date(recommendation.expiresAt).getTime() <= now.getTime()) return 'expired';
  if (recommendation.status === 'expired') return 'expired';
  if (recommendation.status === 'drifted') return 'drifted: the live value changed';
  if (recommendation.freshness === 'stale') return 'stale';
  if (recommendation.validationIssues.length > 0)
    return `failing validation (${recommendation.validationIssues.map((i) => i.code).join(', ')})`;
  if (recommendation.conflictIds.length > 0) return `in an unresolved conflict (${recommendation.conflictIds.length})`;
  // A control must stay untouched until it is measured: by every rule, the one that held it back included.
  if (recommendation.controlGroup)
    return `held back as the control of rule "${recommendation.controlGroup.ruleName}" until ${recommendation.controlGroup.until}`;
  if (!recommendation.applicable) return 'not applicable upstream';
  // A change no writer can make (a headline to paste, an audience to add in Amazon Ads) is never approved by a rule.
  const writer = writerOf(recommendation);
  if (!writer.ok && writer.code === 'no_writer') return 'not writable by RecDesk (apply it in Amazon Ads)';
  if (recommendation.status !== 'validated') return `status ${recommendation.status}, not waiting for approval`;
  return null;
}

/** Statuses an item reaches only through an approval, so only after waiting for one as `validated`. */
const PAST_APPROVAL: ReadonlySet<Recommendation['status']> = new Set([
  'approved',
  'applying',
  'applied',
  'failed',
  'measured',
  'rolled_back',
]);

/**
 * A stored item as a run would have seen it while it waited for approval, for a backtest over history: its status now
 * tells what became of it (applied, expired, rejected...), not what it was then, and its freshness now is its age. So
 * it is judged at its last refresh (fresh then), as `validated` if it ever was; everything else the gate reads
 * (applicable upstream, writable, validation, open conflicts, control group, expiry) is kept as it is.
 */
export function asWhenWaiting(recommendation: Recommendation, everValidated: boolean): Recommendation {
  const waited = everValidated || recommendation.status === 'validated' || PAST_APPROVAL.has(recommendation.status);
  return { ...recommendation, freshness: 'fresh', status: waited ? 'validated' : recommendation.status };
}

/**
 * Decides every item; `usedToday` is what the rule already took today (items and absolute spend change).
 * Items are considered in the given order (the caller sorts by priority).
 */
export function decide(
  rule: GateRule,
  items: readonly GateItem[],
  now: Date,
  usedToday: { items: number; spend: number } = { items: 0, spend: 0 },
): RuleDecision[] {
  const decisions: RuleDecision[] = [];
  let runItems = 0;
  let runSpend = 0;
  const head = `rule v${rule.version}`;
  for (const item of items) {
    const r = item.recommendation;
    const spendChange = spendChangeOf(r);
    const skip = (why: string) =>
      decisions.push({
        recommendationId: r.id,
        advertiserId: r.advertiserId,
        take: false,
        decision: 'skip',
        spendChange,
        trace: `${head} skipped: ${why}`,
      });
    if (!inScope(rule.scope, r)) {
      skip('out of scope');
      continue;
    }
    const fields = fieldsOf(item, now);
    const evaluation = evaluate(rule.condition, fields);
    if (!evaluation.matched) {
      skip(`no match: ${evaluation.trace.join(', ')}`);
      continue;
    }
    const blocker = blockerOf(r, now);
    if (blocker) {
      skip(`matched (${evaluation.trace.join(', ')}) but ${blocker}`);
      continue;
    }
    // The two-person rule binds rules too: a rule is one approver, never the second.
    const stake = stakeOf(r.action);
    const threshold = thresholdPassed(item.approvalThresholds ?? NO_THRESHOLDS, stake);
    if (stake && threshold !== null) {
      skip(
        `matched (${evaluation.trace.join(', ')}) but needs a second approver: ${stake.value}${stake.kind === 'percent' ? ' %' : ''} > ${threshold}, the advertiser's two-person threshold`,
      );
      continue;
    }
    // The control group: held back before the limits, so holding never uses up what the rule may take.
    if ((rule.holdoutShare ?? 0) > 0 && holdoutPoint(r.id) < (rule.holdoutShare ?? 0)) {
      decisions.push({
        recommendationId: r.id,
        advertiserId: r.advertiserId,
        take: false,
        decision: 'hold',
        spendChange,
        trace: `${head} matched: ${evaluation.trace.join(', ')}; held back as control (holdout ${Math.round((rule.holdoutShare ?? 0) * 100)}%)`,
      });
      continue;
    }
    const spend = Math.abs(spendChange);
    const limits = rule.limits;
    if (runItems + 1 > limits.maxItemsPerRun) {
      skip(`limit: ${limits.maxItemsPerRun} items per run reached`);
      continue;
    }
    if (usedToday.items + runItems + 1 > limits.maxItemsPerDay) {
      skip(`limit: ${limits.maxItemsPerDay} items per day reached`);
      continue;
    }
    if (runSpend + spend > limits.maxSpendChangePerRun) {
      skip(`limit: spend change ${runSpend + spend} would pass ${limits.maxSpendChangePerRun} per run`);
      continue;
    }
    if (usedToday.spend + runSpend + spend > limits.maxSpendChangePerDay) {
      skip(`limit: spend change would pass ${limits.maxSpendChangePerDay} per day`);
      continue;
    }
    runItems++;
    runSpend += spend;
    decisions.push({
      recommendationId: r.id,
      advertiserId: r.advertiserId,
      take: true,
      decision: 'take',
      spendChange,
      trace: `${head} matched: ${evaluation.trace.join(', ')}, ${r.freshness} ${fields.freshnessHours} h, no conflict`,
    });
  }
  return decisions;
}
