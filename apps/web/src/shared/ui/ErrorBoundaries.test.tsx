import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Suspense } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { PageErrorBoundary, PanelErrorBoundary } from './ErrorBoundaries.tsx';
import { isChunkLoadError, retryableLazy } from './retryable-lazy.ts';

/** A page whose chunk fails to load `failures` times (as Chromium says it), then loads. */
function flakyPage(failures: number) {
  let calls = 0;
  const load = vi.fn(async () => {
    calls++;
    if (calls <= failures) throw new TypeError('Failed to fetch dynamically imported module: http://localhost/assets/StatusPage-x1.js');
    return { default: () => <h1>Source status</h1> };
  });
  return { Page: retryableLazy(load), load };
}

function Shell({ children }: { children: React.ReactNode }) {
  return (
    <>
      <header>
        <nav aria-label="Main">Queue · Status</nav>
      </header>
      <PageErrorBoundary resetKeys={['/status']}>
        <Suspense fallback={<p>Loading…</p>}>{children}</Suspense>
      </PageErrorBoundary>
    </>
  );
}

describe('a page whose chunk fails to load', () => {
  it('shows the error with Reload and keeps the navigation; Reload loads the page', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const { Page, load } = flakyPage(1);
    render(
      <Shell>
        <Page />
      </Shell>,
    );
    expect(await screen.findByRole('alert')).toHaveTextContent('could not be loaded');
    expect(screen.getByRole('navigation', { name: 'Main' })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Reload' }));
    expect(await screen.findByRole('heading', { name: 'Source status' })).toBeInTheDocument();
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('loads again by itself when the browser comes back online', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const { Page } = flakyPage(1);
    render(
      <Shell>
        <Page />
      </Shell>,
    );
    await screen.findByRole('button', { name: 'Reload' });
    // The fallback listens for 'online' from an effect, which React may run after the fallback is on screen: flush it
    // first, or on a busy machine the event comes before anyone listens (seen in CI).
    await act(async () => {});
    act(() => {
      window.dispatchEvent(new Event('online'));
    });
    expect(await screen.findByRole('heading', { name: 'Source status' }, { timeout: 5_000 })).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('still offers Reload when the retry fails too', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const { Page, load } = flakyPage(2);
    render(
      <Shell>
        <Page />
      </Shell>,
    );
    await userEvent.click(await screen.findByRole('button', { name: 'Reload' }));
    expect(await screen.findByRole('button', { name: 'Reload' })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Reload' }));
    expect(await screen.findByRole('heading', { name: 'Source status' })).toBeInTheDocument();
    expect(load).toHaveBeenCalledTimes(3);
  });
});

function Broken(): never {
  throw new Error('the drawer broke');
}

describe('a panel that fails while rendering', () => {
  it('shows the error in a dialog that closes, leaving the page behind it', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const onClose = vi.fn();
    render(
      <>
        <h1>Queue</h1>
        <PanelErrorBoundary title="Recommendation" onClose={onClose}>
          <Broken />
        </PanelErrorBoundary>
      </>,
    );
    expect(await screen.findByRole('alert')).toHaveTextContent('the drawer broke');
    expect(screen.getByRole('button', { name: 'Try again' })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(onClose).toHaveBeenCalled();
  });
});

describe('isChunkLoadError', () => {
  it.each([
    'Failed to fetch dynamically imported module: /assets/a.js',
    'Importing a module script failed.',
    'error loading dynamically imported module: /assets/a.js',
    'Unable to preload CSS for /assets/a.css',
  ])('knows "%s"', (message) => {
    expect(isChunkLoadError(new TypeError(message))).toBe(true);
  });
  it('does not take a render bug for one', () => {
    expect(isChunkLoadError(new Error('x is undefined'))).toBe(false);
  });
});
