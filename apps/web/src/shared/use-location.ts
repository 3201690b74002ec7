/**
 * The current path as React state, plus `navigate` for in-app links: the BFF serves the SPA on every path, so a
 * plain pushState is all the routing two screens need.
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

export function notifyLocationChange() {
  for (const listener of listeners) listener();
}

export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

export function useNavigate(): (href: string) => void {
  return useCallback((href: string) => {
    window.history.pushState(null, '', href);
    notifyLocationChange();
    window.scrollTo?.({ top: 0 });
  }, []);
}

export { subscribe as subscribeToLocation };
