/**
 * Correlation ids: every HTTP request gets one (its valid `x-request-id`, else a new one, echoed in the response),
 * and every job (a sync, an apply chunk, a rule run, a scheduler tick, an alert evaluation) gets its own. They travel
 * in AsyncLocalStorage, so every log line (the pino mixin) and every upstream call made on the way carries them,
 * without any function passing them along. A job started within a request keeps the request's correlation id and
 * adds its own job id, so one id leads from the click to each upstream call it caused.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

export interface Correlation {
  correlationId: string;
  /** What kind of job this is (`sync`, `apply-chunk`, ...); absent for the request itself. */
  job?: string;
  jobId?: string;
}

export const REQUEST_ID_HEADER = 'x-request-id';
/** Sent with every Ads API call (not with pre-signed file downloads, which must carry no extra headers). */
export const UPSTREAM_CORRELATION_HEADER = 'x-recdesk-correlation-id';
/** With it, the job's id: tells apart two jobs of one request (two sources of a sync) that make the same call. */
export const UPSTREAM_JOB_HEADER = 'x-recdesk-job-id';

const storage = new AsyncLocalStorage<Correlation>();

/** An incoming id is taken only if it is short and made of safe characters: it ends up in logs and upstream headers. */
const VALID_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function isValidCorrelationId(value: unknown): value is string {
  return typeof value === 'string' && VALID_ID.test(value);
}

export function currentCorrelation(): Correlation | undefined {
  return storage.getStore();
}

export function withCorrelation<T>(correlation: Correlation, fn: () => T): T {
  return storage.run(correlation, fn);
}

/** Runs `fn` as a job of its own: a new job id, under the current correlation id (or its own, outside any). */
export function inJob<T>(job: string, fn: () => T): T {
  const jobId = randomUUID();
  return storage.run({ correlationId: currentCorrelation()?.correlationId ?? jobId, job, jobId }, fn);
}

/** pino's mixin: the ids of the request or job a line is written in. */
export function correlationMixin(): Record<string, string> {
  const correlation = storage.getStore();
  if (!correlation) return {};
  return correlation.job
    ? { correlationId: correlation.correlationId, job: correlation.job, jobId: correlation.jobId ?? '' }
    : { correlationId: correlation.correlationId };
}

/**
 * First middleware of the app: the request's id, echoed in `x-request-id`, set as `req.id` (pino-http logs it as
 * the request's id) and in force for everything the request does.
 */
export const correlationMiddleware: RequestHandler = (req, res, next) => {
  const given = req.get(REQUEST_ID_HEADER);
  const id = isValidCorrelationId(given) ? given : randomUUID();
  (req as { id?: unknown }).id = id;
  res.setHeader(REQUEST_ID_HEADER, id);
  storage.run({ correlationId: id }, next);
};
