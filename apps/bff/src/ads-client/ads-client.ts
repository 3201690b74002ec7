/**
 * The one Amazon Ads API client. Sources and writers describe calls; only this module touches the network, so auth,
 * headers, retries, throttling and timeouts have one home. The simulated mode uses this same client against the
 * simulator's HTTP server: nothing is short-circuited.
 *
 * Retry policy (facts.md §5 and §7): 429, 5xx and network errors are retried with exponential backoff and full
 * jitter, capped and bounded; a 429's Retry-After is a floor, never shortened; other 4xx are never retried. A 401
 * costs one token refresh and one retry, never a loop. A non-idempotent write (`idempotent: false`) is retried only
 * after an answer that proves nothing happened (429, 401, a refused connection); any other failure is uncertain and
 * thrown as such, never sent again blindly. Every attempt waits for its region and endpoint group's
 * adaptive rate limit (rate-limiter.ts), runs under a timeout and the caller's AbortSignal, and is counted in the
 * call statistics (per endpoint) that each ingestion run records.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { z } from 'zod';
import type { AdsRegion } from '../config/env.ts';
import type { LwaTokenProvider } from './lwa-token-provider.ts';
import { DEFAULT_RATE_LIMITS, type RateLimitConfig, RateLimiter } from './rate-limiter.ts';

export type AdsAuth =
  /**
   * Most APIs: Scope = the advertiser's profile id. `adsAccountId` adds `Amazon-Ads-AccountId` (the DSP advertiser id
   * Historic Reach asks for beside the Scope).
   */
  | { kind: 'profile'; profileId: string; adsAccountId?: string }
  /**
   * Partner Opportunities: the partner network (manager) account instead of Scope (facts.md §1.1). Brand View Pro
   * (Brand Benchmarks) names its own manager account (`accountId`) the same way.
   */
  | { kind: 'manager-account'; accountId?: string }
  /** `/v2/profiles`: ClientId and Bearer only. */
  | { kind: 'client' };

export interface AdsRequest {
  region: AdsRegion;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | readonly string[] | undefined>;
  auth: AdsAuth;
  accept?: string;
  contentType?: string;
  body?: unknown;
  /** Names the endpoint in logs, stats and (later) rate limits, e.g. `partnerOpportunities.list`. */
  endpoint: string;
  signal?: AbortSignal;
  /** Answer statuses other than 2xx that the caller handles itself (e.g. 307, 404 for a missing file). */
  acceptStatuses?: readonly number[];
  /**
   * false for a write that must never be repeated blindly (applying a change: none of the apply endpoints takes an
   * idempotency key). An attempt whose outcome is unknown (a timeout, a 5xx, a connection lost after sending) is then
   * not retried but thrown as `AdsUncertainOutcomeError`, for the caller to read upstream back first. Only answers
   * that prove nothing happened are retried: a 429, a 401 (refused before acting), a refused connection.
   */
  idempotent?: boolean;
}

export interface AdsResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

export class AdsApiError extends Error {
  constructor(
    readonly endpoint: string,
    readonly status: number,
    readonly code: string,
    readonly details: string,
    readonly body: unknown,
  ) {
    super(`${endpoint} answered ${status}${code ? ` ${code}` : ''}${details ? `: ${details}` : ''}`);
    this.name = 'AdsApiError';
  }
}

/** A non-idempotent write whose outcome is unknown: it may or may not have taken effect upstream. */
export class AdsUncertainOutcomeError extends AdsApiError {
  constructor(endpoint: string, status: number, code: string, details: string, body: unknown) {
    super(endpoint, status, code, details, body);
    this.name = 'AdsUncertainOutcomeError';
  }
}

/** The connection was refused: nothing reached the server, so even a write may be sent again. */
function connectionRefused(error: unknown): boolean {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return cause?.code === 'ECONNREFUSED';
}

export interface RetryPolicy {
  /** Attempts per call in all, the first included (a 401's one refresh-and-retry is not counted). */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * WAF §7: start at 1 s, double, cap about 60 s, 5–10 tries. Ten, because under a sustained 35% throttle/5xx rate six
 * tries would still give up on about one call in 500, and a full sync makes hundreds of calls.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 10, baseDelayMs: 1_000, maxDelayMs: 60_000 };

export interface AdsClientOptions {
  baseUrls: Readonly<Record<AdsRegion, string>>;
  clientId: string;
  partnerAccountId: string | undefined;
  tokens: LwaTokenProvider;
  timeoutMs: number;
  retry?: RetryPolicy;
  /** Rates per endpoint group; or a limiter shared with other clients. */
  rateLimits?: RateLimitConfig | RateLimiter;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  /** Sees every attempt and every count (metrics, a log line per call) and may add headers (a correlation id). */
  observer?: AdsCallObserver;
}

