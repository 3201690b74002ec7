/** The errors of signing in and of being allowed: the one problem+json handler answers them like any AppError. */
import { AppError } from '../http/errors.ts';

export class UnauthenticatedError extends AppError {
  constructor(detail = 'Sign in to use RecDesk.') {
    super(401, 'unauthenticated', 'You are not signed in', detail);
  }
}

export class ForbiddenError extends AppError {
  constructor(detail: string) {
    super(403, 'forbidden', 'You may not do this', detail);
  }
}

export class TooManyRequestsError extends AppError {
  constructor(
    detail: string,
    readonly retryAfterSeconds: number,
  ) {
    super(429, 'too-many-requests', 'Too many requests', detail, { retryAfterSeconds });
  }
}
