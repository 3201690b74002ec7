/**
 * The one error path: every thrown error becomes an RFC 9457 problem+json answer. Known errors keep their status and
 * message; anything unexpected is logged with its stack and answered with a plain 500 that leaks nothing.
 */
import type { Problem } from '@recdesk/shared-types';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { DomainError, type DomainErrorKind } from '../errors/domain-errors.ts';
import { AppError } from './errors.ts';

const TYPE_BASE = 'https://recdesk.dev/problems/';

export function sendProblem(res: Parameters<RequestHandler>[1], problem: Problem): void {
  res.status(problem.status).type('application/problem+json').json(problem);
}

export function zodProblem(error: ZodError, where: string, instance: string): Problem {
  return {
    type: `${TYPE_BASE}invalid-request`,
    title: 'The request is not valid',
    status: 400,
    detail: error.issues.map((issue) => `${where}${issue.path.length ? `.${issue.path.join('.')}` : ''}: ${issue.message}`).join('; '),
    instance,
    errors: error.issues.map((issue) => ({ path: [where, ...issue.path].join('.'), message: issue.message })),
  };
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, {
    type: `${TYPE_BASE}not-found`,
    title: 'No such endpoint',
    status: 404,
    detail: `${req.method} ${req.path} is not an endpoint of this API. See /api/openapi.json.`,
    instance: req.originalUrl,
  });
};

/** The one place a domain error gets an HTTP status. */
const STATUS_OF: Readonly<Record<DomainErrorKind, number>> = {
  'not-found': 404,
  conflict: 409,
  refused: 409,
  invalid: 400,
  'not-allowed': 403,
};

export const errorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  if (error instanceof DomainError) {
    sendProblem(res, {
      type: `${TYPE_BASE}${error.code}`,
      title: error.title,
      status: STATUS_OF[error.kind],
      detail: error.message,
      instance: req.originalUrl,
      ...error.extra,
    });
    return;
  }
  if (error instanceof AppError) {
    sendProblem(res, {
      type: `${TYPE_BASE}${error.type}`,
      title: error.title,
      status: error.status,
      detail: error.message,
      instance: req.originalUrl,
      ...error.extra,
    });
    return;
  }
  if (error instanceof ZodError) {
    sendProblem(res, zodProblem(error, 'body', req.originalUrl));
    return;
  }
  // Body-parser errors: malformed JSON, too large, wrong charset. They carry a 4xx status and a safe message.
  const status = typeof error?.status === 'number' ? error.status : 500;
  if (status >= 400 && status < 500) {
    sendProblem(res, {
      type: `${TYPE_BASE}invalid-request`,
      title: status === 413 ? 'The request body is too large' : 'The request could not be read',
      status,
      detail: error.type === 'entity.parse.failed' ? 'The body is not valid JSON.' : String(error.message ?? 'Bad request'),
      instance: req.originalUrl,
    });
    return;
  }
  req.log?.error({ err: error }, 'unhandled error');
  sendProblem(res, {
    type: `${TYPE_BASE}internal`,
    title: 'Something went wrong on our side',
    status: 500,
    detail: 'The error was logged. Try again; if it persists, tell your RecDesk administrator.',
    instance: req.originalUrl,
  });
};
