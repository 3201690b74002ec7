/**
 * What a person may do with one item right now, and why not: the ONE decision both the screens (every list and detail
 * answer carries its result) and the mutation paths (approve, edit, reject, bulk, apply, acknowledge, dismiss,
 * unapprove) use, so
 * what is offered can succeed and what is refused says why. A pure function of the item, the person, its open
 * conflicts, whether RecDesk has a writer for it, and a clock; the state machine's own rules (lifecycle-machine.ts)
 * are asked from here, never copied.
 *
 * Limits: the answer is for the item as read; a mutation names the version the person saw, and a newer version is
 * refused (`stale_version`) even when this function allowed the action on the older one.
 */
import {
  type ActionBlock,
  type ActionVerdict,
  type AllowedActions,
  canTransition,
  ITEM_ACTIONS,
  type ItemAction,
  type Recommendation,
  type Role,
  type ValidationIssue,
} from '@recdesk/shared-types';
import {
  type ActionSubject,
  type Decision,
  decideApply,
  decideApproval,
  decideRejection,
  decideTransition,
  type OpenConflictRef,
  type RefusalCode,
} from './lifecycle-machine.ts';

/** Who asks: a signed-in person with a role and advertisers, or the system (a rule, the apply worker). */
export interface Person {
  role: Role | 'system';
  /** As the two-person rule names approvers: a person's email. */
  id: string;
  advertiserIds: 'all' | readonly string[];
}

export const SYSTEM_PERSON: Person = { role: 'system', id: 'system', advertiserIds: 'all' };

/**
 * Whether RecDesk can write the item's change upstream (decided by src/apply, which knows its writers, and handed in:
 * the lifecycle never imports apply). `undoable`: an applied change can be read back and so undone.
 */
export type WriterVerdict =
  | { ok: true; undoable: boolean }
  | { ok: false; code: 'insight' | 'no_writer'; message: string; link: string | null };

/** Everything the decision needs about one item. */
export interface ActionFacts {
  subject: ActionSubject;
  item: Pick<Recommendation, 'advertiserId' | 'action' | 'applicable' | 'awaitingSecondApprover'>;
  conflicts: readonly OpenConflictRef[];
  writer: WriterVerdict;
  person: Person;
  now: Date;
}

/** What a mutation adds: the version the person saw, the value they would approve and how they resolve a conflict. */
export interface ActionRequest {
  expectedVersion: number;
  /** Issues of the value that would be approved (the edit or the proposal); defaults to the item's own issues. */
  valueIssues?: readonly ValidationIssue[];
  conflictResolution?: 'reject_others' | 'keep_others';
  bulk?: boolean;
}

const ALLOWED_VERDICT: ActionVerdict = { allowed: true, reason: null, message: null, link: null };

function block(reason: ActionBlock, message: string, link: string | null = null): ActionVerdict {
  return { allowed: false, reason, message, link };
}

const GUARDRAIL_CODES = /^guardrail_/;

/** Guardrail issues are told apart from other validation failures: the next step differs (edit to a smaller change). */
function issuesBlock(issues: readonly ValidationIssue[]): ActionBlock {
  return issues.length > 0 && issues.every((issue) => GUARDRAIL_CODES.test(issue.code)) ? 'guardrail' : 'validation';
}

/** The item's issues that stop its proposed value (drift has a state of its own). */
function valueIssuesOfItem(subject: ActionSubject): ValidationIssue[] {
  return subject.validationIssues.filter((issue) => issue.code !== 'drifted');
}

/** A state refusal in a person's words: what the item is waiting for, not the machine's table of transitions. */
function stateMessage(subject: ActionSubject, machineMessage: string): string {
  switch (subject.status) {
    case 'discovered':
      return 'Not validated yet: it can be approved once RecDesk has checked it against the live values (or re-validate it now).';
    case 'validated':
      return 'Approve it first: only approved items are applied.';
    case 'drifted':
      return 'The live value changed since this was proposed: re-validate it against fresh data before approving.';
    case 'approved':
      return 'Already approved: apply it, withdraw the approval, or reject it.';
    case 'applying':
      return 'It is being applied now.';
    case 'applied':
    case 'measured':
      return 'Already applied: undo it to change it back.';
    case 'rejected':
    case 'dismissed':
    case 'acknowledged':
    case 'expired':
    case 'rolled_back':
    case 'superseded':
      return `It is ${subject.status.replace('_', ' ')}: there is nothing to decide any more.`;
    default:
      return machineMessage;
  }
}

