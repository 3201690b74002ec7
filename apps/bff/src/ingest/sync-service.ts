/**
 * One ingestion: each selected source adapter (a few at once) streams its items, which are upserted in batches while
 * the rest are still being fetched (memory stays flat however large a file is). Every run is recorded with its counts
 * and errors. A source that fails is reported and the other sources still run.
 */
import { randomUUID } from 'node:crypto';
import type { RecommendationSource, SourceRunSummary, SyncSummary } from '@recdesk/shared-types';
import type { Logger } from 'pino';
import { type AdsCallStats, type AdsClient, countCallsInto, emptyCallStats } from '../ads-client/ads-client.ts';
import { type AdsProfile, listProfiles } from '../ads-client/profiles.ts';
import type { Db } from '../db/database.ts';
import type { RecommendationStore } from '../lifecycle/recommendation-store.ts';
import { inJob } from '../observability/correlation.ts';
import type { SourceAdapter } from '../sources/source-adapter.ts';
import type { QuarantineEntry, QuarantineStore } from './quarantine-store.ts';

/** Items per staged merge: large enough that the per-batch round trips (stage, analyse, merge) are amortised, small
 * enough that memory holds a batch (two, with the one being written), never the file. */
const BATCH_SIZE = 1000;

/**
 * Sources a sync runs at once, in their listed order. They share the client's rate limits (each endpoint group keeps
 * its pace however many sources call it), so running several only fills the time a source spends waiting on upstream:
 * a report being generated, a forecast polled, a page answered. One after another, a full sync of the simulated
 * accounts took 27 s, most of it Brand Metrics and Historic Reach waiting on their reports after everything else.
 */
const SOURCES_AT_ONCE = 4;

