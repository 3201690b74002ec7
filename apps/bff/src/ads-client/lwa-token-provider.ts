/**
 * Login with Amazon access tokens from a refresh token (facts.md §5). The token is cached until shortly before
 * `expires_in`; however many calls wait, only one refresh is in flight; a 401 upstream invalidates the token it was
 * sent with (and only that one), so fifty calls failing together still cause one refresh. Login with Amazon can
 * throttle or fail too: a 429, a 5xx or a network error is retried a few times with backoff (Retry-After as a floor);
 * a refusal (400/401: bad client or refresh token) is not, and gives an error that says which settings to check.
 */
import { z } from 'zod';

const TokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().int().positive(),
  refresh_token: z.string().optional(),
});

const LwaErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() });

export interface LwaCredentials {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

export class LwaError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'LwaError';
  }
}

/**
 * Refresh this long before the token expires, so a call never leaves with a token that dies on the way: a minute,
 * or a tenth of the lifetime for tokens that live less than ten minutes.
 */
const EXPIRY_MARGIN_MS = 60_000;

export interface LwaRetryOptions {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

const DEFAULT_LWA_RETRY: LwaRetryOptions = { maxAttempts: 4, baseDelayMs: 1_000, maxDelayMs: 30_000 };
/**
 * A refusal (a revoked refresh token, a wrong client secret) is remembered this long: every call of a sync would
 * otherwise ask Login with Amazon again and get the same answer — a retry storm against the token endpoint.
 */
const REFUSAL_HOLD_MS = 60_000;
const RETRYABLE = new Set([429, 500, 502, 503, 504]);

export class LwaTokenProvider {
  private token: { value: string; refreshAt: number } | null = null;
  private refreshing: Promise<string> | null = null;
  private refusal: { error: LwaError; until: number } | null = null;
  refreshCount = 0;

  constructor(
    private readonly credentials: LwaCredentials,
    private readonly now: () => number = Date.now,
    private readonly timeoutMs = 15_000,
    private readonly retry: LwaRetryOptions = DEFAULT_LWA_RETRY,
  ) {}

  async accessToken(): Promise<string> {
    if (this.token && this.token.refreshAt > this.now()) return this.token.value;
    if (this.refusal && this.refusal.until > this.now()) throw this.refusal.error;
    return this.refresh();
  }

  /** New credentials (an admin stored them): a remembered refusal and the cached token no longer say anything. */
  credentialsChanged(): void {
    this.refusal = null;
    this.token = null;
  }

  /** Forget `rejected` if it is still the cached token; a newer token obtained meanwhile is kept. */
  invalidate(rejected: string): void {
    if (this.token?.value === rejected) this.token = null;
  }

  private refresh(): Promise<string> {
    this.refreshing ??= this.requestToken().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async requestToken(): Promise<string> {
    this.refreshCount++;
    const sleep = this.retry.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const random = this.retry.random ?? Math.random;
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await this.post();
      } catch (error) {
        if (attempt >= this.retry.maxAttempts) {
          const cause = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
          throw new LwaError(
            `Login with Amazon at ${this.credentials.tokenUrl} could not be reached (${cause}) after ${attempt} attempts. Check ADS_LWA_TOKEN_URL and the network.`,
            0,
          );
        }
        await sleep(Math.floor(random() * Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1))));
        continue;
      }
      if (RETRYABLE.has(response.status) && attempt < this.retry.maxAttempts) {
        await response.body?.cancel().catch(() => undefined);
        const retryAfter = Number(response.headers.get('retry-after'));
        const floor = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 0;
        const backoff = Math.floor(random() * Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1)));
        await sleep(Math.max(floor, backoff));
        continue;
      }
      return this.accept(response);
    }
  }

  private post(): Promise<Response> {
    return fetch(this.credentials.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: this.credentials.refreshToken,
        client_id: this.credentials.clientId,
        client_secret: this.credentials.clientSecret,
      }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
  }

  private async accept(response: Response): Promise<string> {
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const error = LwaErrorSchema.safeParse(body);
      const reason = error.success
        ? `${error.data.error}${error.data.error_description ? `: ${error.data.error_description}` : ''}`
        : `HTTP ${response.status}`;
      if (RETRYABLE.has(response.status)) {
        throw new LwaError(
          `Login with Amazon kept failing (${reason}); the access token could not be refreshed. Try again later.`,
          response.status,
        );
      }
      const refused = new LwaError(
        `Login with Amazon refused the refresh token (${reason}). Check ADS_CLIENT_ID, ADS_CLIENT_SECRET and ADS_REFRESH_TOKEN.`,
        response.status,
      );
      this.refusal = { error: refused, until: this.now() + REFUSAL_HOLD_MS };
      throw refused;
    }
    const parsed = TokenResponseSchema.safeParse(body);
    if (!parsed.success) throw new LwaError('Login with Amazon answered without a usable access token.', response.status);
    const lifetimeMs = parsed.data.expires_in * 1000;
    this.token = { value: parsed.data.access_token, refreshAt: this.now() + lifetimeMs - Math.min(EXPIRY_MARGIN_MS, lifetimeMs / 10) };
    return parsed.data.access_token;
  }
}
