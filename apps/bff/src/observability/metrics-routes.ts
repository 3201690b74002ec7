/**
 * `GET /metrics` in Prometheus' text format, outside /api (no session: a scraper has none). Open by default; with
 * METRICS_TOKEN set it needs `Authorization: Bearer <token>`. The workers serve the same on METRICS_PORT.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestHandler } from 'express';
import type { Metrics } from './metrics.ts';

function authorized(header: string | undefined, token: string | undefined): boolean {
  if (!token) return true;
  const given = /^Bearer (.+)$/i.exec(header ?? '')?.[1];
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function metricsHandler(metrics: Metrics, token: string | undefined): RequestHandler {
  return async (req, res) => {
    if (!authorized(req.get('authorization'), token)) {
      res.set('WWW-Authenticate', 'Bearer realm="metrics"').status(401).type('text/plain').send('metrics need a bearer token\n');
      return;
    }
    const { contentType, body } = await metrics.render();
    res.set('Cache-Control', 'no-store').type(contentType).send(body);
  };
}

/** A worker's own `/metrics` (no Express there): everything else answers 404. */
export async function startMetricsServer(
  metrics: Metrics,
  options: { port: number; host?: string; token?: string | undefined },
): Promise<Server> {
  const server = createServer((req: IncomingMessage, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (!authorized(req.headers.authorization, options.token)) {
      res
        .writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer realm="metrics"' })
        .end('metrics need a bearer token\n');
      return;
    }
    metrics.render().then(
      ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics failed\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', resolve);
  });
  return server;
}

export function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

/** A worker's `/metrics` on METRICS_PORT when set (null when not); closing it is part of the worker's stop. */
export async function serveWorkerMetrics(
  metrics: Metrics,
  env: { METRICS_PORT?: number | undefined; METRICS_TOKEN?: string | undefined; HOST: string },
  log: { info: (obj: object, msg: string) => void },
): Promise<Server | null> {
  if (env.METRICS_PORT === undefined) return null;
  const server = await startMetricsServer(metrics, { port: env.METRICS_PORT, host: env.HOST, token: env.METRICS_TOKEN });
  log.info({ port: portOf(server) }, 'worker metrics served at /metrics');
  return server;
}