/** One attempt sent upstream: answered (`status`), or not (`error`: TIMEOUT or NETWORK_ERROR). */
export interface AdsAttempt {
  endpoint: string;
  method: string;
  /** null for a pre-signed file download, which goes to whatever host the URL names. */
  region: AdsRegion | null;
  attempt: number;
  status: number | null;
  error: string | null;
  durationMs: number;
  /** Amazon's id of the request (`x-amzn-RequestId`), for a support case. */
  upstreamRequestId: string | null;
}

export interface AdsCallObserver {
  /** Extra headers for an Ads API call (never for a pre-signed download). */
  headers?(): Record<string, string>;
  attempt(event: AdsAttempt): void;
  counted(endpoint: string, what: keyof CallCounts): void;
}

export interface CallCounts {
  /** Attempts sent upstream. */
  calls: number;
  /** Attempts answered 429. */
  throttled: number;
  /** Attempts made again after a 429, a 5xx, a network error or a timeout. */
  retried: number;
  /** Calls that gave up (the error reached the caller). */
  failed: number;
}

export interface AdsCallStats extends CallCounts {
  byEndpoint: Record<string, CallCounts>;
}

function emptyCounts(): CallCounts {
  return { calls: 0, throttled: 0, retried: 0, failed: 0 };
}

/** Empty statistics, to be filled by `countCallsInto`. */
export function emptyCallStats(): AdsCallStats {
  return { ...emptyCounts(), byEndpoint: {} };
}

/** The statistics being filled in the current async context (a source run), if any. */
const callLedgers = new AsyncLocalStorage<AdsCallStats>();

/**
 * Runs `work` with every call it makes (and only those: not the calls of a source or a report poll running beside it
 * on the same client) also counted into `stats`: what one ingestion run cost upstream.
 */
export function countCallsInto<T>(stats: AdsCallStats, work: () => Promise<T>): Promise<T> {
  return callLedgers.run(stats, work);
}

function addTo(stats: AdsCallStats, endpoint: string, what: keyof CallCounts): void {
  stats[what]++;
  stats.byEndpoint[endpoint] ??= emptyCounts();
  stats.byEndpoint[endpoint][what]++;
}

const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);

function attemptError(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  return name === 'TimeoutError' ? 'TIMEOUT' : name === 'AbortError' ? 'ABORTED' : 'NETWORK_ERROR';
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/** Retry-After is delta-seconds or an HTTP date. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The error body differs per API (facts.md §5): `{code, details}`, `{code, message}`, LwA's `{error, ...}`. */
function describeError(body: unknown): { code: string; details: string } {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const code = String(b.code ?? b.error ?? '');
    const details = String(b.details ?? b.message ?? b.error_description ?? '');
    return { code, details };
  }
  return { code: '', details: typeof body === 'string' ? body.slice(0, 300) : '' };
}

