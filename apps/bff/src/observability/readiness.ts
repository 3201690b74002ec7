/**
 * `GET /api/ready`: may this process take traffic? The database answers `select 1`; the apply queue is reachable
 * (pg-boss's tables in its schema on PostgreSQL; the chunk table the in-process queue of the embedded database works
 * from); the Ads API answers at all (any HTTP status below 500 from its hosts and the token endpoint, within a short
 * timeout; cached a few seconds so a load balancer's polling never becomes upstream traffic).
 *
 * It answers without a session (a load balancer calls it), so it says only ok and a short detail per check: never a
 * host name, an address, a credential or an upstream error text.
 */
import type { Readiness } from '@recdesk/shared-types';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

type Check = Readiness['checks'][number];

export interface ReadinessDeps {
  db: Db;
  /** The queue apply batches go through: pg-boss in a schema on PostgreSQL, or in process on PGlite. */
  queue: { kind: 'pg-boss'; schema: string } | { kind: 'in-process' };
  /** The Ads API hosts and the LwA token endpoint (any answer below 500 means reachable). */
  upstreamUrls: readonly string[];
  upstreamTimeoutMs?: number;
  upstreamCacheMs?: number;
}

async function timed(name: Check['name'], probe: () => Promise<string | null>): Promise<Check> {
  const started = performance.now();
  try {
    const problem = await probe();
    return { name, ok: problem === null, detail: problem, latencyMs: Math.round(performance.now() - started) };
  } catch {
    return { name, ok: false, detail: 'did not answer', latencyMs: Math.round(performance.now() - started) };
  }
}

export class ReadinessProbe {
  private upstream: { at: number; check: Promise<Check> } | null = null;

  constructor(private readonly deps: ReadinessDeps) {}

  async check(): Promise<Readiness> {
    const checks = await Promise.all([this.database(), this.queue(), this.cachedUpstream()]);
    return { ready: checks.every((c) => c.ok), checks };
  }

  private database(): Promise<Check> {
    return timed('database', async () => {
      await sql`select 1`.execute(this.deps.db);
      return null;
    });
  }

  private queue(): Promise<Check> {
    const { queue, db } = this.deps;
    return timed('queue', async () => {
      if (queue.kind === 'in-process') {
        await sql`select 1 from apply_chunks limit 1`.execute(db);
        return null;
      }
      const { rows } = await sql<{ installed: boolean }>`select to_regclass(${`${queue.schema}.job`}) is not null as installed`.execute(db);
      return rows[0]?.installed ? null : 'the apply queue is not installed yet (no worker has started)';
    });
  }

  private cachedUpstream(): Promise<Check> {
    const now = Date.now();
    if (!this.upstream || now - this.upstream.at > (this.deps.upstreamCacheMs ?? 10_000)) {
      this.upstream = { at: now, check: this.probeUpstream() };
    }
    return this.upstream.check;
  }

  private probeUpstream(): Promise<Check> {
    const timeoutMs = this.deps.upstreamTimeoutMs ?? 2_000;
    const urls = [...new Set(this.deps.upstreamUrls)];
    return timed('upstream', async () => {
      const answers = await Promise.all(
        urls.map(async (url) => {
          try {
            const response = await fetch(url, { method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
            await response.body?.cancel();
            return response.status < 500 ? null : `answered ${response.status}`;
          } catch (error) {
            return error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'unreachable';
          }
        }),
      );
      const failed = answers.filter((a) => a !== null);
      return failed.length === 0 ? null : `${failed.length} of ${urls.length} Ads API endpoints not ok: ${[...new Set(failed)].join(', ')}`;
    });
  }
}
