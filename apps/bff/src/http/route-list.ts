/**
 * Every route an Express app serves, read from its router (Express 5 / router 2): method and path, with sub-routers
 * mounted without a path (as createApp mounts the features under `/api`) flattened. The auth acceptance test walks
 * this list, so a new endpoint is tried (and must be classified) as soon as it is mounted.
 */
import type express from 'express';

export interface RouteEntry {
  method: string;
  path: string;
}

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  name?: string;
  matchers?: ((path: string) => unknown)[];
}

/** Whether a router layer is mounted at `prefix` (Express 5 keeps only its matcher functions). */
function mountedAt(layer: Layer, prefix: string): boolean {
  const match = layer.matchers?.[0];
  if (!match) return false;
  const matched = match(`${prefix}/__probe__`) as { path?: string } | false;
  return Boolean(matched && matched.path === prefix);
}

function collect(stack: readonly Layer[], prefix: string, into: RouteEntry[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const path of paths)
        for (const [method, on] of Object.entries(layer.route.methods))
          if (on && method !== '_all') into.push({ method: method.toUpperCase(), path: `${prefix}${path}` });
    } else if (layer.handle?.stack) {
      collect(layer.handle.stack, prefix, into);
    }
  }
}

/** The routes of `app` under `prefix` (e.g. '/api'), sorted, each once. */
export function routesOf(app: express.Express, prefix: string): RouteEntry[] {
  const root = (app as unknown as { router: { stack: Layer[] } }).router.stack;
  const into: RouteEntry[] = [];
  for (const layer of root) if (layer.handle?.stack && mountedAt(layer, prefix)) collect(layer.handle.stack, prefix, into);
  const seen = new Set<string>();
  return into
    .filter((r) => {
      const key = `${r.method} ${r.path}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}
