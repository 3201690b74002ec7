/**
 * Shows the app to a signed-in person and the sign-in screen to anyone else. Any 401 from the BFF (the session
 * expired or was revoked) asks the session again, which brings the sign-in screen back.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect } from 'react';
import { onUnauthenticated } from '../../shared/api-client.ts';
import { ProblemMessage } from '../../shared/ui/ProblemMessage.tsx';
import { SignInPage } from './SignInPage.tsx';
import { sessionQueries, useSignOut } from './session-queries.ts';

export function AuthGate({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const session = useQuery(sessionQueries.current());

  useEffect(() => onUnauthenticated(() => void queryClient.invalidateQueries({ queryKey: sessionQueries.all() })), [queryClient]);

  if (session.isPending) {
    return (
      <p role="status" className="muted">
        Loading…
      </p>
    );
  }
  if (session.isError)
    return <ProblemMessage error={session.error} fallback="RecDesk cannot be reached" onRetry={() => void session.refetch()} />;
  if (!session.data) return <SignInPage />;
  return <>{children}</>;
}

/** Who is signed in, with their role, and the way out; for the app header. */
export function SessionMenu() {
  const session = useQuery(sessionQueries.current());
  const signOut = useSignOut();
  const user = session.data?.user;
  if (!user) return null;
  return (
    <span className="session-menu">
      <span className="session-user" title={`${user.email} (${user.role})`}>
        {user.email} <span className="muted">({user.role})</span>
      </span>
      <button type="button" className="button-quiet" onClick={() => signOut.mutate()}>
        Sign out
      </button>
    </span>
  );
}
