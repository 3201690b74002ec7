/**
 * The session: who is signed in (GET /api/auth/me; null when nobody is), signing in and out. The CSRF token that
 * comes with the session is handed to the api-client, which sends it with every change.
 */
import { AuthConfigSchema, type LoginBody, type SessionInfo, SessionInfoSchema } from '@recdesk/shared-types';
import { type QueryClient, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { ApiError, apiRequest, setCsrfToken } from '../../shared/api-client.ts';

async function currentSession(signal: AbortSignal): Promise<SessionInfo | null> {
  try {
    const session = await apiRequest(SessionInfoSchema, '/api/auth/me', { signal });
    setCsrfToken(session.csrfToken);
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.problem.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw error;
  }
}

export const sessionQueries = {
  all: () => ['session'] as const,
  current: () =>
    queryOptions({
      queryKey: [...sessionQueries.all(), 'current'] as const,
      queryFn: ({ signal }) => currentSession(signal),
      staleTime: 5 * 60_000,
    }),
  /** How one may sign in here (password, and the identity provider when the BFF has one configured). */
  methods: () =>
    queryOptions({
      queryKey: [...sessionQueries.all(), 'methods'] as const,
      queryFn: ({ signal }) => apiRequest(AuthConfigSchema, '/api/auth/config', { signal }),
      staleTime: Number.POSITIVE_INFINITY,
    }),
};

/** The session query keeps its observers (the gate); everything else fetched is dropped. */
function forgetAllButSession(queryClient: QueryClient): void {
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== sessionQueries.all()[0] });
}

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: LoginBody) => apiRequest(SessionInfoSchema, '/api/auth/login', { method: 'POST', body }),
    onSuccess: (session) => {
      setCsrfToken(session.csrfToken);
      // Another person may sign in on this screen: nothing fetched for the previous one is kept.
      forgetAllButSession(queryClient);
      queryClient.setQueryData(sessionQueries.current().queryKey, session);
    },
  });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiRequest(z.null(), '/api/auth/logout', { method: 'POST' }),
    onSettled: () => {
      setCsrfToken(null);
      forgetAllButSession(queryClient);
      queryClient.setQueryData(sessionQueries.current().queryKey, null);
    },
  });
}
