/**
 * A signed-in client of one BFF server, over plain fetch: the session cookie and the CSRF token from the sign-in, and
 * every answer checked by the shared zod contracts (a server answering something else is a failure, not a pass).
 */
import { CSRF_HEADER, SessionInfoSchema } from '@recdesk/shared-types';
import type { z } from 'zod';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The answer's body, parsed when it was JSON (a problem's `refused` list, say). */
    readonly body?: unknown,
  ) {
    super(message);
  }
}

function parsedOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export class FleetApi {
  private cookie = '';
  private csrf = '';

  constructor(
    readonly name: string,
    readonly baseUrl: string,
  ) {}

  async signIn(email: string, password: string): Promise<void> {
    const response = await fetch(`${this.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
      signal: AbortSignal.timeout(15_000),
    });
    if (response.status !== 200)
      throw new ApiError(response.status, `sign-in on ${this.name}: ${response.status} ${await response.text()}`);
    this.cookie = response.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    this.csrf = SessionInfoSchema.parse(await response.json()).csrfToken;
  }

  /** A session made on another server: sessions live in the database, so any server accepts it. */
  shareSessionWith(other: FleetApi): void {
    other.cookie = this.cookie;
    other.csrf = this.csrf;
  }

  async call<S extends z.ZodType>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    schema: S,
    body?: unknown,
    timeoutMs = 30_000,
  ): Promise<z.infer<S>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        cookie: this.cookie,
        ...(method === 'GET' ? {} : { [CSRF_HEADER]: this.csrf, 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    if (!response.ok)
      throw new ApiError(
        response.status,
        `${method} ${path} on ${this.name}: ${response.status} ${text.slice(0, 500)}`,
        parsedOrUndefined(text),
      );
    return schema.parse(JSON.parse(text));
  }
}
