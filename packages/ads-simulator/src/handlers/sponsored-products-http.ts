/**
 * What every Sponsored Products v3 endpoint checks before it answers: a live bearer token and ClientId, the
 * `Amazon-Advertising-API-Scope` header naming a profile of the world in the region that was called, and the
 * endpoint's versioned media types. Two error dialects exist in the one spec: the campaign-management (CRUD)
 * endpoints answer `{code, message}` and the recommendation endpoints `{code, details}` (facts.md §5).
 */
import { HttpResponse } from 'msw';
import { type Profile, profileOf } from '../data/world.ts';
import type { SimulatorState } from '../state.ts';
import { checkBearer, logRequest } from './amazon-http.ts';
import { regionOf } from './profiles.ts';

export type ErrorDialect = 'crud' | 'recommendations';

/** The CRUD dialect names the error (`INVALID_ARGUMENT`); the recommendation one puts the HTTP status in `code`. */
export function spError(dialect: ErrorDialect, status: number, code: string, text: string, extra: Record<string, unknown> = {}) {
  const body = dialect === 'crud' ? { code, message: text, ...extra } : { code: String(status), details: text, ...extra };
  return HttpResponse.json(body, { status });
}

/** The profile the Scope header names, or the 401 / 400 the Ads API answers (facts.md §5). */
export function checkScope(state: SimulatorState, request: Request, dialect: ErrorDialect): Profile | Response {
  const scope = request.headers.get('amazon-advertising-api-scope');
  if (!scope) return spError(dialect, 401, 'UNAUTHORIZED', 'Amazon-Advertising-API-Scope header is missing');
  if (!/^\d+$/.test(scope)) return spError(dialect, 400, 'INVALID_ARGUMENT', `Invalid Amazon-Advertising-API-Scope header: '${scope}'`);
  const profile = profileOf(state.world, Number(scope));
  if (!profile) return spError(dialect, 401, 'UNAUTHORIZED', 'No matching advertiser found for scope');
  const region = regionOf(new URL(request.url));
  if (region !== 'ALL' && region !== profile.marketplace.region) {
    return spError(dialect, 401, 'UNAUTHORIZED', 'Not authorized to access scope: the profile belongs to another region');
  }
  return profile;
}

/**
 * Media types are compared case-insensitively (RFC 9110) against the endpoint's list. A wrong `Accept` or
 * `Content-Type` answers 415 on SP v3, which declares no 406.
 */
export function checkSpMediaTypes(
  request: Request,
  dialect: ErrorDialect,
  allowed: { accept: readonly string[]; contentType?: readonly string[] },
): Response | null {
  const matches = (header: string | null, list: readonly string[]) => {
    const value = (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    return list.some((type) => type.toLowerCase() === value);
  };
  if (allowed.contentType && !matches(request.headers.get('content-type'), allowed.contentType)) {
    return spError(
      dialect,
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `Unsupported Content-Type '${request.headers.get('content-type') ?? ''}'; expected ${allowed.contentType.join(' or ')}`,
    );
  }
  if (!matches(request.headers.get('accept'), allowed.accept)) {
    return spError(
      dialect,
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `Unsupported Accept '${request.headers.get('accept') ?? ''}'; expected ${allowed.accept.join(' or ')}`,
    );
  }
  return null;
}

/** Logs the call and runs the checks every SP endpoint makes; returns the scoped profile or the error response. */
export function guardSp(
  state: SimulatorState,
  request: Request,
  dialect: ErrorDialect,
  mediaTypes: { accept: readonly string[]; contentType?: readonly string[] },
): Profile | Response {
  logRequest(state, request);
  const denied = checkBearer(state, request);
  if (denied) return denied;
  const profile = checkScope(state, request, dialect);
  if (profile instanceof Response) return profile;
  return checkSpMediaTypes(request, dialect, mediaTypes) ?? profile;
}

/** Reads a JSON body; a body that is not JSON is the caller's 400. */
export async function readJson(request: Request): Promise<{ ok: true; body: unknown } | { ok: false }> {
  try {
    return { ok: true, body: await request.json() };
  } catch {
    return { ok: false };
  }
}

/** Offset paging tokens, opaque to the caller. */
export function encodeToken(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64url');
}

export function decodeToken(token: string | null | undefined): number | null {
  if (!token) return 0;
  const offset = Number(
    Buffer.from(token, 'base64url')
      .toString('utf8')
      .replace(/^offset:/, ''),
  );
  return Number.isInteger(offset) && offset >= 0 ? offset : null;
}
