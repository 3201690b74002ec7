/**
 * The apply job queue. The durable truth of what is left to apply is the database (apply_chunks with leases); the
 * queue carries "chunk X is ready" to whichever worker is free, so ingestion and application scale apart.
 * - On a PostgreSQL server: pg-boss (a kept PostgreSQL job queue): a job per chunk, retried with backoff, expiring
 *   when its worker dies; a separate `worker:apply` process and the server share it.
 * - On PGlite (the embedded default, one process): pg-boss's schema install runs multi-statement transactions that
 *   PGlite's single-statement query path (through Kysely) refuses, so the embedded worker is woken in process.
 * Either way a periodic sweep of the chunk table picks up chunks whose lease expired (a killed worker): a lost or
 * repeated message can delay an item, never apply it twice or lose it.
 */

import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { isTransientConflict, retryOnTransientConflict } from '../db/transient-conflict.ts';

export interface ApplyQueue {
  enqueue(chunkIds: readonly string[]): Promise<void>;
  /** True when a chunk queued here runs in this process, on its one database connection (the embedded default). */
  readonly runsHere?: boolean;
  /** Starts taking chunk messages (a worker); the handler runs one chunk. */
  work(handler: (chunkId: string) => Promise<void>, options: { concurrency: number }): Promise<void>;
  stop(): Promise<void>;
}

const QUEUE = 'apply-chunk';

export class PgBossApplyQueue implements ApplyQueue {
  private readonly boss: PgBoss;
  private started: Promise<void> | null = null;

  constructor(
    options: { connectionString: string; schema: string; poolSize?: number },
    private readonly log: Logger,
  ) {
    this.boss = new PgBoss({
      connectionString: options.connectionString,
      schema: options.schema,
      max: options.poolSize ?? 2,
      supervise: true,
    });
    this.boss.on('error', (error) => this.log.warn({ err: error.message }, 'apply queue error'));
  }

  private start(): Promise<void> {
    this.started ??= (async () => {
      await this.boss.start();
      // Fleet processes starting together create the queue at the same moment; pg-boss's insert can deadlock with
      // another's, and the queue then exists: try again a few times.
      await retryOnTransientConflict(() => this.boss.createQueue(QUEUE), {
        isRetryable: (error) => isTransientConflict(error) || (error as { code?: string }).code === '23505',
      });
    })().catch((error: unknown) => {
      // A failed start (the database unreachable) is tried again by the next call, not cached for ever.
      this.started = null;
      throw error;
    });
    return this.started;
  }

  async enqueue(chunkIds: readonly string[]): Promise<void> {
    await this.start();
    if (chunkIds.length === 0) return;
    await this.boss.insert(
      chunkIds.map((chunkId) => ({ name: QUEUE, data: { chunkId }, retryLimit: 5, retryBackoff: true, expireInSeconds: 900 })),
    );
  }

  async work(handler: (chunkId: string) => Promise<void>, options: { concurrency: number }): Promise<void> {
    await this.start();
    for (let n = 0; n < options.concurrency; n++) {
      await this.boss.work<{ chunkId: string }>(QUEUE, { pollingIntervalSeconds: 0.5, batchSize: 1 }, async (jobs) => {
        for (const job of jobs) await handler(job.data.chunkId);
      });
    }
  }

  async stop(): Promise<void> {
    if (this.started !== null) await this.boss.stop({ graceful: false, wait: true, close: true }).catch(() => undefined);
  }
}

/** In-process queue of the embedded default. */
export class LocalApplyQueue implements ApplyQueue {
  private handler: ((chunkId: string) => Promise<void>) | null = null;
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly log: Logger) {}

  get runsHere(): boolean {
    return this.handler !== null;
  }

  async enqueue(chunkIds: readonly string[]): Promise<void> {
    const handler = this.handler;
    if (!handler) return;
    for (const chunkId of chunkIds) {
      const run = handler(chunkId)
        .catch((error: unknown) =>
          this.log.warn(
            { chunkId, err: error instanceof Error ? error.message : String(error) },
            'apply chunk failed; the sweep retries it',
          ),
        )
        .finally(() => this.running.delete(run));
      this.running.add(run);
    }
  }

  async work(handler: (chunkId: string) => Promise<void>): Promise<void> {
    this.handler = handler;
  }

  async stop(): Promise<void> {
    this.handler = null;
    await Promise.allSettled([...this.running]);
  }
}
