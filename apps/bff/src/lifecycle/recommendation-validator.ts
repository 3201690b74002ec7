/**
 * The validation stage: checks a recommendation against what is known before it reaches the queue. The entity exists
 * and is not archived (nor is its ad group or campaign), the proposed bid or budget lies in the marketplace's limits,
 * the value it assumes still matches the latest known value (else it is drifted), and the change stays within the
 * advertiser's guardrails. A pure function over "known entity state": where that state comes from (the SP list
 * endpoints, or the newest value other recommendations report) is the caller's business.
 */
import type { LifecycleStatus, Recommendation, ValidationIssue } from '@recdesk/shared-types';
import { ancestorKeysOf, entityKeyOf } from './entity-keys.ts';
import type { GuardrailLimits } from './lifecycle-config.ts';
import { bidLimitsOf, budgetLimitsOf } from './marketplace-limits.ts';

/** What is known about one entity: its state and the current value of the field recommendations change. */
export interface KnownEntityState {
  /** ENABLED, PAUSED, ARCHIVED..., null when unknown. `exists: false` means a list call did not find it. */
  state: string | null;
  exists: boolean;
  /** Current bid (keywords, targets, ad groups) or daily budget (campaigns). */
  value: number | null;
  observedAt: Date;
  /** Where the fact came from, for the message: "SP keywords list", "Partner Opportunities". */
  origin: string;
}

export type KnownStates = ReadonlyMap<string, KnownEntityState>;

export type ValidationSubject = Pick<Recommendation, 'id' | 'entity' | 'action' | 'marketplace' | 'refreshedAt' | 'source'>;

export interface ValidationOutcome {
  issues: ValidationIssue[];
  /** The entity is missing or archived: nothing can be done with it. */
  blocking: boolean;
  /** The assumed current value differs from the latest known one. */
  drifted: boolean;
}

const ARCHIVED_STATES = new Set(['ARCHIVED', 'USER_DELETED']);
/** Actions that change an existing entity (as opposed to adding one, or an insight). */
const CHANGE_ACTIONS = new Set(['set-budget', 'set-bid', 'set-bid-adjustment', 'set-bidding-strategy', 'set-state', 'set-end-date']);
/** Actions whose `from` is the entity's current numeric value (bid, budget, placement adjustment). */
export const VALUE_ACTION_TYPES = ['set-budget', 'set-bid', 'set-bid-adjustment'] as const;
const VALUE_ACTIONS = new Set<string>(VALUE_ACTION_TYPES);
const ADD_ACTIONS = new Set(['add-keyword', 'add-target', 'add-negative', 'create-ad-group']);
const EPSILON = 0.005;

function numeric(value: number | string | null): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return null;
}

function money(value: number, currency: string | null): string {
  return `${value.toFixed(2)}${currency ? ` ${currency}` : ''}`;
}

function hasOwnId(item: ValidationSubject): boolean {
  const e = item.entity;
  switch (e.level) {
    case 'campaign':
      return Boolean(e.campaignId);
    case 'ad-group':
      return Boolean(e.adGroupId);
    case 'keyword':
    case 'target':
      return Boolean(e.targetId) || Boolean(e.adGroupId && e.targetText);
    case 'placement':
      return Boolean(e.campaignId);
    case 'portfolio':
      return Boolean(e.portfolioId);
    default:
      return true;
  }
}

/**
 * Validates an item, optionally for another value than proposed (an approver's edit). `known` holds the entity and
 * its ancestors by entity key.
 */