/** `work` over `items`, at most `limit` at a time, started in order; the results in the items' order. */
async function inOrderAtMost<T, R>(limit: number, items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

export interface SyncDeps {
  db: Db;
  client: AdsClient;
  store: RecommendationStore;
  quarantine: QuarantineStore;
  sources: readonly SourceAdapter[];
  now: () => Date;
  log: Logger;
  /** Told of every source run as it ends (the metrics: runs and durations per source). */
  onSourceRun?: (run: { source: RecommendationSource; status: string; startedAt: Date; finishedAt: Date }) => void;
}

export class SyncService {
  /** Syncs under way by scope (a source, or `*` for all): a request joins a sync of the same scope only. */
  private readonly running = new Map<string, Promise<SyncSummary>>();
  /** Source runs under way: a source already running (in any sync) is joined rather than run twice at once. */
  private readonly sourceRuns = new Map<RecommendationSource, Promise<SourceRunSummary>>();

  /** Runs after every ingestion (the lifecycle's validation, then the conflict engine); set by the runtime. */
  private afterIngestHook: (() => Promise<void>) | null = null;
  /**
   * Runs after each source of a sync (validation and conflicts over what it stored), so that a source's items can be
   * decided on while the next source is still fetched, instead of after the slowest source; set by the runtime.
   */
  private afterSourceHook: (() => Promise<void>) | null = null;

  /** Set on shutdown: a sync under way finishes the source it is on and starts no other (they run at the next start). */
  private stopping = false;

  constructor(private readonly deps: SyncDeps) {}

  /** Lets the syncs under way finish their current source only, so that a shutdown does not wait for all of them. */
  stopStartingSources(): void {
    this.stopping = true;
  }

  afterIngest(hook: () => Promise<void>): void {
    this.afterIngestHook = hook;
  }

  afterSource(hook: () => Promise<void>): void {
    this.afterSourceHook = hook;
  }

  /** The sources this service has adapters for, in the order a full sync starts them. */
  get sources(): RecommendationSource[] {
    return this.deps.sources.map((adapter) => adapter.source);
  }

  /**
   * Runs the sources now. A sync of the same scope already under way is joined rather than started twice; a single
   * source (its own schedule) runs beside an unrelated sync, and joins only a run of that same source.
   */
  sync(options: { source?: RecommendationSource; trigger?: string } = {}): Promise<SyncSummary> {
    const key = options.source ?? '*';
    let run = this.running.get(key);
    if (!run) {
      run = inJob('sync', () => this.run(options)).finally(() => this.running.delete(key));
      this.running.set(key, run);
    }
    return run;
  }

  private runSourceOnce(
    adapter: SourceAdapter,
    syncId: string,
    trigger: string,
    profiles: readonly import('../ads-client/profiles.ts').AdsProfile[],
  ): Promise<SourceRunSummary> {
    let run = this.sourceRuns.get(adapter.source);
    if (!run) {
      // A job of its own under the sync: its log lines and upstream calls say which source made them.
      run = inJob('sync-source', () => this.runSource(adapter, syncId, trigger, profiles)).finally(() =>
        this.sourceRuns.delete(adapter.source),
      );
      this.sourceRuns.set(adapter.source, run);
    }
    return run;
  }

  private async run({ source, trigger = 'manual' }: { source?: RecommendationSource; trigger?: string }): Promise<SyncSummary> {
    const { log, now } = this.deps;
    const runId = randomUUID();
    const startedAt = now();
    const adapters = this.deps.sources.filter((adapter) => !source || adapter.source === source);
    // At debug (the JSON console leaves it out; the console for people shows it as progress).
    log.debug({ source, trigger }, 'sync started');
    // Without the profiles no source can run (an outage, a revoked token): each selected source records a failed run
    // with the reason, so that its status shows the admin what is wrong and the alerts see it, instead of no run.
    const listed = await listProfiles(this.deps.client).catch((error: unknown) => ({ error }));
    const profiles = 'error' in listed ? [] : listed.profiles;
    // A profile Amazon answers in an unknown shape is reported, never silently dropped.
    for (const bad of 'error' in listed ? [] : listed.malformed)
      log.warn({ region: bad.region, index: bad.index, reason: bad.reason, raw: bad.raw }, 'malformed profile skipped');
    let afterSource: Promise<void> = Promise.resolve();
    const runOne = async (adapter: SourceAdapter): Promise<SourceRunSummary | null> => {
      if (this.stopping) {
        log.debug({ source: adapter.source }, 'source not synced: shutting down');
        return null;
      }
      const runnable: SourceAdapter =
        'error' in listed
          ? {
              ...adapter,
              // biome-ignore lint/correctness/useYield: fails before its first item, as the profile listing did
              fetch: async function* () {
                throw listed.error;
              },
            }
          : adapter;
      const summary = await this.runSourceOnce(runnable, runId, trigger, profiles);
      if (this.afterSourceHook && adapters.length > 1) {
        const hook = this.afterSourceHook;
        // One pass at a time: a source that ends while another's pass runs has its changes looked at in the next.
        afterSource = afterSource.then(() =>
          hook().catch((error: unknown) =>
            log.error({ err: error, source: adapter.source }, 'validation or conflict detection after a source failed'),
          ),
        );
        await afterSource;
      }
      return summary;
    };
    const summaries = (await inOrderAtMost(SOURCES_AT_ONCE, adapters, runOne)).filter((s): s is SourceRunSummary => s !== null);
    if (this.afterIngestHook) {
      // The ingested data is stored whatever happens here; a failure is logged and the next sync tries again.
      await this.afterIngestHook().catch((error: unknown) =>
        log.error({ err: error }, 'validation or conflict detection after the sync failed'),
      );
    }
    const summary = { runId, startedAt: startedAt.toISOString(), finishedAt: now().toISOString(), sources: summaries };
    log.info(
      {
        runId,
        sources: summaries.map((s) => ({
          source: s.source,
          status: s.status,
          fetched: s.fetched,
          stored: s.stored,
          quarantined: s.quarantined,
        })),
      },
      'sync finished',
    );
    return summary;
  }

  private async runSource(
    adapter: SourceAdapter,
    syncId: string,
    trigger: string,
    profiles: readonly AdsProfile[],
  ): Promise<SourceRunSummary> {
    const { db, store, quarantine, now, log, client } = this.deps;
    const runId = randomUUID();
    const startedAt = now();
    await db
      .insertInto('ingestion_runs')
      .values({
        id: runId,
        trigger,
        source: adapter.source,
        status: 'running',
        started_at: startedAt,
        fetched: 0,
        stored: 0,
        unchanged: 0,
        quarantined: 0,
        errors: '[]',
      })
      .execute();
    const counts = { fetched: 0, stored: 0, unchanged: 0, quarantined: 0 };
    const upstream = emptyCallStats();
    const errors: string[] = [];
    let batch: Parameters<RecommendationStore['upsertMany']>[0][number][] = [];
    let quarantined: QuarantineEntry[] = [];
    // One batch is written while the next is fetched (upstream calls and database writes overlap, in order): a flush
    // hands the batch to the writer and waits only for the write before it, so at most two batches are in memory.
    let writing: Promise<void> = Promise.resolve();
    let writeError: unknown = null;
    const flush = async () => {
      const items = batch;
      const held = quarantined;
      batch = [];
      quarantined = [];
      const previous = writing;
      writing = previous
        .then(async () => {
          const result = await store.upsertMany(items);
          counts.stored += result.stored;
          counts.unchanged += result.unchanged;
          await quarantine.add(held);
        })
        .catch((error: unknown) => {
          writeError ??= error;
        });
      await previous;
      if (writeError) throw writeError;
    };
    const drain = async () => {
      await writing;
      if (writeError) throw writeError;
    };
    try {
      await countCallsInto(upstream, async () => {
        for await (const item of adapter.fetch({ client, profiles, now, log: log.child({ source: adapter.source, syncId }) })) {
          counts.fetched++;
          if (item.type === 'recommendation') batch.push(item.recommendation);
          else {
            counts.quarantined++;
            quarantined.push({ source: adapter.source, runId, reason: item.reason, location: item.location, raw: item.raw });
          }
          if (batch.length + quarantined.length >= BATCH_SIZE) await flush();
        }
      });
      await flush();
      await drain();
    } catch (error) {
      await flush().catch(() => undefined);
      await writing;
      errors.push(error instanceof Error ? error.message : String(error));
      log.error({ err: error, source: adapter.source }, 'source sync failed');
    }
    const status = errors.length === 0 ? 'succeeded' : counts.fetched > 0 ? 'partial' : 'failed';
    const finishedAt = now();
    await db
      .updateTable('ingestion_runs')
      .set({
        status,
        finished_at: finishedAt,
        ...counts,
        errors: JSON.stringify(errors),
        ...upstreamColumns(upstream),
      })
      .where('id', '=', runId)
      .execute();
    this.deps.onSourceRun?.({ source: adapter.source, status, startedAt, finishedAt });
    log.debug({ source: adapter.source, status, ...counts, err: errors[0] ? { message: errors[0] } : undefined }, 'source run finished');
    return { source: adapter.source, status, ...counts, errors };
  }
}

/** The run's upstream cost (its own calls only, not those of a source running beside it) as ingestion_runs columns. */
function upstreamColumns(stats: AdsCallStats) {
  return {
    upstream_calls: stats.calls,
    throttled: stats.throttled,
    retried: stats.retried,
    upstream_failed: stats.failed,
    upstream_by_endpoint: JSON.stringify(stats.byEndpoint),
  };
}