function fromDecision(decision: Decision, subject: ActionSubject, issues: readonly ValidationIssue[]): ActionVerdict {
  if (decision.ok) return ALLOWED_VERDICT;
  if (decision.refusal.code === 'not_allowed' && !(subject.status === 'discovered' && subject.validationIssues.length > 0))
    return block('state', stateMessage(subject, decision.refusal.message));
  const codes: Record<RefusalCode, ActionBlock> = {
    stale_version: 'stale_version',
    not_allowed: 'state',
    expired: 'expired',
    stale: 'stale',
    validation: issuesBlock(issues),
    conflict: 'conflict',
  };
  // A discovered item with issues cannot be approved because it failed validation: say so, not "wrong state".
  if (decision.refusal.code === 'not_allowed' && subject.status === 'discovered' && subject.validationIssues.length > 0)
    return block(issuesBlock(subject.validationIssues), decision.refusal.message);
  return block(codes[decision.refusal.code], decision.refusal.message);
}

/** Role and scope come first: nothing else matters to a person who may not act on the item at all. */
function personBlock(facts: ActionFacts): ActionVerdict | null {
  const { person, item } = facts;
  if (person.role === 'viewer') return block('role', 'Viewers can look but not change anything; ask an admin for the approver role.');
  if (person.advertiserIds !== 'all' && !person.advertiserIds.includes(item.advertiserId))
    return block('scope', `Advertiser ${item.advertiserId} is not among your advertisers.`);
  return null;
}

function insightBlock(facts: ActionFacts): ActionVerdict | null {
  if (facts.writer.ok) return null;
  if (facts.writer.code === 'insight')
    return block('insight', 'This is an insight: there is nothing to apply. Acknowledge it, or dismiss it with a reason.');
  return block('no_writer', facts.writer.message, facts.writer.link);
}

function decideApprove(facts: ActionFacts, request: ActionRequest | undefined): ActionVerdict {
  const early = personBlock(facts) ?? insightBlock(facts);
  if (early) return early;
  const { subject, item, person } = facts;
  const waiting = item.awaitingSecondApprover;
  if (waiting && waiting.approverId === person.id && person.role !== 'system')
    return block('already_approved', 'You gave the first approval; a different approver must give the second.');
  const issues = request?.valueIssues ?? valueIssuesOfItem(subject);
  const decision = decideApproval(subject, {
    expectedVersion: request?.expectedVersion ?? subject.version,
    valueIssues: issues,
    conflicts: facts.conflicts,
    ...(request?.conflictResolution ? { conflictResolution: request.conflictResolution } : {}),
    bulk: request?.bulk ?? false,
    now: facts.now,
  });
  if (!decision.ok && decision.refusal.code === 'conflict' && !request)
    return block('conflict', 'It is in an open conflict: open the conflict and keep one side, then it can be approved.');
  return fromDecision(decision, subject, issues);
}

function decideEdit(facts: ActionFacts, request: ActionRequest | undefined): ActionVerdict {
  if (typeof facts.item.action.to !== 'number') {
    return (
      personBlock(facts) ??
      insightBlock(facts) ??
      block('not_editable', 'This change has no number to edit; approve or reject it as proposed.')
    );
  }
  // An edit proposes its own value: the proposal's guardrail or range issues do not stop it (the edit's own do, on send).
  const verdict = decideApprove(facts, request ?? { expectedVersion: facts.subject.version, valueIssues: [] });
  if (!request && verdict.reason === 'conflict')
    return block('conflict', 'It is in an open conflict: open the conflict and keep one side, then it can be approved.');
  return verdict;
}

function decideReject(facts: ActionFacts, request: ActionRequest | undefined): ActionVerdict {
  const early = personBlock(facts);
  if (early) return early;
  if (!facts.writer.ok && facts.writer.code === 'insight')
    return block('insight', 'This is an insight: dismiss it with a reason instead of rejecting it.');
  return fromDecision(decideRejection(facts.subject, request?.expectedVersion ?? facts.subject.version), facts.subject, []);
}

