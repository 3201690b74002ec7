/**
 * What every simulated endpoint shares: Amazon's error body, the header checks the real API makes, and the request
 * log. Kept in one place so that each API's handlers read as the API's own rules.
 */
import { HttpResponse } from 'msw';
import type { SimulatorState } from '../state.ts';

export function amazonError(status: number, code: string, details: string, headers?: Record<string, string>) {
  return HttpResponse.json({ code, details }, { status, headers });
}

export function logRequest(state: SimulatorState, request: Request): void {
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  state.requestLog.push({ method: request.method, path: url.pathname, search: url.search, headers, at: Date.now() });
}

/** A bearer token the simulator issued and that has not expired, or a 401 as the Ads API answers it. */
export function checkBearer(state: SimulatorState, request: Request): Response | null {
  const authorization = request.headers.get('authorization') ?? '';
  const token = authorization.replace(/^Bearer\s+/i, '');
  const expiresAt = state.accessTokens.get(token);
  if (!token || expiresAt === undefined) {
    return amazonError(401, 'UNAUTHORIZED', 'Not authorized: missing or unknown access token');
  }
  if (expiresAt <= state.clock.now().getTime()) {
    return amazonError(401, 'UNAUTHORIZED', 'Not authorized: access token expired');
  }
  if (request.headers.get('amazon-advertising-api-clientid') !== state.credentials.clientId) {
    return amazonError(401, 'UNAUTHORIZED', 'Amazon-Advertising-API-ClientId header is missing or invalid');
  }
  return null;
}

/** Partner Opportunities authorise by the partner network account instead of a profile scope (facts.md §1.1). */
export function checkManagerAccount(state: SimulatorState, request: Request): Response | null {
  const account = request.headers.get('amazon-advertising-api-manager-account');
  if (!account) return amazonError(401, 'UNAUTHORIZED', 'Amazon-Advertising-API-Manager-Account header is missing');
  if (account !== state.credentials.partnerAccountId) {
    return amazonError(403, 'FORBIDDEN', 'The user is not an Admin or Custom-Editor of this Partner Network account');
  }
  return null;
}

/** Versioned media types: a wildcard or another resource's type is refused (facts.md §0). */
export function checkMediaType(request: Request, header: 'accept' | 'content-type', pattern: RegExp): Response | null {
  const value = request.headers.get(header) ?? '';
  if (!pattern.test(value)) {
    return amazonError(
      header === 'accept' ? 406 : 415,
      'UNSUPPORTED_MEDIA_TYPE',
      `Unsupported ${header === 'accept' ? 'Accept' : 'Content-Type'} header: '${value}'`,
    );
  }
  return null;
}
