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
import { handleSqsRequest, isSqsRequest } from './stream/sqs-protocol.ts';
import { type SimulatedQueue, STREAM_QUEUE_NAME } from './stream/sqs-queue.ts';
import { produceStream } from './stream/stream-producer.ts';

export interface RunningSimulator {
  url: string;
  state: SimulatorState;
  /** The SQS queue URL the simulated Marketing Stream delivers into (served over the SQS JSON protocol at `url`). */
  streamQueueUrl: string;
  streamQueue: SimulatedQueue;
  /** Adds handlers in front of the happy path (fault injection per test). */
  use(...handlers: RequestHandler[]): void;
  resetHandlers(): void;
  close(): Promise<void>;
}

export interface SimulatorServerOptions extends SimulatorStateOptions {
  port?: number;
  host?: string;
  state?: SimulatorState;
  /**
   * Runs the simulated Marketing Stream into its queue every `intervalMs` (wall clock) off the simulated clock; off
   * unless asked, so tests that do not read the stream see none.
   */
  stream?: { intervalMs: number };
}

export async function startSimulator(options: SimulatorServerOptions = {}): Promise<RunningSimulator> {
  const state = options.state ?? createSimulatorState(options);
  const happyPath = createHandlers(state);
  const overrides: RequestHandler[] = [];
  // http-middleware copies its handler list, so a per-test override rebuilds the app in front of the happy path.
  let app = createServer(...happyPath);
  const server = createHttpServer((req, res) => {
    // SQS speaks its own protocol (POST / with X-Amz-Target): answered here, never through faults or msw.
    if (isSqsRequest(req)) {
      handleSqsRequest(req, res, state.queues).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ __type: 'com.amazonaws.sqs#InternalError', message: (error as Error).message }));
      });
      return;
    }
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
  const url = `http://${host}:${port}`;
  state.queues.origin = url;
  const streamQueue = state.queues.create(STREAM_QUEUE_NAME);
  const producer = options.stream
    ? setInterval(() => {
        try {
          produceStream(state, streamQueue);
        } catch (error) {
          console.error('the simulated Marketing Stream failed a tick', error);
        }
      }, options.stream.intervalMs)
    : null;
  producer?.unref();
  if (options.stream) produceStream(state, streamQueue);
  return {
    url,
    state,
    streamQueueUrl: streamQueue.url,
    streamQueue,
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
        if (producer) clearInterval(producer);
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
