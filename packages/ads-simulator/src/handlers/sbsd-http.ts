/**
 * What the Sponsored Brands and Sponsored Display endpoints share on top of the SP checks (bearer, scope, media
 * types): the request's JSON body kept on its request-log entry (so tests can check requests against the published
 * specs), integer-or-string ids (SD and SB v3 declare int64 ids, SB v4 strings), and the ledger of changes.
 */
import { HttpResponse } from 'msw';
import type { Profile } from '../data/world.ts';
import type { SimulatorState } from '../state.ts';
import { type ErrorDialect, guardSp, readJson, spError } from './sponsored-products-http.ts';

export type Guarded = { profile: Profile; body: unknown } | Response;

/** Guards the call and reads its JSON body (a body that is not JSON is the caller's 400). */
export async function guardWithBody(
  state: SimulatorState,
  request: Request,
  dialect: ErrorDialect,
  mediaTypes: { accept: readonly string[]; contentType?: readonly string[] },
): Promise<Guarded> {
  const profile = guardSp(state, request, dialect, mediaTypes);
  // guardSp logged the request synchronously: the last entry is this request's.
  const entry = state.requestLog[state.requestLog.length - 1];
  if (profile instanceof Response) return profile;
  const read = await readJson(request);
  if (!read.ok) return spError(dialect, 400, 'INVALID_ARGUMENT', 'The request body is not JSON');
  if (entry) entry.body = read.body;
  return { profile, body: read.body };
}

/** Logs and guards a GET (no body). */
export function guardGet(
  state: SimulatorState,
  request: Request,
  dialect: ErrorDialect,
  mediaTypes: { accept: readonly string[] },
): Profile | Response {
  return guardSp(state, request, dialect, mediaTypes);
}

/** An int64 id as JSON: a number when it is one (SD, SB v3), kept a string otherwise. */
export function intId(id: string): number | string {
  return /^\d{1,15}$/.test(id) ? Number(id) : id;
}

/** Comma-separated filter values of a query parameter, or null when absent. */
export function listParam(url: URL, name: string): string[] | null {
  const value = url.searchParams.get(name);
  return value ? value.split(',').map((v) => v.trim().toLowerCase()) : null;
}

export function recordChange(state: SimulatorState, api: string, key: string, before: unknown, after: unknown): void {
  state.ledger.push({ at: state.clock.now().toISOString(), api, key, body: { before, after } });
}

export function json(body: unknown, contentType: string, status = 200): Response {
  return HttpResponse.json(body as never, { status, headers: { 'content-type': contentType } });
}

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The 7-day window every missed-opportunity estimate covers, ending yesterday. */
export function missedWindow(now: Date): { startDate: string; endDate: string } {
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - 86_400_000);
  return { startDate: isoDay(new Date(end.getTime() - 6 * 86_400_000)), endDate: isoDay(end) };
}
