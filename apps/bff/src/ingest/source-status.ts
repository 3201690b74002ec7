/**
 * What `GET /api/sources` reports per source: whether it is enabled, its last run, its next run, its freshness
 * against its policy (measured from the last successful run: a source that never succeeded is stale), counts, the
 * last error and how many items it has in quarantine. Read from the recorded ingestion runs, so it tells the same
 * story whether the scheduler runs in this process or in a worker of its own.
 */
import {
  DEFAULT_FRESHNESS_POLICIES,
  type FreshnessPolicy,
  freshnessOf,
  type IngestionRun,
  IngestionRunStatusSchema,
  type RecommendationSource,
  SOURCE_LABELS,
  type SourceStatus,
  type SourcesResponse,
  type StreamQueueStatus,
} from '@recdesk/shared-types';
import type { Selectable } from 'kysely';
import type { Db } from '../db/database.ts';
import type { IngestionRunsTable } from '../db/schema.ts';
import type { QuarantineStore } from './quarantine-store.ts';
import { nextRunAfter, type SourceSchedule } from './scheduler.ts';

export interface SourceStatusDeps {
  db: Db;
  quarantine: QuarantineStore;
  schedules: readonly SourceSchedule[];
  now: () => Date;
  policies?: Partial<Record<RecommendationSource, FreshnessPolicy>>;
  /** This process's Marketing Stream SQS consumer, when it runs one (its lag, backlog and throughput). */
  streamQueue?: () => StreamQueueStatus | null;
}

function iso(value: Date | string | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}

function toRun(row: Selectable<IngestionRunsTable>): IngestionRun {
  const status = IngestionRunStatusSchema.safeParse(row.status);
  return {
    id: row.id,
    trigger: row.trigger,
    status: status.success ? status.data : 'failed',
    startedAt: new Date(row.started_at).toISOString(),
    finishedAt: iso(row.finished_at),
    fetched: row.fetched,
    stored: row.stored,
    unchanged: row.unchanged,
    quarantined: row.quarantined,
    errors: Array.isArray(row.errors) ? row.errors.map(String) : [],
  };
}

export class SourceStatusService {
  constructor(private readonly deps: SourceStatusDeps) {}

  policyOf(source: RecommendationSource): FreshnessPolicy {
    const { freshForMs, staleAfterMs } = this.deps.policies?.[source] ?? DEFAULT_FRESHNESS_POLICIES[source];
    return { freshForMs, staleAfterMs };
  }

  async list(): Promise<SourcesResponse> {
    const { db, now } = this.deps;
    const at = now();
    const [recommendationCounts, runCounts] = await Promise.all([
      db
        .selectFrom('recommendations')
        .select(['source', (eb) => eb.fn.countAll<string>().as('total')])
        .groupBy('source')
        .execute(),
      db
        .selectFrom('ingestion_runs')
        .select(['source', (eb) => eb.fn.countAll<string>().as('total')])
        .groupBy('source')
        .execute(),
    ]);
    const countOf = (rows: { source: string; total: string }[], source: string) =>
      Number(rows.find((r) => r.source === source)?.total ?? 0);
    const sources: SourceStatus[] = [];
    for (const schedule of this.deps.schedules) {
      sources.push(await this.describe(schedule, at, countOf(recommendationCounts, schedule.source), countOf(runCounts, schedule.source)));
    }
    return { generatedAt: at.toISOString(), sources };
  }

  private async describe(schedule: SourceSchedule, at: Date, recommendations: number, runs: number): Promise<SourceStatus> {
    const { db, quarantine } = this.deps;
    const runsOf = () => db.selectFrom('ingestion_runs').selectAll().where('source', '=', schedule.source);
    const [lastRun, lastSuccess, lastFailure, quarantined] = await Promise.all([
      runsOf().orderBy('started_at', 'desc').limit(1).executeTakeFirst(),
      runsOf().where('status', '=', 'succeeded').orderBy('finished_at', 'desc').limit(1).executeTakeFirst(),
      runsOf().where('status', 'in', ['partial', 'failed']).orderBy('started_at', 'desc').limit(1).executeTakeFirst(),
      quarantine.count(schedule.source),
    ]);
    const policy = this.policyOf(schedule.source);
    const queue = this.deps.streamQueue?.() ?? null;
    const lastSuccessAt = lastSuccess?.finished_at ? new Date(lastSuccess.finished_at) : null;
    const failure = lastFailure ? toRun(lastFailure) : null;
    return {
      source: schedule.source,
      label: SOURCE_LABELS[schedule.source],
      delivery: schedule.delivery,
      enabled: schedule.enabled,
      schedule: schedule.pattern,
      lastRun: lastRun ? toRun(lastRun) : null,
      lastSuccessAt: lastSuccessAt?.toISOString() ?? null,
      nextRunAt: schedule.enabled && schedule.pattern ? (nextRunAfter(schedule.pattern, at)?.toISOString() ?? null) : null,
      freshness: lastSuccessAt ? freshnessOf(at.getTime() - lastSuccessAt.getTime(), policy) : 'stale',
      freshnessPolicy: policy,
      counts: { recommendations, runs },
      lastError: failure ? { at: failure.finishedAt ?? failure.startedAt, message: failure.errors[0] ?? `run ${failure.status}` } : null,
      quarantined,
      ...(schedule.source === 'marketing-stream' && queue ? { queue } : {}),
    };
  }
}
