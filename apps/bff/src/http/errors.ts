/**
 * Errors of the HTTP layer itself (a status of their own: 401, 403, 429, 502, a request that does not validate).
 * Services raise domain errors instead (errors/domain-errors.ts); the one error middleware answers both as
 * problem+json, so no route catches and wraps.
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

export class UpstreamError extends AppError {
  constructor(detail: string, extra: Record<string, unknown> = {}) {
    super(502, 'upstream-error', 'The Amazon Ads API did not answer as expected', detail, extra);
  }
}
