/**
 * The URL's query string as React state, so filters, sort, views and the open item live in the URL and a link
 * reproduces them. Changing it pushes a history entry (Back undoes a filter); the browser's own navigation is followed.
 */
import { useSyncExternalStore } from 'react';
import { notifyLocationChange, subscribeToLocation } from './use-location.ts';

export type SearchUpdate = Record<string, string | undefined>;

/** Changes the query string (a history entry unless `replace`) and tells every subscriber. */
export function updateSearchParams(next: SearchUpdate, options: { replace?: boolean } = {}): void {
  const params = new URLSearchParams(window.location.search);
  for (const [key, value] of Object.entries(next)) {
    if (value === undefined || value === '') params.delete(key);
    else params.set(key, value);
  }
  const query = params.toString();
  const url = `${window.location.pathname}${query ? `?${query}` : ''}`;
  if (options.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  notifyLocationChange();
}

export function useSearchParams(): [URLSearchParams, (next: SearchUpdate, options?: { replace?: boolean }) => void] {
  const search = useSyncExternalStore(subscribeToLocation, () => window.location.search);
  return [new URLSearchParams(search), updateSearchParams];
}
