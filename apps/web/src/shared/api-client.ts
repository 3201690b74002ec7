/**
 * The SPA's one way to call the BFF: same-origin fetch, every response parsed by its zod contract, every failure an
 * ApiError carrying the server's problem+json (title, detail) for the screen to show.
 */
import { CSRF_HEADER, type Problem, ProblemSchema } from '@recdesk/shared-types';
import type { z } from 'zod';

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
  }
}

/** The session's CSRF token (from sign-in or GET /api/auth/me), sent with every state-changing request. */
let csrfToken: string | null = null;
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Told when the BFF answers 401: the session ended (expired, revoked, signed out elsewhere). */
const unauthenticatedListeners = new Set<() => void>();
export function onUnauthenticated(listener: () => void): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

type Query = Record<string, string | number | boolean | undefined | null>;

function urlOf(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

export async function apiRequest<S extends z.ZodType>(
  schema: S,
  path: string,
  options: { method?: string; query?: Query; body?: unknown; signal?: AbortSignal } = {},
): Promise<z.infer<S>> {
  let response: Response;
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers[CSRF_HEADER] = csrfToken;
  try {
    response = await fetch(urlOf(path, options.query), {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ApiError({
      type: 'network',
      title: 'RecDesk cannot be reached',
      status: 0,
      detail: 'Check your connection; the page retries by itself.',
    });
  }
  const body: unknown = await response.json().catch(() => null);
  if (response.status === 401 && !path.startsWith('/api/auth/')) for (const listener of unauthenticatedListeners) listener();
  if (!response.ok) {
    const problem = ProblemSchema.safeParse(body);
    throw new ApiError(
      problem.success ? problem.data : { type: 'unknown', title: `The server answered ${response.status}`, status: response.status },
    );
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ApiError({
      type: 'contract',
      title: 'The server sent data this page does not understand',
      status: response.status,
      detail: 'Reload the page; if it persists, the app and the server may be at different versions.',
    });
  }
  return parsed.data;
}
