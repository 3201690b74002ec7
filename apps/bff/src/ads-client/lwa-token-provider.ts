/**
 * Login with Amazon access tokens from a refresh token (facts.md §5). The token is cached until shortly before
 * `expires_in`; however many calls wait, only one refresh is in flight; a 401 upstream invalidates the token it was
 * sent with (and only that one), so fifty calls failing together still cause one refresh.
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

/** Refresh this long before the token expires, so a call never leaves with a token that dies on the way. */
const EXPIRY_MARGIN_MS = 60_000;

export class LwaTokenProvider {
  private token: { value: string; expiresAt: number } | null = null;
  private refreshing: Promise<string> | null = null;
  refreshCount = 0;

  constructor(
    private readonly credentials: LwaCredentials,
    private readonly now: () => number = Date.now,
    private readonly timeoutMs = 15_000,
  ) {}

  async accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt - EXPIRY_MARGIN_MS > this.now()) return this.token.value;
    return this.refresh();
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
    const response = await fetch(this.credentials.tokenUrl, {
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
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const error = LwaErrorSchema.safeParse(body);
      const reason = error.success
        ? `${error.data.error}${error.data.error_description ? `: ${error.data.error_description}` : ''}`
        : `HTTP ${response.status}`;
      throw new LwaError(
        `Login with Amazon refused the refresh token (${reason}). Check ADS_CLIENT_ID, ADS_CLIENT_SECRET and ADS_REFRESH_TOKEN.`,
        response.status,
      );
    }
    const parsed = TokenResponseSchema.safeParse(body);
    if (!parsed.success) throw new LwaError('Login with Amazon answered without a usable access token.', response.status);
    this.token = { value: parsed.data.access_token, expiresAt: this.now() + parsed.data.expires_in * 1000 };
    return parsed.data.access_token;
  }
}
