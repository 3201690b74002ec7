/**
 * The errors services and stores raise: what went wrong in the domain's words (not found, conflicts with the current
 * state, refused with a code, invalid input), never an HTTP status. Only the HTTP layer (http/problem-details.ts)
 * turns them into statuses, so a worker or a script can call the same services without knowing about HTTP.
 */

/** not-found → 404, conflict and refused → 409, invalid → 400, not-allowed → 403 (the mapping lives in http/problem-details.ts). */
export type DomainErrorKind = 'not-found' | 'conflict' | 'refused' | 'invalid' | 'not-allowed';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    /** A stable code for the problem's `type` (e.g. `not-found`, `conflict`, `invalid-rule`). */
    readonly code: string,
    readonly title: string,
    detail: string,
    /** Members added to the answer (the current state of a refused item, the position of a syntax error...). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, id: string) {
    super('not-found', 'not-found', `${what} not found`, `No ${what.toLowerCase()} with id ${id} exists, or it is not visible to you.`);
  }
}

export class ConflictError extends DomainError {
  constructor(detail: string, extra: Record<string, unknown> = {}, title = 'The request conflicts with the current state') {
    super('conflict', 'conflict', title, detail, extra);
  }
}

/** The domain says no (a rule, a missing key): `code` names why. */
export class RefusedError extends DomainError {
  constructor(code: string, title: string, detail: string, extra: Record<string, unknown> = {}) {
    super('refused', code, title, detail, extra);
  }
}

/** Input the domain cannot take (a condition that does not parse, a cursor it did not make). */
export class InvalidInputError extends DomainError {
  constructor(code: string, title: string, detail: string, extra: Record<string, unknown> = {}) {
    super('invalid', code, title, detail, extra);
  }
}

/** The person may not do this, whatever the item's state (their role): allowed-actions' `role` verdict. */
export class NotAllowedError extends DomainError {
  constructor(detail: string) {
    super('not-allowed', 'forbidden', 'You may not do this', detail);
  }
}
