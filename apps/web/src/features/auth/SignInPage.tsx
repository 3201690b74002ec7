/**
 * The sign-in screen: email and password, and "Sign in with <provider>" when the BFF has an identity provider
 * (a plain link: the browser goes to the provider and comes back signed in); a wrong password or a locked account is
 * said plainly.
 */
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ProblemMessage } from '../../shared/ui/ProblemMessage.tsx';
import { sessionQueries, useSignIn } from './session-queries.ts';

export function SignInPage() {
  const signIn = useSignIn();
  const oidc = useQuery(sessionQueries.methods()).data?.oidc ?? null;
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    signIn.mutate({ email, password });
  };

  return (
    <main id="main" className="sign-in">
      <h1>Sign in to RecDesk</h1>
      <form onSubmit={submit} aria-label="Sign in">
        <label className="field">
          Email
          <input type="email" autoComplete="username" required value={email} onChange={(event) => setEmail(event.target.value)} />
        </label>
        <label className="field">
          Password
          <input
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        {signIn.isError ? <ProblemMessage error={signIn.error} fallback="Signing in failed" /> : null}
        <button type="submit" disabled={signIn.isPending}>
          {signIn.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      {oidc ? (
        <p className="sign-in-provider">
          <a href={oidc.startUrl}>Sign in with {oidc.providerName}</a>
        </p>
      ) : null}
    </main>
  );
}
