/**
 * Where a render or a chunk load fails, the failure stays in its place: a page's error replaces the page (the header
 * and navigation stay), a panel's error replaces the panel. A chunk that could not be fetched offers Reload and tries
 * again by itself when the browser comes back online; any other error offers to try again.
 */
import { type ReactNode, useEffect } from 'react';
import { ErrorBoundary, type FallbackProps } from 'react-error-boundary';
import { Dialog } from './Dialog.tsx';
import { isChunkLoadError, retryFailedChunks } from './retryable-lazy.ts';

function useRetryWhenOnline(retry: () => void) {
  useEffect(() => {
    window.addEventListener('online', retry);
    return () => window.removeEventListener('online', retry);
  }, [retry]);
}

function Explanation({ error }: { error: unknown }) {
  return isChunkLoadError(error) ? (
    <>
      <p className="problem-title">This part of RecDesk could not be loaded</p>
      <p>The connection dropped while it was being fetched. It loads again by itself when you are back online.</p>
    </>
  ) : (
    <>
      <p className="problem-title">Something went wrong while showing this</p>
      <p>{error instanceof Error ? error.message : String(error)}</p>
    </>
  );
}

function ErrorFallback({ error, resetErrorBoundary }: FallbackProps) {
  useRetryWhenOnline(resetErrorBoundary);
  return (
    <div role="alert" className="problem">
      <Explanation error={error} />
      <button type="button" onClick={resetErrorBoundary}>
        {isChunkLoadError(error) ? 'Reload' : 'Try again'}
      </button>
    </div>
  );
}

/** Around a screen: `resetKeys` (the path) clears the error when the person navigates elsewhere. */
export function PageErrorBoundary({ children, resetKeys }: { children: ReactNode; resetKeys: unknown[] }) {
  return (
    <ErrorBoundary FallbackComponent={ErrorFallback} onReset={retryFailedChunks} resetKeys={resetKeys}>
      {children}
    </ErrorBoundary>
  );
}

/** Around a drawer or dialog: the error shows in a dialog of its own that can be closed. */
export function PanelErrorBoundary({ children, onClose, title }: { children: ReactNode; onClose: () => void; title: string }) {
  return (
    <ErrorBoundary
      onReset={retryFailedChunks}
      fallbackRender={({ error, resetErrorBoundary }) => (
        <Dialog title={title} onClose={onClose}>
          <ErrorFallback error={error} resetErrorBoundary={resetErrorBoundary} />
        </Dialog>
      )}
    >
      {children}
    </ErrorBoundary>
  );
}
