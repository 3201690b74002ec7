/**
 * The net under every route: before any handler, a request whose path, query or JSON body holds text PostgreSQL
 * cannot take (a NUL byte, an unpaired surrogate) or whose path is not valid percent-encoded UTF-8 is answered 400
 * problem+json naming the place (`path`, `query.q`, `body.items.0.note`). The zod contracts refuse the same
 * (packages/shared-types/src/api/safe-input.ts); this also covers what a contract takes as opaque (a Stream
 * delivery, an identity provider's callback) and any route's path parameters before a guard decodes them.
 */
import { isSafeText, UNSAFE_TEXT_MESSAGE } from '@recdesk/shared-types';
import type { RequestHandler } from 'express';
import { AppError } from './errors.ts';

interface Finding {
  path: string;
  message: string;
}

/** The first unsafe string (value or key) in a parsed JSON value or query object, with where it is. */
export function findUnsafe(value: unknown, where: string, depth = 0): Finding | null {
  if (typeof value === 'string') return isSafeText(value) ? null : { path: where, message: UNSAFE_TEXT_MESSAGE };
  // JSON a 1 MB body can hold nests deeply; past this depth nothing is a text any contract reads.
  if (value === null || typeof value !== 'object' || depth > 64) return null;
  for (const [key, inner] of Object.entries(value)) {
    const at = `${where}.${key}`;
    if (!isSafeText(key)) return { path: where, message: `a field name ${UNSAFE_TEXT_MESSAGE}` };
    const found = findUnsafe(inner, at, depth + 1);
    if (found) return found;
  }
  return null;
}

function pathFinding(rawPath: string): Finding | null {
  for (const segment of rawPath.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return { path: 'path', message: 'must be valid percent-encoded UTF-8' };
    }
    if (!isSafeText(decoded)) return { path: 'path', message: UNSAFE_TEXT_MESSAGE };
  }
  return null;
}

export class UnsafeInputError extends AppError {
  constructor(finding: Finding) {
    super(400, 'invalid-request', 'The request is not valid', `${finding.path}: ${finding.message}`, { errors: [finding] });
  }
}

export const refuseUnsafeInput: RequestHandler = (req, _res, next) => {
  const rawPath = (req.originalUrl.split('?')[0] ?? '').split('#')[0] ?? '';
  const finding = pathFinding(rawPath) ?? findUnsafe(req.query, 'query') ?? findUnsafe(req.body, 'body');
  if (finding) throw new UnsafeInputError(finding);
  next();
};