function decideApplyAction(facts: ActionFacts): ActionVerdict {
  const early = personBlock(facts) ?? insightBlock(facts);
  if (early) return early;
  return fromDecision(decideApply(facts.subject, facts.conflicts, facts.now), facts.subject, []);
}

function decideUndo(facts: ActionFacts): ActionVerdict {
  const early = personBlock(facts) ?? insightBlock(facts);
  if (early) return early;
  if (facts.subject.status !== 'applied' && facts.subject.status !== 'measured')
    return block('state', `Only an applied (or measured) change can be undone; this one is '${facts.subject.status}'.`);
  if (facts.writer.ok && !facts.writer.undoable)
    return block('not_undoable', 'RecDesk cannot read this change back, so it cannot undo it safely; change it in Amazon Ads.');
  return fromDecision(decideTransition(facts.subject.status, 'rolled_back'), facts.subject, []);
}

function decideInsight(facts: ActionFacts, to: 'acknowledged' | 'dismissed', request: ActionRequest | undefined): ActionVerdict {
  const early = personBlock(facts);
  if (early) return early;
  if (facts.writer.ok || facts.writer.code !== 'insight')
    return block('not_insight', 'Only insights are acknowledged or dismissed; approve or reject a change.');
  const { subject } = facts;
  if (request && request.expectedVersion !== subject.version)
    return block(
      'stale_version',
      `The recommendation changed since you saw it (you saw version ${request.expectedVersion}, it is now version ${subject.version}, status '${subject.status}'). Review it again.`,
    );
  if (!canTransition(subject.status, to)) return block('state', `An insight that is '${subject.status}' cannot be ${to}.`);
  return ALLOWED_VERDICT;
}

/**
 * Withdrawing an approval: while the item is `approved` and no apply batch has claimed it (queuing moves it to
 * `applying` in the batch's transaction, so the status is the claim), or while a first approval of the two-person rule
 * waits for a second approver (withdrawn by the person who gave it, or an admin). The mutation's UPDATE repeats the
 * status and version guard, so a withdrawal never races an apply.
 */
function decideUnapprove(facts: ActionFacts, request: ActionRequest | undefined): ActionVerdict {
  const early = personBlock(facts);
  if (early) return early;
  const { subject, item, person } = facts;
  const waiting = item.awaitingSecondApprover ?? null;
  const ownsPending = waiting !== null && (waiting.approverId === person.id || person.role === 'admin' || person.role === 'system');
  if (subject.status !== 'approved' && !ownsPending) {
    switch (subject.status) {
      case 'applying':
        return block('already_queued', 'It is already queued for apply: the approval can no longer be withdrawn.');
      case 'applied':
      case 'measured':
        return block('already_queued', 'It is already applied: undo the change instead of withdrawing the approval.');
      default:
        return block(
          'not_approved',
          waiting
            ? `The first approval is ${waiting.approverId}'s: only they or an admin can withdraw it.`
            : 'There is no approval to withdraw: it is not approved.',
        );
    }
  }
  if (request && request.expectedVersion !== subject.version)
    return block(
      'stale_version',
      `The recommendation changed since you saw it (you saw version ${request.expectedVersion}, it is now version ${subject.version}, status '${subject.status}'). Review it again.`,
    );
  if (subject.status === 'approved') return fromDecision(decideTransition('approved', 'validated'), subject, []);
  return ALLOWED_VERDICT;
}

/** One action's verdict; a mutation passes its request (the version seen, the value, the conflict choice). */
export function decideAction(action: ItemAction, facts: ActionFacts, request?: ActionRequest): ActionVerdict {
  switch (action) {
    case 'approve':
      return decideApprove(facts, request);
    case 'edit':
      return decideEdit(facts, request);
    case 'reject':
      return decideReject(facts, request);
    case 'apply':
      return decideApplyAction(facts);
    case 'undo':
      return decideUndo(facts);
    case 'acknowledge':
      return decideInsight(facts, 'acknowledged', request);
    case 'dismiss':
      return decideInsight(facts, 'dismissed', request);
    case 'unapprove':
      return decideUnapprove(facts, request);
  }
}

/** Every action's verdict for the item as it is: what list and detail answers carry. */
export function allowedActions(facts: ActionFacts): AllowedActions {
  return Object.fromEntries(ITEM_ACTIONS.map((action) => [action, decideAction(action, facts)])) as AllowedActions;
}
