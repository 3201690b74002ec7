/** An error where it happened: what went wrong (the server's title and detail) and the next step to try. */
import type { ReactNode } from 'react';
import { ApiError } from '../api-client.ts';

export function problemTitle(error: unknown, fallback: string): string {
  return error instanceof ApiError ? error.problem.title : fallback;
}

export function ProblemMessage({
  error,
  fallback,
  onRetry,
  children,
}: {
  error: unknown;
  fallback: string;
  onRetry?: () => void;
  children?: ReactNode;
}) {
  const detail = error instanceof ApiError ? error.problem.detail : undefined;
  return (
    <div role="alert" className="problem">
      <p className="problem-title">{problemTitle(error, fallback)}</p>
      {detail ? <p>{detail}</p> : null}
      {children}
      {onRetry ? (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
