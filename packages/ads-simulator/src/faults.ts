/**
 * Fault injection for the simulated Ads API, switched on per test and deterministic: every random choice comes from
 * a PRNG seeded by the fault config, so the same requests in the same order meet the same faults. Two layers:
 * - HTTP faults, applied centrally by one msw handler placed before every real one: a share of calls answered 429
 *   with `Retry-After` or 500/503, slow responses, and "expire every issued token" after the Nth request.
 * - Data faults, which the API handlers ask for while building their answer: list items missing a required field,
 *   unknown enum values (Amazon adds values without a version bump, facts.md §5), CSV rows with bad values, and
 *   307 file URLs that are already expired.
 * Out-of-process tests switch faults through `POST /_simulator/faults` (validated with the schema below).
 */
import { delay, HttpResponse, http } from 'msw';
import { z } from 'zod';
import type { SimulatorState } from './state.ts';

const share = z.number().min(0).max(1);

export const FaultConfigSchema = z.strictObject({
  /** Seeds the PRNG; the same seed and the same requests give the same faults. */
  seed: z.number().int().default(1),
  /**
   * Answer this share of calls 429 with `Retry-After` in seconds. Amazon sends whole seconds; a fraction (`0.2`) is
   * allowed here only so that tests can keep their waits short (the client reads it as a number of seconds).
   */
  throttle: z.strictObject({ share, retryAfterSeconds: z.number().min(0).max(3600).default(1) }).optional(),
  /** Answer this share of calls with a server error, picked among `statuses`. */
  serverErrors: z
    .strictObject({
      share,
      statuses: z
        .array(z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]))
        .min(1)
        .default([503]),
    })
    .optional(),
  /** Delay this share of responses by `ms`. */
  latency: z.strictObject({ ms: z.number().int().min(0).max(120_000), share: share.default(1) }).optional(),
  /** When the Nth request (counted from when this config was set) arrives, every issued access token expires. */
  expireTokensAtRequest: z.number().int().positive().optional(),
  /** This share of list items lacks a required field (Partner Opportunities: `title` or `dataMetadata`). */
  malformedItems: z.strictObject({ share }).optional(),
  /** This share of list items carries an enum value the published spec does not list (e.g. a new objectiveType). */
  unknownEnums: z.strictObject({ share }).optional(),
  /** This share of CSV rows carries a value of the wrong form (a confidence above 1, a date that is no date). */
  malformedCsvRows: z.strictObject({ share }).optional(),
  /** The next N file redirects (307) point to pre-signed URLs that have already expired. */
  expiredFileUrls: z.number().int().min(0).optional(),
  /**
   * Lost answers: the real handler runs (the change is made and recorded in the ledger), then its answer is lost: a
   * 5xx is sent instead, the connection is reset, or no answer comes at all (`hang`: the client times out). Hits
   * this share of the calls with one of `methods` to a path containing one of `paths`. This is what makes a write's
   * outcome uncertain, the case a client must never resolve by sending the write again.
   */
  lostAnswers: z
    .strictObject({
      share,
      paths: z.array(z.string().min(1)).min(1),
      methods: z.array(z.enum(['POST', 'PUT', 'DELETE'])).default(['POST', 'PUT']),
      as: z.enum(['500', '503', '504', 'reset', 'hang']).default('503'),
      /** Lose at most this many answers (then answer normally). */
      max: z.number().int().positive().optional(),
    })
    .optional(),
  /**
   * Per-item failures in Sponsored Products writes (207): this share of the items of a write to a path containing
   * one of `paths` is refused with INTERNAL_ERROR and left unchanged (at most `max` items in all), the rest applied.
   */
  itemErrors: z.strictObject({ share, paths: z.array(z.string().min(1)).min(1), max: z.number().int().positive().optional() }).optional(),
  /**
   * HTTP faults only hit paths containing one of these strings (default: every path but the simulator's own
   * `/_simulator` control endpoints). `/auth/o2/token` is Login with Amazon.
   */
  paths: z.array(z.string().min(1)).optional(),
});
export type FaultConfig = z.input<typeof FaultConfigSchema>;
export type ParsedFaultConfig = z.output<typeof FaultConfigSchema>;

export interface FaultState {
  config: ParsedFaultConfig | null;
  random: () => number;
  /** Requests seen since the config was set (control endpoints excluded). */
  requestCount: number;
  expiredFileUrlsLeft: number;
  /** What the faults did, for tests that check the client met them. */
  injected: { throttled: number; serverErrors: number; delayed: number; tokensExpired: number; lostAnswers: number; itemErrors: number };
}

/** mulberry32: a small, well-distributed 32-bit PRNG; deterministic across platforms. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function createFaultState(): FaultState {
  return {
    config: null,
    random: seededRandom(1),
    requestCount: 0,
    expiredFileUrlsLeft: 0,
    injected: { throttled: 0, serverErrors: 0, delayed: 0, tokensExpired: 0, lostAnswers: 0, itemErrors: 0 },
  };
}

/** Switches faults on (a config) or off (null); resets the PRNG and the counters, so each test starts alike. */
export function setFaults(state: SimulatorState, config: FaultConfig | null): void {
  const parsed = config === null ? null : FaultConfigSchema.parse(config);
  state.faults = createFaultState();
  state.faults.config = parsed;
  state.faults.random = seededRandom(parsed?.seed ?? 1);
  state.faults.expiredFileUrlsLeft = parsed?.expiredFileUrls ?? 0;
}

/** Every access token issued so far expires now: the next call with one gets Amazon's 401. */
export function expireAllTokens(state: SimulatorState): void {
  const now = state.clock.now().getTime();
  for (const token of state.accessTokens.keys()) state.accessTokens.set(token, now);
  state.faults.injected.tokensExpired++;
}

