/**
 * Request validation against the shared contracts. The parsed value (defaults applied, strings coerced) is what the
 * route receives; nothing downstream reads `req.query` or `req.body` raw.
 */
import type { Request } from 'express';
import type { z } from 'zod';
import { AppError } from './errors.ts';
import { zodProblem } from './problem-details.ts';
import { findUnsafe, UnsafeInputError } from './safe-input.ts';

export class RequestValidationError extends AppError {}

function parse<S extends z.ZodType>(schema: S, value: unknown, where: string, req: Request): z.infer<S> {
  // Also what a route parsed itself (a text/plain Stream delivery) meets the rule of http/safe-input.ts.
  const unsafe = findUnsafe(value, where);
  if (unsafe) throw new UnsafeInputError(unsafe);
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problem = zodProblem(result.error, where, req.originalUrl);
  throw new RequestValidationError(400, 'invalid-request', problem.title, problem.detail ?? '', { errors: problem.errors });
}

export const parseQuery = <S extends z.ZodType>(schema: S, req: Request) => parse(schema, req.query, 'query', req);
export const parseParams = <S extends z.ZodType>(schema: S, req: Request) => parse(schema, req.params, 'params', req);
export const parseBody = <S extends z.ZodType>(schema: S, req: Request) => parse(schema, req.body ?? {}, 'body', req);
