/**
 * The simulated Ads API as a real HTTP server: the msw handlers served through @mswjs/http-middleware, so the BFF
 * talks to it with the very same HTTP client it uses against Amazon.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from '@mswjs/http-middleware';
import type { RequestHandler } from 'msw';
import { takeLostAnswer } from './faults.ts';
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
  const server = createHttpServer((req, res) => {
    const lost = takeLostAnswer(state, req.method ?? 'GET', new URL(req.url ?? '/', 'http://simulator.invalid').pathname);
    if (lost) loseAnswer(req, res, lost);
    app(req, res);
  });
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

/**
 * Lets the handler run to its end (the change is made), then throws its answer away: a 5xx in its place, a reset
 * connection, or silence until the client gives up.
 */
function loseAnswer(req: IncomingMessage, res: ServerResponse, how: '500' | '503' | '504' | 'reset' | 'hang'): void {
  const end = res.end.bind(res);
  const writeHead = res.writeHead.bind(res);
  res.writeHead = (() => res) as unknown as typeof res.writeHead;
  res.write = (() => true) as unknown as typeof res.write;
  res.end = (() => {
    if (how === 'reset') req.socket.destroy();
    else if (how === 'hang') setTimeout(() => req.socket.destroy(), 120_000).unref();
    else {
      for (const name of res.getHeaderNames()) res.removeHeader(name);
      const payload = JSON.stringify({ code: 'INTERNAL_ERROR', details: 'The service had a problem. Try again later.' });
      writeHead(Number(how), { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
      end(payload);
    }
    return res;
  }) as unknown as typeof res.end;
}
