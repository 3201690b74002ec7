/**
 * The simulated Ads API as a real HTTP server: the msw handlers served through @mswjs/http-middleware, so the BFF
 * talks to it with the very same HTTP client it uses against Amazon.
 */
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from '@mswjs/http-middleware';
import type { RequestHandler } from 'msw';
import { createHandlers } from './handlers/index.ts';
import { createSimulatorState, type SimulatorState, type SimulatorStateOptions } from './state.ts';

export interface RunningSimulator {
  url: string;
  state: SimulatorState;
  /** Adds handlers in front of the happy path (fault injection per test). */
  use(...handlers: RequestHandler[]): void;
  resetHandlers(): void;
  close(): Promise<void>;
}

export interface SimulatorServerOptions extends SimulatorStateOptions {
  port?: number;
  host?: string;
  state?: SimulatorState;
}

export async function startSimulator(options: SimulatorServerOptions = {}): Promise<RunningSimulator> {
  const state = options.state ?? createSimulatorState(options);
  const happyPath = createHandlers(state);
  const overrides: RequestHandler[] = [];
  // http-middleware copies its handler list, so a per-test override rebuilds the app in front of the happy path.
  let app = createServer(...happyPath);
  const server = createHttpServer((req, res) => app(req, res));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    state,
    use: (...handlers) => {
      overrides.unshift(...handlers);
      app = createServer(...overrides, ...happyPath);
    },
    resetHandlers: () => {
      overrides.length = 0;
      app = createServer(...happyPath);
    },
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
