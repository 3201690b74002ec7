/**
 * Says so while the browser is offline. What is on screen stays (lists keep their last rows); queries refetch and
 * failed chunks load again by themselves when the connection returns.
 */
import { useSyncExternalStore } from 'react';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('online', onChange);
  window.addEventListener('offline', onChange);
  return () => {
    window.removeEventListener('online', onChange);
    window.removeEventListener('offline', onChange);
  };
}

export function useOnline(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => navigator.onLine,
    () => true,
  );
}

export function OfflineBanner() {
  const online = useOnline();
  if (online) return null;
  return (
    <p role="status" className="banner banner-warning offline-banner">
      You are offline. What is on screen is kept; RecDesk catches up by itself when the connection returns.
    </p>
  );
}