export class AdsClient {
  private readonly counters: AdsCallStats = emptyCallStats();
  private readonly retry: RetryPolicy;
  private readonly limiter: RateLimiter;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly options: AdsClientOptions) {
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.limiter =
      options.rateLimits instanceof RateLimiter ? options.rateLimits : new RateLimiter(options.rateLimits ?? DEFAULT_RATE_LIMITS);
    this.sleep = options.sleep ?? abortableSleep;
    this.random = options.random ?? Math.random;
  }

  get regions(): AdsRegion[] {
    return Object.keys(this.options.baseUrls) as AdsRegion[];
  }

  /** Totals since the client was made (live object). */
  get stats(): Readonly<AdsCallStats> {
    return this.counters;
  }

  /** The rate a region's endpoint group is held to now (calls per second); lower than configured after 429s. */
  currentRate(region: AdsRegion, endpoint: string): number {
    return this.limiter.currentRate(region, endpoint);
  }

  /** Stops the rate limiters' timers (on shutdown). */
  async close(): Promise<void> {
    await this.limiter.stop();
  }

  /**
   * A URL found in upstream data (a CSV row's `applyApiEndPoint`) lends only its path: the host is always the
   * configured regional one, so data can never redirect our credentials elsewhere.
   */
  static pathOf(upstreamUrl: string): string {
    return new URL(upstreamUrl, 'https://placeholder.invalid').pathname;
  }

  async request(request: AdsRequest): Promise<AdsResponse> {
    const { endpoint, region } = request;
    let refreshedAfter401 = false;
    for (let attempt = 1; ; attempt++) {
      // The token is fetched outside the limiter: a refresh must not hold one of the group's slots.
      const token = await this.options.tokens.accessToken();
      let response: Response;
      let body: unknown;
      try {
        ({ response, body } = await this.limiter.schedule(region, endpoint, async () => {
          request.signal?.throwIfAborted();
          this.count(endpoint, 'calls');
          const started = performance.now();
          try {
            const sent = await fetch(this.urlOf(request), {
              method: request.method,
              headers: this.headersOf(request, token),
              body: request.body === undefined ? undefined : JSON.stringify(request.body),
              redirect: 'manual',
              signal: this.signalOf(request.signal),
            });
            const read = await this.readBody(sent);
            this.observe(endpoint, request.method, region, attempt, started, sent);
            return { response: sent, body: read };
          } catch (error) {
            this.observe(endpoint, request.method, region, attempt, started, error);
            throw error;
          }
        }));
      } catch (error) {
        if (request.signal?.aborted || error instanceof AdsApiError) {
          this.count(endpoint, 'failed');
          throw error;
        }
        const code = error instanceof Error && error.name === 'TimeoutError' ? 'TIMEOUT' : 'NETWORK_ERROR';
        if (request.idempotent === false && !connectionRefused(error)) {
          this.count(endpoint, 'failed');
          throw new AdsUncertainOutcomeError(endpoint, 0, code, `${describeCause(error)}: the write may have taken effect`, null);
        }
        if (attempt >= this.retry.maxAttempts) {
          this.count(endpoint, 'failed');
          throw new AdsApiError(endpoint, 0, code, `${describeCause(error)} (after ${attempt} attempts)`, null);
        }
        this.count(endpoint, 'retried');
        await this.sleep(this.backoffMs(attempt), request.signal);
        continue;
      }

      if (response.status === 429) {
        this.count(endpoint, 'throttled');
        this.limiter.throttled(region, endpoint);
      }
      if (response.ok || request.acceptStatuses?.includes(response.status)) {
        this.limiter.succeeded(region, endpoint);
        return { status: response.status, headers: response.headers, body };
      }
      if (response.status === 401 && !refreshedAfter401) {
        refreshedAfter401 = true;
        this.options.tokens.invalidate(token);
        attempt--; // a refresh is not a retry of a failing upstream
        continue;
      }
      if (request.idempotent === false && response.status >= 500) {
        this.count(endpoint, 'failed');
        const { code, details } = describeError(body);
        throw new AdsUncertainOutcomeError(endpoint, response.status, code || 'SERVER_ERROR', details, body);
      }
      if (RETRYABLE_STATUSES.has(response.status) && attempt < this.retry.maxAttempts) {
        this.count(endpoint, 'retried');
        // Retry-After is a floor, never shortened by the jittered backoff (facts.md §5).
        const floor = retryAfterMs(response.headers.get('retry-after')) ?? 0;
        await this.sleep(Math.max(floor, this.backoffMs(attempt)), request.signal);
        continue;
      }
      this.count(endpoint, 'failed');
      const { code, details } = describeError(body);
      throw new AdsApiError(endpoint, response.status, code, details, body);
    }
  }

  /** A request whose JSON answer is validated by the endpoint's schema (written against the published spec). */
  async requestJson<S extends z.ZodType>(request: AdsRequest, schema: S): Promise<z.infer<S>> {
    const response = await this.request(request);
    const parsed = schema.safeParse(response.body);
    if (!parsed.success) {
      throw new AdsApiError(
        request.endpoint,
        response.status,
        'INVALID_RESPONSE',
        `the response does not match the published schema: ${parsed.error.issues
          .map((i) => `${i.path.join('.')}: ${i.message}`)
          .slice(0, 5)
          .join('; ')}`,
        response.body,
      );
    }
    return parsed.data;
  }

  /**
   * Follows a pre-signed file URL as given, without the Amazon headers (a pre-signed S3 URL refuses a second auth
   * mechanism). Retries like any call; returns the streaming response.
   */
  async download(url: string, endpoint: string, signal?: AbortSignal): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      this.count(endpoint, 'calls');
      let response: Response;
      // The timeout covers getting the answer, not reading it: a large file is streamed into the store at the
      // store's pace, which may take far longer than any sensible request timeout. The caller's signal still ends it.
      const timeout = new AbortController();
      const timer = setTimeout(
        () => timeout.abort(new DOMException(`no answer within ${this.options.timeoutMs} ms`, 'TimeoutError')),
        this.options.timeoutMs,
      );
      const started = performance.now();
      try {
        response = await fetch(url, { signal: signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal });
        this.observe(endpoint, 'GET', null, attempt, started, response);
      } catch (error) {
        this.observe(endpoint, 'GET', null, attempt, started, error);
        if (signal?.aborted || attempt >= this.retry.maxAttempts) {
          this.count(endpoint, 'failed');
          const code = error instanceof Error && error.name === 'TimeoutError' ? 'TIMEOUT' : 'NETWORK_ERROR';
          if (signal?.aborted) throw error;
          throw new AdsApiError(endpoint, 0, code, `${describeCause(error)} (after ${attempt} attempts)`, null);
        }
        this.count(endpoint, 'retried');
        await this.sleep(this.backoffMs(attempt), signal);
        continue;
      } finally {
        clearTimeout(timer);
      }
      if (response.ok) return response;
      const text = await response.text().catch(() => '');
      if (response.status === 429) this.count(endpoint, 'throttled');
      if (RETRYABLE_STATUSES.has(response.status) && attempt < this.retry.maxAttempts) {
        this.count(endpoint, 'retried');
        await this.sleep(Math.max(retryAfterMs(response.headers.get('retry-after')) ?? 0, this.backoffMs(attempt)), signal);
        continue;
      }
      this.count(endpoint, 'failed');
      const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? describeError(safeJson(text)).code;
      const message = /<Message>([^<]+)<\/Message>/.exec(text)?.[1] ?? text.slice(0, 200);
      throw new AdsApiError(endpoint, response.status, code, message, text);
    }
  }

  private count(endpoint: string, what: keyof CallCounts): void {
    addTo(this.counters, endpoint, what);
    const ledger = callLedgers.getStore();
    if (ledger) addTo(ledger, endpoint, what);
    this.options.observer?.counted(endpoint, what);
  }

  private observe(endpoint: string, method: string, region: AdsRegion | null, attempt: number, started: number, outcome: unknown): void {
    const observer = this.options.observer;
    if (!observer) return;
    const answered = outcome instanceof Response ? outcome : null;
    observer.attempt({
      endpoint,
      method,
      region,
      attempt,
      status: answered?.status ?? null,
      error: answered ? null : attemptError(outcome),
      durationMs: performance.now() - started,
      upstreamRequestId: answered?.headers.get('x-amzn-requestid') ?? null,
    });
  }

  /** Every attempt ends at the timeout or when the caller aborts, whichever comes first. */
  private signalOf(signal: AbortSignal | undefined): AbortSignal {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    return signal ? AbortSignal.any([signal, timeout]) : timeout;
  }

  /** Full jitter: a random delay between 0 and the capped exponential step (AWS architecture blog, WAF §7). */
  private backoffMs(attempt: number): number {
    const step = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    return Math.floor(this.random() * step);
  }

  private urlOf(request: AdsRequest): string {
    const base = this.options.baseUrls[request.region].replace(/\/$/, '');
    const url = new URL(`${base}${request.path}`);
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value === undefined) continue;
      url.searchParams.set(name, Array.isArray(value) ? value.join(',') : String(value));
    }
    return url.toString();
  }

  private headersOf(request: AdsRequest, token: string): Headers {
    const headers = new Headers({
      authorization: `Bearer ${token}`,
      'amazon-advertising-api-clientid': this.options.clientId,
      accept: request.accept ?? 'application/json',
    });
    for (const [name, value] of Object.entries(this.options.observer?.headers?.() ?? {})) headers.set(name, value);
    if (request.body !== undefined) headers.set('content-type', request.contentType ?? 'application/json');
    if (request.auth.kind === 'profile') {
      headers.set('amazon-advertising-api-scope', request.auth.profileId);
      if (request.auth.adsAccountId) headers.set('amazon-ads-accountid', request.auth.adsAccountId);
    }
    if (request.auth.kind === 'manager-account') {
      const account = request.auth.accountId ?? this.options.partnerAccountId;
      if (!account) {
        throw new AdsApiError(request.endpoint, 0, 'NOT_CONFIGURED', 'ADS_PARTNER_ACCOUNT_ID is required for Partner Opportunities', null);
      }
      headers.set('amazon-advertising-api-manager-account', account);
    }
    return headers;
  }

  private async readBody(response: Response): Promise<unknown> {
    const text = await response.text();
    if (!text) return null;
    const type = response.headers.get('content-type') ?? '';
    if (type.includes('json')) {
      try {
        return JSON.parse(text);
      } catch {
        return text;
      }
    }
    return text;
  }
}
