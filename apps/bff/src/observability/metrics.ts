/**
 * The Prometheus metrics of one BFF process (prom-client, a registry per runtime so that tests running several BFFs
 * never mix their counts). Two kinds:
 * - counters and histograms of events, counted where they happen: stage transitions and quarantined items (a Kysely
 *   plugin on the database, stage-events-plugin.ts), source runs (SyncService's run hook), upstream attempts (the Ads
 *   client's observer), apply latency. Per process: Prometheus sums them over the processes it scrapes.
 * - gauges of the database's state (open conflicts, the apply queue, freshness and lag per source, open alerts),
 *   computed at scrape time from one snapshot, so every process reports the same values.
 * No label carries an advertiser id: labels are sources, stages, endpoint names and statuses, all bounded sets.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AdsAttempt, CallCounts } from '../ads-client/ads-client.ts';
import { endpointGroup } from '../ads-client/rate-limiter.ts';

/** The lifecycle stages every scrape shows, zero included (`quarantined` is an upstream item that failed validation). */
export const STAGES = ['discovered', 'validated', 'quarantined', 'approved', 'rejected', 'applied', 'failed', 'expired'] as const;

/** The names /metrics exposes (the README lists them; a test checks each one is there). */
export const METRIC_NAMES = [
  'recdesk_recommendation_stage_total',
  'recdesk_quarantined_items_total',
  'recdesk_conflicts_open',
  'recdesk_ingestion_runs_total',
  'recdesk_ingestion_run_duration_seconds',
  'recdesk_ingestion_lag_seconds',
  'recdesk_source_freshness_age_seconds',
  'recdesk_source_stale',
  'recdesk_upstream_requests_total',
  'recdesk_upstream_request_duration_seconds',
  'recdesk_upstream_throttled_total',
  'recdesk_upstream_retries_total',
  'recdesk_upstream_failures_total',
  'recdesk_apply_queue_depth',
  'recdesk_apply_queue_oldest_age_seconds',
  'recdesk_apply_latency_seconds',
  'recdesk_alerts_open',
  'recdesk_stream_queue_messages_total',
  'recdesk_stream_queue_lag_seconds',
  'recdesk_stream_queue_oldest_age_seconds',
  'recdesk_stream_queue_backlog',
] as const;

export interface SourceGauge {
  source: string;
  /** Seconds since the last successful run ended; null when it never succeeded. */
  ageSeconds: number | null;
  stale: boolean;
  /** How far behind its schedule the source is (0 when on time); null without a schedule or a success. */
  lagSeconds: number | null;
}

export interface GaugeSnapshot {
  conflictsOpen: number;
  queue: { queued: number; applying: number; oldestQueuedAgeSeconds: number };
  sources: readonly SourceGauge[];
  openAlerts: readonly { conditionId: string; kind: string; severity: string; source: string | null }[];
}

export interface SourceRunEvent {
  source: string;
  status: string;
  startedAt: Date;
  finishedAt: Date;
}

export interface StageEvent {
  recommendationId: string;
  toStatus: string;
  at: Date;
}

const HOUR = 3600;

export class Metrics {
  readonly registry = new Registry();
  private snapshotSource: (() => Promise<GaugeSnapshot>) | null = null;
  private pending: { at: number; snapshot: Promise<GaugeSnapshot> } | null = null;
  /** Told of every `applied` transition (the runtime measures approved → applied from the event log). */
  onApplied: ((events: readonly StageEvent[]) => void) | null = null;

