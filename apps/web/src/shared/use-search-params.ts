/**
 * The URL's query string as React state, so filters, sort and views live in the URL and a link reproduces them.
 * Changing it pushes a history entry (Back undoes a filter); the browser's own navigation is followed.
 */
import { useCallback, useSyncExternalStore } from 'react';

const listeners = new Set<() => void>();

function subscribe(listener: () => void) {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

export function useSearchParams(): [URLSearchParams, (next: Record<string, string | undefined>) => void] {
  const search = useSyncExternalStore(subscribe, () => window.location.search);
  const update = useCallback((next: Record<string, string | undefined>) => {
    const params = new URLSearchParams(window.location.search);
    for (const [key, value] of Object.entries(next)) {
      if (value === undefined || value === '') params.delete(key);
      else params.set(key, value);
    }
    const query = params.toString();
    window.history.pushState(null, '', `${window.location.pathname}${query ? `?${query}` : ''}`);
    for (const listener of listeners) listener();
  }, []);
  return [new URLSearchParams(search), update];
}
