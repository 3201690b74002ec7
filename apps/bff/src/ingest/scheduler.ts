/**
 * The ingestion scheduler: each pulled source runs on its own cron cadence (UTC), configured per source in the
 * environment (Partner Opportunities and the consolidated recommendations daily, SP budget recommendations hourly,
 * targeting and Brand Metrics weekly; Marketing Stream is pushed, so it has no schedule). croner keeps the time;
 * `protect` skips a tick while the previous run of the same source is still going. A run goes through SyncService,
 * which records it and joins an in-flight run of the same source rather than starting a second one.
 *
 * A run that fails (an upstream outage, say) is not left for the next tick, which may be a day or a week away: it is
 * tried again after `retry.firstMs`, then after twice as long each time, up to `retry.maxMs`, until it succeeds.
 *
 * It runs inside the server (the embedded default in simulated mode) or as its own process
 * (`pnpm --filter @recdesk/bff worker:ingest`); `stop()` lets running syncs finish before the process exits.
 */
import { RECOMMENDATION_SOURCES, type RecommendationSource } from '@recdesk/shared-types';
import { Cron } from 'croner';
import type { Logger } from 'pino';
import type { Env } from '../config/env.ts';
import type { SyncService } from './sync-service.ts';

export type PushedSource = 'marketing-stream';
/** Drafted inside RecDesk by a person (the Plan page): nothing to pull or receive, so no schedule and no staleness. */
export type DraftedSource = 'plan';
export const DRAFTED_SOURCES: readonly DraftedSource[] = ['plan'];
export type ScheduledSource = Exclude<RecommendationSource, PushedSource | DraftedSource>;

/** Which environment variable holds each pulled source's schedule. */
export const SCHEDULE_VARIABLES: Readonly<Record<ScheduledSource, keyof Env>> = {
  'partner-opportunities': 'INGEST_SCHEDULE_PARTNER_OPPORTUNITIES',
  'unified-recommendations': 'INGEST_SCHEDULE_UNIFIED_RECOMMENDATIONS',
  'sp-consolidated': 'INGEST_SCHEDULE_SP_CONSOLIDATED',
  'sp-budget': 'INGEST_SCHEDULE_SP_BUDGET',
  'sp-theme-bids': 'INGEST_SCHEDULE_SP_THEME_BIDS',
  'sp-targeting': 'INGEST_SCHEDULE_SP_TARGETING',
  'sb-recommendations': 'INGEST_SCHEDULE_SB_RECOMMENDATIONS',
  'sd-recommendations': 'INGEST_SCHEDULE_SD_RECOMMENDATIONS',
  'brand-metrics': 'INGEST_SCHEDULE_BRAND_METRICS',
  'audience-insights': 'INGEST_SCHEDULE_AUDIENCE_INSIGHTS',
  'reach-forecasting': 'INGEST_SCHEDULE_REACH_FORECASTING',
  'persona-builder': 'INGEST_SCHEDULE_PERSONA_BUILDER',
  'brand-benchmarks': 'INGEST_SCHEDULE_BRAND_BENCHMARKS',
  'historic-reach': 'INGEST_SCHEDULE_HISTORIC_REACH',
};

export interface SourceSchedule {
  source: RecommendationSource;
  delivery: 'scheduled' | 'push';
  /** Cron pattern in UTC; null for push sources and disabled ones. */
  pattern: string | null;
  /** An adapter is registered and the schedule is not `off` (push sources: STREAM_SHARED_SECRET or a Stream queue). */
  enabled: boolean;
}

export function isScheduledSource(source: RecommendationSource): source is ScheduledSource {
  return source in SCHEDULE_VARIABLES;
}

/** Every source's schedule, given the sources this BFF has adapters for. */
export function schedulesOf(env: Env, registered: readonly RecommendationSource[], streamQueue = false): SourceSchedule[] {
  const upstream = RECOMMENDATION_SOURCES.filter((source) => !(DRAFTED_SOURCES as readonly string[]).includes(source));
  return upstream.map((source) => {
    // A pushed source is set up when deliveries can be accepted: without STREAM_SHARED_SECRET every one is refused, so
    // it is "not configured" (not stale, and no freshness alert), however long nothing arrives. Read from an SQS queue
    // (`streamQueue`: STREAM_SQS_QUEUE_URL, or the simulator's), it is set up too.
    if (!isScheduledSource(source))
      return { source, delivery: 'push', pattern: null, enabled: Boolean(env.STREAM_SHARED_SECRET) || streamQueue };
    const pattern = String(env[SCHEDULE_VARIABLES[source]]);
    const enabled = registered.includes(source) && pattern !== 'off';
    return { source, delivery: 'scheduled', pattern: enabled ? pattern : null, enabled };
  });
}

/** Whether the scheduler runs inside the server: INGEST_EMBEDDED, else on in simulated mode and off in live mode. */
export function embeddedIngestEnabled(env: Env): boolean {
  return env.INGEST_EMBEDDED ?? env.ADS_API_MODE === 'simulated';
}