  private readonly stages = new Counter({
    name: 'recdesk_recommendation_stage_total',
    help: 'Recommendations that entered each lifecycle stage (quarantined: upstream items that failed validation).',
    labelNames: ['stage'] as const,
    registers: [this.registry],
  });
  private readonly quarantinedItems = new Counter({
    name: 'recdesk_quarantined_items_total',
    help: 'Malformed upstream items quarantined, per source (each sighting in a run).',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });
  private readonly ingestionRuns = new Counter({
    name: 'recdesk_ingestion_runs_total',
    help: 'Ingestion runs per source and outcome (succeeded, partial, failed).',
    labelNames: ['source', 'status'] as const,
    registers: [this.registry],
  });
  private readonly ingestionDuration = new Histogram({
    name: 'recdesk_ingestion_run_duration_seconds',
    help: 'Duration of one source run of an ingestion.',
    labelNames: ['source'] as const,
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, HOUR],
    registers: [this.registry],
  });
  private readonly upstreamRequests = new Counter({
    name: 'recdesk_upstream_requests_total',
    help: 'Attempts sent to the Ads API, by endpoint group, endpoint and answer status (TIMEOUT, NETWORK_ERROR, ABORTED when none).',
    labelNames: ['group', 'endpoint', 'status'] as const,
    registers: [this.registry],
  });
  private readonly upstreamDuration = new Histogram({
    name: 'recdesk_upstream_request_duration_seconds',
    help: 'Duration of one attempt sent to the Ads API, by endpoint group.',
    labelNames: ['group'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly upstreamCounts = {
    throttled: new Counter({
      name: 'recdesk_upstream_throttled_total',
      help: 'Ads API attempts answered 429, by endpoint group.',
      labelNames: ['group'] as const,
      registers: [this.registry],
    }),
    retried: new Counter({
      name: 'recdesk_upstream_retries_total',
      help: 'Ads API attempts made again after a 429, a 5xx, a network error or a timeout, by endpoint group.',
      labelNames: ['group'] as const,
      registers: [this.registry],
    }),
    failed: new Counter({
      name: 'recdesk_upstream_failures_total',
      help: 'Ads API calls that gave up (the error reached the caller), by endpoint group.',
      labelNames: ['group'] as const,
      registers: [this.registry],
    }),
  };
  private readonly applyLatency = new Histogram({
    name: 'recdesk_apply_latency_seconds',
    help: 'From approval to applied upstream, per recommendation.',
    buckets: [1, 10, 60, 300, 900, HOUR, 4 * HOUR, 24 * HOUR, 72 * HOUR, 168 * HOUR],
    registers: [this.registry],
  });

  // The Marketing Stream SQS consumer (ingest/sqs-stream-consumer.ts): per process, like the other counters.
  private readonly streamMessages = new Counter({
    name: 'recdesk_stream_queue_messages_total',
    help: 'Marketing Stream messages taken off the SQS queue, by outcome (accepted, duplicate, ignored, quarantined, deferred, poison, failed).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly streamLag = new Histogram({
    name: 'recdesk_stream_queue_lag_seconds',
    help: 'From a Marketing Stream message entering the queue (SentTimestamp) to its item stored.',
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, HOUR],
    registers: [this.registry],
  });
  private readonly streamOldestAge = new Gauge({
    name: 'recdesk_stream_queue_oldest_age_seconds',
    help: 'Age of the oldest message in the latest batch this process received from the Stream queue (0 when it was empty).',
    registers: [this.registry],
  });
  private readonly streamBacklog = new Gauge({
    name: 'recdesk_stream_queue_backlog',
    help: 'Messages waiting on the Stream queue (ApproximateNumberOfMessages at the latest look).',
    registers: [this.registry],
  });

  constructor() {
    for (const stage of STAGES) this.stages.inc({ stage }, 0);
    const metrics = this;
    const fromSnapshot = <T extends string>(
      config: { name: string; help: string; labelNames?: readonly T[] },
      fill: (gauge: Gauge<T>, snapshot: GaugeSnapshot) => void,
    ) =>
      new Gauge<T>({
        ...config,
        registers: [this.registry],
        async collect() {
          const snapshot = await metrics.snapshot();
          this.reset();
          if (snapshot) fill(this, snapshot);
        },
      });
    fromSnapshot({ name: 'recdesk_conflicts_open', help: 'Open conflicts between recommendations.' }, (g, s) => g.set(s.conflictsOpen));
    fromSnapshot(
      { name: 'recdesk_apply_queue_depth', help: 'Apply items waiting (queued) or in flight (applying).', labelNames: ['state'] as const },
      (g, s) => {
        g.set({ state: 'queued' }, s.queue.queued);
        g.set({ state: 'applying' }, s.queue.applying);
      },
    );
    fromSnapshot(
      { name: 'recdesk_apply_queue_oldest_age_seconds', help: 'Age of the oldest queued apply item (0 when none waits).' },
      (g, s) => g.set(s.queue.oldestQueuedAgeSeconds),
    );
    fromSnapshot(
      {
        name: 'recdesk_source_freshness_age_seconds',
        help: "Seconds since the source's last successful run (absent for a source that never succeeded).",
        labelNames: ['source'] as const,
      },
      (g, s) => {
        for (const source of s.sources) if (source.ageSeconds !== null) g.set({ source: source.source }, source.ageSeconds);
      },
    );
    fromSnapshot(
      { name: 'recdesk_source_stale', help: '1 when the source is stale against its freshness policy.', labelNames: ['source'] as const },
      (g, s) => {
        for (const source of s.sources) g.set({ source: source.source }, source.stale ? 1 : 0);
      },
    );
    fromSnapshot(
      {
        name: 'recdesk_ingestion_lag_seconds',
        help: 'How long ago the first scheduled run after the last successful one was due, while no newer run has succeeded (0: on time).',
        labelNames: ['source'] as const,
      },
      (g, s) => {
        for (const source of s.sources) if (source.lagSeconds !== null) g.set({ source: source.source }, source.lagSeconds);
      },
    );
    fromSnapshot(
      {
        name: 'recdesk_alerts_open',
        help: 'Open alerts, by condition, kind, severity and source ("" when not bound to one).',
        labelNames: ['condition', 'kind', 'severity', 'source'] as const,
      },
      (g, s) => {
        for (const a of s.openAlerts) g.inc({ condition: a.conditionId, kind: a.kind, severity: a.severity, source: a.source ?? '' });
      },
    );
  }

  /** Where the gauges read the database's state; set by the runtime once the database is open. */
  setSnapshotSource(source: () => Promise<GaugeSnapshot>): void {
    this.snapshotSource = source;
  }

  /** One snapshot serves every gauge of a scrape (they are collected one after the other within a few ms). */
  private snapshot(): Promise<GaugeSnapshot | null> {
    const source = this.snapshotSource;
    if (!source) return Promise.resolve(null);
    const now = Date.now();
    if (!this.pending || now - this.pending.at > 1_000) {
      const snapshot = source();
      this.pending = { at: now, snapshot };
      snapshot.catch(() => {
        if (this.pending?.snapshot === snapshot) this.pending = null;
      });
    }
    return this.pending.snapshot;
  }

  async render(): Promise<{ contentType: string; body: string }> {
    // Each scrape reads the database afresh (a scrape right after a change must show it); its gauges share that read.
    this.pending = null;
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  stageEvents(events: readonly StageEvent[]): void {
    const applied: StageEvent[] = [];
    for (const event of events) {
      this.stages.inc({ stage: event.toStatus });
      if (event.toStatus === 'applied') applied.push(event);
    }
    if (applied.length > 0) this.onApplied?.(applied);
  }

  quarantined(sources: readonly string[]): void {
    for (const source of sources) {
      this.stages.inc({ stage: 'quarantined' });
      this.quarantinedItems.inc({ source });
    }
  }

  streamQueueMessages(outcome: string, count = 1): void {
    if (count > 0) this.streamMessages.inc({ outcome }, count);
  }

  streamQueueLag(seconds: number): void {
    this.streamLag.observe(Math.max(0, seconds));
  }

  streamQueueState(state: { oldestAgeSeconds?: number; backlog?: number }): void {
    if (state.oldestAgeSeconds !== undefined) this.streamOldestAge.set(state.oldestAgeSeconds);
    if (state.backlog !== undefined) this.streamBacklog.set(state.backlog);
  }

  sourceRun(run: SourceRunEvent): void {
    this.ingestionRuns.inc({ source: run.source, status: run.status });
    this.ingestionDuration.observe({ source: run.source }, Math.max(0, (run.finishedAt.getTime() - run.startedAt.getTime()) / 1000));
  }

  upstreamAttempt(attempt: AdsAttempt): void {
    const group = endpointGroup(attempt.endpoint);
    this.upstreamRequests.inc({
      group,
      endpoint: attempt.endpoint,
      status: attempt.status === null ? (attempt.error ?? '') : String(attempt.status),
    });
    this.upstreamDuration.observe({ group }, attempt.durationMs / 1000);
  }

  upstreamCounted(endpoint: string, what: keyof CallCounts): void {
    if (what === 'calls') return; // every attempt is counted with its status in upstreamAttempt
    this.upstreamCounts[what].inc({ group: endpointGroup(endpoint) });
  }

  applied(latencySeconds: number): void {
    this.applyLatency.observe(Math.max(0, latencySeconds));
  }
}