/** Whether the answer of this request is to be lost after it was handled, and how; null to answer normally. */
export function takeLostAnswer(state: SimulatorState, method: string, pathname: string): '500' | '503' | '504' | 'reset' | 'hang' | null {
  const lost = state.faults.config?.lostAnswers;
  if (!lost || pathname.startsWith('/_simulator')) return null;
  if (!lost.methods.includes(method as 'POST') || !lost.paths.some((p) => pathname.includes(p))) return null;
  if (lost.max !== undefined && state.faults.injected.lostAnswers >= lost.max) return null;
  if (state.faults.random() >= lost.share) return null;
  state.faults.injected.lostAnswers++;
  return lost.as;
}

/** Whether this item of a multi-status write is to fail (unchanged) by the `itemErrors` fault. */
export function takeItemError(state: SimulatorState, pathname: string): boolean {
  const config = state.faults.config?.itemErrors;
  if (!config?.paths.some((p) => pathname.includes(p))) return false;
  if (config.max !== undefined && state.faults.injected.itemErrors >= config.max) return false;
  if (state.faults.random() >= config.share) return false;
  state.faults.injected.itemErrors++;
  return true;
}

function applies(config: ParsedFaultConfig, pathname: string): boolean {
  if (pathname.startsWith('/_simulator')) return false;
  return !config.paths || config.paths.some((p) => pathname.includes(p));
}

/**
 * The first handler of the simulator: answers a share of calls with 429 / 5xx, slows some down, expires tokens on
 * cue, and otherwise returns nothing, which lets msw pass the request on to the real handler.
 */
export function faultHandlers(state: SimulatorState) {
  return [
    http.all('*', async ({ request }) => {
      const config = state.faults.config;
      const url = new URL(request.url);
      if (!config || !applies(config, url.pathname)) return undefined;
      const faults = state.faults;
      faults.requestCount++;
      if (config.expireTokensAtRequest === faults.requestCount) expireAllTokens(state);
      if (config.latency && faults.random() < config.latency.share) {
        faults.injected.delayed++;
        await delay(config.latency.ms);
      }
      const roll = faults.random();
      const throttleShare = config.throttle?.share ?? 0;
      if (config.throttle && roll < throttleShare) {
        faults.injected.throttled++;
        const retryAfter = String(config.throttle.retryAfterSeconds);
        logFault(state, request, 429, config.throttle.retryAfterSeconds);
        return HttpResponse.json(
          { code: 'THROTTLED', details: 'Request was throttled. Retry after the time given in Retry-After.' },
          { status: 429, headers: { 'retry-after': retryAfter } },
        );
      }
      if (config.serverErrors && roll < throttleShare + config.serverErrors.share) {
        faults.injected.serverErrors++;
        const statuses = config.serverErrors.statuses;
        const status = statuses[Math.floor(faults.random() * statuses.length)] ?? 503;
        logFault(state, request, status, null);
        return HttpResponse.json(
          { code: status === 503 ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_ERROR', details: 'The service had a problem. Try again later.' },
          { status },
        );
      }
      return undefined;
    }),
  ];
}

function logFault(state: SimulatorState, request: Request, status: number, retryAfterSeconds: number | null): void {
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  state.requestLog.push({
    method: request.method,
    path: url.pathname,
    search: url.search,
    headers,
    at: Date.now(),
    fault: { status, retryAfterSeconds },
  });
}

/** Draws for a data fault of the given share; false when no such fault is configured. */
function draw(state: SimulatorState, configured: { share: number } | undefined): boolean {
  return configured !== undefined && state.faults.random() < configured.share;
}

/** Partner Opportunities list items as the faults want them: some missing a required field, some with a new enum. */
export function opportunityItemFaults<T extends Record<string, unknown>>(state: SimulatorState, items: T[]): Record<string, unknown>[] {
  const config = state.faults.config;
  if (!config || (!config.malformedItems && !config.unknownEnums)) return items;
  return items.map((item, index) => {
    let result: Record<string, unknown> = item;
    if (draw(state, config.malformedItems)) {
      const { [index % 2 === 0 ? 'title' : 'dataMetadata']: _dropped, ...rest } = result;
      result = rest;
    }
    if (draw(state, config.unknownEnums)) result = { ...result, objectiveType: 'SIMULATED_NEW_OBJECTIVE_TYPE' };
    return result;
  });
}

/** Bad values a real file could carry, by column, in the order they are tried. */
const BAD_CELLS: readonly [string, string][] = [
  ['confidence', '1.7'],
  ['expiryDate', 'next tuesday'],
  ['publishedDate', 'yesterday'],
  ['impactScore', 'eleven'],
];

/** CSV rows as the faults want them: a share of them carry a bad value in a typed column. */
export function csvRowFaults(state: SimulatorState, columns: readonly string[], rows: Record<string, string>[]): Record<string, string>[] {
  const config = state.faults.config;
  if (!config?.malformedCsvRows) return rows;
  const bad = BAD_CELLS.find(([column]) => columns.includes(column));
  if (!bad) return rows;
  return rows.map((row) => (draw(state, config.malformedCsvRows) ? { ...row, [bad[0]]: bad[1] } : row));
}

/** Whether the file redirect being issued now should point to an already expired URL. */
export function takeExpiredFileUrl(state: SimulatorState): boolean {
  if (state.faults.expiredFileUrlsLeft <= 0) return false;
  state.faults.expiredFileUrlsLeft--;
  return true;
}

/** Request counts per "METHOD path", for `/_simulator/ledger`. */
export function requestCounts(state: SimulatorState): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const entry of state.requestLog) {
    const key = `${entry.method} ${entry.path}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