/** The first run of a pattern strictly after an instant. */
export function nextRunAfter(pattern: string, after: Date): Date | null {
  const cron = new Cron(pattern, { paused: true, timezone: 'UTC' });
  try {
    return cron.nextRun(after);
  } finally {
    cron.stop();
  }
}

/** The runs a pattern makes in (from, to]: the cadence, checked without waiting for a clock. */
export function runsBetween(pattern: string, from: Date, to: Date): Date[] {
  const runs: Date[] = [];
  for (let next = nextRunAfter(pattern, from); next && next <= to; next = nextRunAfter(pattern, next)) runs.push(next);
  return runs;
}

export interface SchedulerDeps {
  sync: Pick<SyncService, 'sync'>;
  schedules: readonly SourceSchedule[];
  log: Logger;
  now: () => Date;
  /** Catch-up after a failed run: first wait and cap (ms); `firstMs: 0` turns it off. */
  retry?: { firstMs: number; maxMs: number };
}

export class IngestScheduler {
  private readonly jobs = new Map<RecommendationSource, Cron>();
  private readonly inFlight = new Set<Promise<void>>();
  /** Failed runs in a row per source, and the catch-up waiting for each. */
  private readonly failures = new Map<RecommendationSource, number>();
  private readonly retries = new Map<RecommendationSource, NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly deps: SchedulerDeps) {}

  get started(): boolean {
    return this.jobs.size > 0;
  }

  /** Creates a cron job per enabled, scheduled source. Idempotent. */
  start(): void {
    if (this.started) return;
    this.stopped = false;
    for (const schedule of this.deps.schedules) {
      if (!schedule.enabled || !schedule.pattern) continue;
      const job = new Cron(schedule.pattern, { name: `ingest:${schedule.source}`, timezone: 'UTC', protect: true, unref: false }, () =>
        this.run(schedule.source),
      );
      this.jobs.set(schedule.source, job);
    }
    this.deps.log.info(
      { schedules: this.deps.schedules.filter((s) => s.pattern).map((s) => ({ source: s.source, pattern: s.pattern })) },
      'ingestion scheduler started',
    );
  }

  /** Fires a source's job now, exactly as its schedule would (tests, operators); resolves when the run is done. */
  async trigger(source: RecommendationSource): Promise<void> {
    const job = this.jobs.get(source);
    if (!job) throw new Error(`${source} has no running schedule`);
    await job.trigger();
  }

  /** Runs one source through SyncService, recorded with trigger `schedule`. Errors are logged, never thrown. */
  run(source: RecommendationSource, trigger = 'schedule'): Promise<void> {
    const run = this.deps.sync
      .sync({ source, trigger })
      .then((summary) => {
        for (const s of summary.sources) {
          this.deps.log.info(
            { source: s.source, status: s.status, fetched: s.fetched, stored: s.stored, quarantined: s.quarantined },
            'scheduled ingestion finished',
          );
        }
        const failed = summary.sources.some((s) => s.source === source && s.status === 'failed');
        if (failed) this.retryLater(source);
        else this.failures.delete(source);
      })
      .catch((error: unknown) => {
        this.deps.log.error({ err: error, source }, 'scheduled ingestion failed');
        this.retryLater(source);
      })
      .finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
    return run;
  }

  /** A run of the source ended, whoever started it: a failure is caught up later, a success cancels that. */
  sourceRan(source: RecommendationSource, status: string): void {
    if (status === 'failed') {
      this.retryLater(source);
      return;
    }
    if (status !== 'succeeded') return;
    this.failures.delete(source);
    const pending = this.retries.get(source);
    if (pending) clearTimeout(pending);
    this.retries.delete(source);
  }

  private retryLater(source: RecommendationSource): void {
    const retry = this.deps.retry;
    if (!retry || retry.firstMs <= 0 || this.stopped || this.retries.has(source)) return;
    const failures = (this.failures.get(source) ?? 0) + 1;
    this.failures.set(source, failures);
    const delayMs = Math.min(retry.maxMs, retry.firstMs * 2 ** (failures - 1));
    this.deps.log.warn({ source, failures, retryInMs: delayMs }, 'ingestion failed; it is tried again');
    const timer = setTimeout(() => {
      this.retries.delete(source);
      if (!this.stopped) void this.run(source, 'retry');
    }, delayMs);
    timer.unref();
    this.retries.set(source, timer);
  }

  /** When a source runs next, from the injected clock; null when it has no running schedule. */
  nextRun(source: RecommendationSource): Date | null {
    const schedule = this.deps.schedules.find((s) => s.source === source);
    return schedule?.enabled && schedule.pattern ? nextRunAfter(schedule.pattern, this.deps.now()) : null;
  }

  /** Stops every job and waits for the runs under way to finish (graceful shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.retries.values()) clearTimeout(timer);
    this.retries.clear();
    for (const job of this.jobs.values()) job.stop();
    this.jobs.clear();
    await Promise.allSettled([...this.inFlight]);
  }
}
