/**
 * The lifecycle state machine: the one place in the BFF that decides whether a recommendation may move from one
 * state to another (over shared-types' LIFECYCLE_TRANSITIONS, the same table the database's trigger enforces), and
 * whether a person may approve, reject or apply it right now (version, expiry, staleness, validation, conflicts).
 * Plain functions of data and a clock: the service around it does the I/O.
 */
import { type Actor, canTransition, LIFECYCLE_TRANSITIONS, type LifecycleStatus, type ValidationIssue } from '@recdesk/shared-types';

export type RefusalCode = 'stale_version' | 'not_allowed' | 'expired' | 'stale' | 'validation' | 'conflict';

export interface Refusal {
  code: RefusalCode;
  message: string;
}

export type Decision = { ok: true } | { ok: false; refusal: Refusal };

export const ALLOWED: Decision = { ok: true };

function refuse(code: RefusalCode, message: string): Decision {
  return { ok: false, refusal: { code, message } };
}

export function transitionRefusalMessage(from: LifecycleStatus, to: LifecycleStatus): string {
  const next = LIFECYCLE_TRANSITIONS[from];
  return `A recommendation cannot go from '${from}' to '${to}'. From '${from}' it can go to ${
    next.length === 0 ? 'no other state' : next.map((s) => `'${s}'`).join(', ')
  }.`;
}

export function decideTransition(from: LifecycleStatus, to: LifecycleStatus): Decision {
  return canTransition(from, to) ? ALLOWED : refuse('not_allowed', transitionRefusalMessage(from, to));
}

/** An event as the machine describes it; the store adds the id and writes it. */
export interface TransitionEvent {
  from: LifecycleStatus | null;
  to: LifecycleStatus;
  actor: Actor;
  at: Date;
  reason: string | null;
  note: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** What the approval rules need to know about an item. */
export interface ActionSubject {
  id: string;
  status: LifecycleStatus;
  version: number;
  expiresAt: Date | null;
  freshness: 'fresh' | 'aging' | 'stale';
  /** When upstream last sent it, and when it was last validated: together they say whether a stale item was re-checked. */
  lastSeenAt: Date | null;
  validatedAt: Date | null;
  /** The freshness window of its source: a re-sync inside it counts as fresh upstream data. */
  freshForMs: number;
  validationIssues: readonly ValidationIssue[];
  source: string;
}

export interface OpenConflictRef {
  id: string;
  kind: string;
  explanation: string;
  /** Duplicates do not block: their primary may be approved as it is. */
  blocking: boolean;
}

export interface ApprovalRequest {
  expectedVersion: number;
  /** Issues of the value that would be applied (the edit or the proposal), from the validator. */
  valueIssues: readonly ValidationIssue[];
  conflicts: readonly OpenConflictRef[];
  conflictResolution?: 'reject_others' | 'keep_others';
  /** Bulk approval never resolves a conflict for the person. */
  bulk: boolean;
  now: Date;
}

export function isExpired(item: Pick<ActionSubject, 'status' | 'expiresAt'>, now: Date): boolean {
  return item.status === 'expired' || (item.expiresAt !== null && item.expiresAt.getTime() <= now.getTime());
}

function expiredMessage(item: Pick<ActionSubject, 'expiresAt'>, verb: string): string {
  return `This recommendation expired${item.expiresAt ? ` at ${item.expiresAt.toISOString()}` : ''}; it can no longer be ${verb}. Wait for the source to propose it again.`;
}

/** A stale item may be approved only when upstream re-sent it within its freshness window and it was validated since. */
export function wasRevalidated(item: ActionSubject, now: Date): boolean {
  if (!item.lastSeenAt || !item.validatedAt) return false;
  return now.getTime() - item.lastSeenAt.getTime() < item.freshForMs && item.validatedAt.getTime() >= item.lastSeenAt.getTime();
}

export function decideApproval(item: ActionSubject, request: ApprovalRequest): Decision {
  if (item.version !== request.expectedVersion) {
    return refuse(
      'stale_version',
      `The recommendation changed since you saw it (you saw version ${request.expectedVersion}, it is now version ${item.version}, status '${item.status}'). Review it again.`,
    );
  }
  if (isExpired(item, request.now)) return refuse('expired', expiredMessage(item, 'approved or applied'));
  if (!canTransition(item.status, 'approved')) {
    const why =
      item.status === 'discovered' && item.validationIssues.length > 0
        ? ` It did not pass validation: ${item.validationIssues.map((i) => i.message).join(' ')}`
        : item.status === 'drifted'
          ? ' The value it assumes no longer matches the live value: re-sync and re-validate it first.'
          : item.status === 'discovered'
            ? ' It has not been validated yet: re-validate it first.'
            : '';
    return refuse('not_allowed', `${transitionRefusalMessage(item.status, 'approved')}${why}`);
  }
  if (item.freshness === 'stale' && !wasRevalidated(item, request.now)) {
    return refuse(
      'stale',
      `This recommendation is stale: its data is older than the ${item.source} freshness policy allows. Re-sync its source (POST /api/sync?source=${item.source}) or re-validate it (POST /api/recommendations/${item.id}/validate), then approve again.`,
    );
  }
  if (request.valueIssues.length > 0) {
    return refuse('validation', `The value cannot be approved: ${request.valueIssues.map((i) => i.message).join(' ')}`);
  }
  const blocking = request.conflicts.filter((c) => c.blocking);
  if (blocking.length > 0) {
    const list = blocking.map((c) => `${c.explanation} (conflict ${c.id})`).join('; ');
    if (request.bulk) return refuse('conflict', `It is in an unresolved conflict, so it cannot be approved in bulk: ${list}.`);
    if (!request.conflictResolution) {
      return refuse(
        'conflict',
        `It is in an unresolved conflict: ${list}. Approve it again with conflictResolution 'reject_others' (reject the other side) or 'keep_others' (keep them and accept the contradiction).`,
      );
    }
  }
  return ALLOWED;
}

export function decideRejection(item: ActionSubject, expectedVersion: number): Decision {
  if (item.version !== expectedVersion) {
    return refuse(
      'stale_version',
      `The recommendation changed since you saw it (you saw version ${expectedVersion}, it is now version ${item.version}, status '${item.status}'). Review it again.`,
    );
  }
  return decideTransition(item.status, 'rejected');
}

/** For the apply worker and the rules: only an approved, unexpired item outside any blocking conflict is applied. */
export function decideApply(item: ActionSubject, conflicts: readonly OpenConflictRef[], now: Date): Decision {
  if (isExpired(item, now)) return refuse('expired', expiredMessage(item, 'approved or applied'));
  const blocking = conflicts.filter((c) => c.blocking);
  if (blocking.length > 0) {
    return refuse('conflict', `It is in an unresolved conflict: ${blocking.map((c) => c.explanation).join('; ')}.`);
  }
  return decideTransition(item.status, 'applying');
}

/** Whether a rejected item sent again by upstream may return to the queue. */
export function quietPeriodOver(rejectedAt: Date | null, quietPeriodMs: number, now: Date): boolean {
  return rejectedAt === null || now.getTime() - rejectedAt.getTime() >= quietPeriodMs;
}
