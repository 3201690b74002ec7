/** The sign-in screen: email and password; a wrong password or a locked account is said plainly. */
import { type FormEvent, useState } from 'react';
import { ProblemMessage } from '../../shared/ui/ProblemMessage.tsx';
import { useSignIn } from './session-queries.ts';

export function SignInPage() {
  const signIn = useSignIn();
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
    </main>
  );
}
