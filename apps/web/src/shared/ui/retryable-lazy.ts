/**
 * `React.lazy` that can be tried again. React keeps a lazy component's first result for good, so a chunk that failed
 * to load once (a network blip while navigating) would fail forever until a full reload. Each component made here
 * starts a fresh import after `retryFailedChunks()` (called when an error boundary resets: its Reload button, or the
 * browser coming back online).
 */
import { type ComponentProps, type ComponentType, createElement, type LazyExoticComponent, lazy } from 'react';

const failed = new Set<() => void>();

/** Whether an error is a chunk that could not be fetched, as Chromium, Firefox, Safari and Vite's preloader say it. */
export function isChunkLoadError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return /dynamically imported module|Importing a module script failed|error loading dynamically imported module|Unable to preload CSS|Failed to fetch/i.test(
    error.message,
  );
}

/** Makes every chunk that failed load again on its next render. */
export function retryFailedChunks(): void {
  const resets = [...failed];
  failed.clear();
  for (const reset of resets) reset();
}

// biome-ignore lint/suspicious/noExplicitAny: a component of any props, as React.lazy itself takes
export function retryableLazy<T extends ComponentType<any>>(load: () => Promise<{ default: T }>): ComponentType<ComponentProps<T>> {
  let current: LazyExoticComponent<T>;
  const renew = () => {
    current = lazy(() =>
      load().catch((error: unknown) => {
        failed.add(renew);
        throw error;
      }),
    );
  };
  renew();
  // biome-ignore lint/correctness/noComponentHookFactories: called once per chunk at module level, as React.lazy is
  function RetryableLazy(props: ComponentProps<T>) {
    return createElement(current, props);
  }
  return RetryableLazy;
}