export function validateRecommendation(
  item: ValidationSubject,
  known: KnownStates,
  guardrails: GuardrailLimits,
  options: { value?: number } = {},
): ValidationOutcome {
  const issues: ValidationIssue[] = [];
  let blocking = false;
  let drifted = false;
  const { action } = item;
  if (action.type === 'insight') return { issues, blocking, drifted };

  const changes = CHANGE_ACTIONS.has(action.type);
  if (changes && !hasOwnId(item)) {
    issues.push({ code: 'entity_missing', message: 'The recommendation does not name the entity it would change.' });
    blocking = true;
  }
  const ownKey = entityKeyOf(item.entity);
  const own = changes ? known.get(ownKey) : undefined;
  // A new keyword needs its ad group and campaign; a change needs the entity itself and its parents.
  const chain = [...(changes ? [ownKey] : []), ...ancestorKeysOf(item.entity)];
  if (ADD_ACTIONS.has(action.type) && item.entity.level === 'campaign' && item.entity.campaignId)
    chain.push(`campaign:${item.entity.campaignId}`);
  for (const key of chain) {
    const state = known.get(key);
    if (!state) continue;
    if (!state.exists) {
      issues.push({ code: 'entity_missing', message: `${key} no longer exists (${state.origin}, ${state.observedAt.toISOString()}).` });
      blocking = true;
    } else if (state.state && ARCHIVED_STATES.has(state.state.toUpperCase())) {
      issues.push({
        code: 'entity_archived',
        message: `${key} is archived (${state.origin}); archived entities and their children cannot be modified.`,
      });
      blocking = true;
    }
  }

  const proposed = options.value ?? numeric(action.to);
  const from = numeric(action.from);
  const isBid = action.field === 'bid' && action.unit === 'currency';
  const isBudget = action.type === 'set-budget';
  if (proposed !== null && (isBid || isBudget)) {
    const limits = isBid ? bidLimitsOf(item.marketplace) : budgetLimitsOf(item.marketplace);
    if (limits && (proposed < limits.min || proposed > limits.max)) {
      issues.push({
        code: isBid ? 'bid_out_of_range' : 'budget_out_of_range',
        message: `The ${isBid ? 'bid' : 'daily budget'} ${money(proposed, action.currency)} is outside the ${item.marketplace} range ${limits.min}–${limits.max}.`,
      });
    }
  }

  if (
    VALUE_ACTIONS.has(action.type) &&
    own?.value !== null &&
    own?.value !== undefined &&
    from !== null &&
    Math.abs(own.value - from) > EPSILON
  ) {
    drifted = true;
    issues.push({
      code: 'drifted',
      message: `It assumes the current ${action.field ?? 'value'} is ${money(from, action.currency)}, but the latest known value is ${money(own.value, action.currency)} (${own.origin}, ${own.observedAt.toISOString()}).`,
    });
  }

  const base = (VALUE_ACTIONS.has(action.type) ? own?.value : null) ?? from;
  if (proposed !== null && base !== null && base > 0) {
    const changePct = (Math.abs(proposed - base) / base) * 100;
    if (isBid && action.type !== 'add-keyword' && action.type !== 'add-target' && changePct > guardrails.maxBidChangePct + 1e-9) {
      issues.push({
        code: 'guardrail_bid_change',
        message: `The bid change ${money(base, action.currency)} → ${money(proposed, action.currency)} is ${changePct.toFixed(0)}%, above the ${guardrails.maxBidChangePct}% guardrail.`,
      });
    }
    if (isBudget) {
      if (changePct > guardrails.maxBudgetChangePct + 1e-9) {
        issues.push({
          code: 'guardrail_budget_change',
          message: `The budget change ${money(base, action.currency)} → ${money(proposed, action.currency)} is ${changePct.toFixed(0)}%, above the ${guardrails.maxBudgetChangePct}% guardrail.`,
        });
      }
      if (Math.abs(proposed - base) > guardrails.maxBudgetChangePerDay + 1e-9) {
        issues.push({
          code: 'guardrail_budget_change_per_day',
          message: `The budget change of ${money(Math.abs(proposed - base), action.currency)} is above the ${guardrails.maxBudgetChangePerDay} per day guardrail.`,
        });
      }
    }
  }
  return { issues, blocking, drifted };
}

/** The issues that stop a given value from being approved (all but drift, which has its own state). */
export function valueIssuesOf(outcome: ValidationOutcome): ValidationIssue[] {
  return outcome.issues.filter((issue) => issue.code !== 'drifted');
}

/** The state an item moves to after validation, or its current state when it stays. */
export function statusAfterValidation(current: LifecycleStatus, outcome: ValidationOutcome): LifecycleStatus {
  switch (current) {
    case 'discovered':
      return outcome.drifted ? 'drifted' : outcome.blocking ? 'discovered' : 'validated';
    case 'validated':
      return outcome.drifted ? 'drifted' : outcome.blocking ? 'discovered' : 'validated';
    case 'drifted':
      return outcome.drifted || outcome.blocking ? 'drifted' : 'validated';
    case 'approved':
      // An approval was given for the world as it was; a drifted or vanished entity needs a new look.
      return outcome.drifted || outcome.blocking ? 'drifted' : 'approved';
    default:
      return current;
  }
}

export const VALIDATABLE_STATUSES = ['discovered', 'validated', 'drifted', 'approved'] as const satisfies readonly LifecycleStatus[];

/** What the known state is derived from: an item's entity, the value it assumes, when and by whom. */
export type KnownStateSubject = Pick<Recommendation, 'entity' | 'action' | 'refreshedAt' | 'source'>;

/**
 * Known state from the recommendations themselves, for when no SP list data is at hand: for each entity, the newest
 * "current value" any recommendation reports (by refresh time). An older item assuming another value is drifted.
 * Pass `known` to fold a further page of items into the state found so far.
 */
export function knownStatesFromRecommendations(
  items: readonly KnownStateSubject[],
  known: Map<string, KnownEntityState> = new Map(),
): Map<string, KnownEntityState> {
  for (const item of items) {
    if (!VALUE_ACTIONS.has(item.action.type)) continue;
    const from = numeric(item.action.from);
    if (from === null) continue;
    const key = entityKeyOf(item.entity);
    const observedAt = new Date(item.refreshedAt);
    const seen = known.get(key);
    if (!seen || seen.observedAt < observedAt)
      known.set(key, { state: null, exists: true, value: from, observedAt, origin: `as reported by ${item.source}` });
  }
  return known;
}
