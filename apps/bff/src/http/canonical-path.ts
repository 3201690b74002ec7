/**
 * One canonical URL per endpoint. An API request whose path is not exactly one of the declared routes' (another
 * letter case, a trailing or doubled slash, an encoded slash or dot segment, percent-encoding that is not the one
 * `encodeURIComponent` would write, invalid or overlong UTF-8) is answered 404 before the session, the body parser or
 * any route sees it: a variant of a path can never reach a handler that the canonical path guards differently.
 * Mounted first for every request; anything whose path, loosely read, starts with /api is held to this.
 */
import path from 'node:path';
import type { RequestHandler } from 'express';
import type { AnyApiRoute } from './api-route.ts';
import { notFoundHandler } from './problem-details.ts';

function safeDecode(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

/** Whether a path, read as leniently as any server or proxy might (decoded, case folded, dots and slashes resolved), is below /api. */
export function looksLikeApi(rawPath: string): boolean {
  let loose = rawPath;
  // Decode repeatedly: %252F is %2F one proxy later.
  for (let i = 0; i < 3; i += 1) loose = safeDecode(loose) ?? loose.replace(/%/g, '');
  const normalised = path.posix.normalize(`/${loose.replace(/\\/g, '/')}`).toLowerCase();
  return /^\/+api(\/|$)/.test(normalised) || /^\/+api(\/|$)/i.test(rawPath);
}

/** Each segment must be what encodeURIComponent writes for its decoded value, and no segment empty, `.` or `..`. */
export function isCanonicalSegmentPath(rawPath: string): boolean {
  if (!rawPath.startsWith('/')) return false;
  const segments = rawPath.slice(1).split('/');
  return segments.every((segment) => {
    if (segment === '') return false;
    const decoded = safeDecode(segment);
    if (decoded === null || decoded === '.' || decoded === '..' || decoded.includes('/') || decoded.includes('\\')) return false;
    return encodeURIComponent(decoded) === segment;
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A declared route's path as an anchored, case-sensitive pattern over the raw (still encoded) path. */
function patternOf(route: Pick<AnyApiRoute, 'path'>): RegExp {
  const body = route.path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : escapeRegExp(segment)))
    .join('/');
  return new RegExp(`^/api${body}$`);
}

/** The guard for a set of declared routes (mounted at the app's root, before anything that acts on a request). */
export function canonicalPathGuard(routes: readonly Pick<AnyApiRoute, 'path'>[]): RequestHandler {
  const patterns = routes.map(patternOf);
  return (req, res, next) => {
    // The raw (undecoded) path Express routes by, also of an absolute-form request target (`GET http://host/api/...`).
    const raw = req.path;
    if (!looksLikeApi(raw)) return next();
    if (isCanonicalSegmentPath(raw) && patterns.some((pattern) => pattern.test(raw))) return next();
    // The body is not read and no session is loaded: this path is no endpoint.
    notFoundHandler(req, res, next);
  };
}
