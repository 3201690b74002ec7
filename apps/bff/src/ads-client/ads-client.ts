/**
 * The one Amazon Ads API client. Sources and writers describe calls; only this module touches the network, so auth,
 * headers, retries, throttling and timeouts have one home. The simulated mode uses this same client against the
 * simulator's HTTP server: nothing is short-circuited.
 *
 * Retry policy (facts.md §5 and §7): 429, 5xx and network errors are retried with exponential backoff and full
 * jitter, capped and bounded; a 429's Retry-After is a floor, never shortened; other 4xx are never retried. A 401
 * costs one token refresh and one retry, never a loop.
 */
import type { z } from 'zod';
import type { AdsRegion } from '../config/env.ts';
import type { LwaTokenProvider } from './lwa-token-provider.ts';

export type AdsAuth =
  /** Most APIs: Scope = the advertiser's profile id. */
  | { kind: 'profile'; profileId: string }
  /** Partner Opportunities: the partner network (manager) account instead of Scope (facts.md §1.1). */
  | { kind: 'manager-account' }
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

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 1_000, maxDelayMs: 60_000 };

export interface AdsClientOptions {
  baseUrls: Readonly<Record<AdsRegion, string>>;
  clientId: string;
  partnerAccountId: string | undefined;
  tokens: LwaTokenProvider;
  timeoutMs: number;
  retry?: RetryPolicy;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

export interface AdsCallStats {
  calls: number;
  throttled: number;
  retried: number;
  failed: number;
}

const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);

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
  readonly stats: AdsCallStats = { calls: 0, throttled: 0, retried: 0, failed: 0 };
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly options: AdsClientOptions) {
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.sleep = options.sleep ?? abortableSleep;
    this.random = options.random ?? Math.random;
  }

  get regions(): AdsRegion[] {
    return Object.keys(this.options.baseUrls) as AdsRegion[];
  }

  /**
   * A URL found in upstream data (a CSV row's `applyApiEndPoint`) lends only its path: the host is always the
   * configured regional one, so data can never redirect our credentials elsewhere.
   */
  static pathOf(upstreamUrl: string): string {
    return new URL(upstreamUrl, 'https://placeholder.invalid').pathname;
  }

  async request(request: AdsRequest): Promise<AdsResponse> {
    let refreshedAfter401 = false;
    for (let attempt = 1; ; attempt++) {
      const token = await this.options.tokens.accessToken();
      let response: Response;
      try {
        this.stats.calls++;
        response = await fetch(this.urlOf(request), {
          method: request.method,
          headers: this.headersOf(request, token),
          body: request.body === undefined ? undefined : JSON.stringify(request.body),
          redirect: 'manual',
          signal: request.signal
            ? AbortSignal.any([request.signal, AbortSignal.timeout(this.options.timeoutMs)])
            : AbortSignal.timeout(this.options.timeoutMs),
        });
      } catch (error) {
        if (request.signal?.aborted) throw error;
        if (attempt >= this.retry.maxAttempts) {
          this.stats.failed++;
          throw new AdsApiError(request.endpoint, 0, 'NETWORK_ERROR', error instanceof Error ? error.message : String(error), null);
        }
        this.stats.retried++;
        await this.sleep(this.backoffMs(attempt), request.signal);
        continue;
      }

      const body = await this.readBody(response);
      if (response.ok || request.acceptStatuses?.includes(response.status)) {
        return { status: response.status, headers: response.headers, body };
      }
      if (response.status === 401 && !refreshedAfter401) {
        refreshedAfter401 = true;
        this.options.tokens.invalidate(token);
        attempt--; // a refresh is not a retry of a failing upstream
        continue;
      }
      if (RETRYABLE_STATUSES.has(response.status) && attempt < this.retry.maxAttempts) {
        if (response.status === 429) this.stats.throttled++;
        this.stats.retried++;
        const floor = retryAfterMs(response.headers.get('retry-after')) ?? 0;
        await this.sleep(Math.max(floor, this.backoffMs(attempt)), request.signal);
        continue;
      }
      if (response.status === 429) this.stats.throttled++;
      this.stats.failed++;
      const { code, details } = describeError(body);
      throw new AdsApiError(request.endpoint, response.status, code, details, body);
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
      this.stats.calls++;
      let response: Response;
      try {
        response = await fetch(url, {
          signal: signal
            ? AbortSignal.any([signal, AbortSignal.timeout(this.options.timeoutMs)])
            : AbortSignal.timeout(this.options.timeoutMs),
        });
      } catch (error) {
        if (signal?.aborted || attempt >= this.retry.maxAttempts) {
          this.stats.failed++;
          throw new AdsApiError(endpoint, 0, 'NETWORK_ERROR', error instanceof Error ? error.message : String(error), null);
        }
        this.stats.retried++;
        await this.sleep(this.backoffMs(attempt), signal);
        continue;
      }
      if (response.ok) return response;
      const text = await response.text().catch(() => '');
      if (RETRYABLE_STATUSES.has(response.status) && attempt < this.retry.maxAttempts) {
        this.stats.retried++;
        await this.sleep(Math.max(retryAfterMs(response.headers.get('retry-after')) ?? 0, this.backoffMs(attempt)), signal);
        continue;
      }
      this.stats.failed++;
      const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? '';
      const message = /<Message>([^<]+)<\/Message>/.exec(text)?.[1] ?? text.slice(0, 200);
      throw new AdsApiError(endpoint, response.status, code, message, text);
    }
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
    if (request.body !== undefined) headers.set('content-type', request.contentType ?? 'application/json');
    if (request.auth.kind === 'profile') headers.set('amazon-advertising-api-scope', request.auth.profileId);
    if (request.auth.kind === 'manager-account') {
      if (!this.options.partnerAccountId) {
        throw new AdsApiError(request.endpoint, 0, 'NOT_CONFIGURED', 'ADS_PARTNER_ACCOUNT_ID is required for Partner Opportunities', null);
      }
      headers.set('amazon-advertising-api-manager-account', this.options.partnerAccountId);
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
