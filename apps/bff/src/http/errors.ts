/**
 * Typed operational errors. Domain code throws these; the one error middleware turns them into problem+json, so no
 * route catches and wraps.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

export class NotFoundError extends AppError {
  constructor(what: string, id: string) {
    super(404, 'not-found', `${what} not found`, `No ${what.toLowerCase()} with id ${id} exists, or it is not visible to you.`);
  }
}

export class ConflictError extends AppError {
  constructor(detail: string, extra: Record<string, unknown> = {}) {
    super(409, 'conflict', 'The request conflicts with the current state', detail, extra);
  }
}

export class UpstreamError extends AppError {
  constructor(detail: string, extra: Record<string, unknown> = {}) {
    super(502, 'upstream-error', 'The Amazon Ads API did not answer as expected', detail, extra);
  }
}
