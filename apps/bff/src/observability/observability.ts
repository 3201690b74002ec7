/**
 * The observability of one runtime, wired in two steps because the database needs the metrics' plugin before it
 * opens: `new Metrics()` first (with `new StageEventsPlugin(metrics)` on the database and `upstreamObserver` on the
 * Ads client), then `createObservability` once the database and the schedules exist: the gauges' snapshot, the
 * alert store and evaluator, readiness, the apply-latency measure, and the routes.
 */
import { ReadinessSchema, type RecommendationSource } from '@recdesk/shared-types';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { AuditLog } from '../auth/audit-log.ts';
import { asSystem } from '../auth/scope.ts';
import type { Db } from '../db/database.ts';
import { type AnyApiRoute, apiRoute, json } from '../http/api-route.ts';
import type { SourceSchedule } from '../ingest/scheduler.ts';
import { AlertEvaluator } from './alert-evaluator.ts';
import { alertRoutes } from './alert-routes.ts';
import { AlertStore } from './alert-store.ts';
import type { GaugeSnapshot, Metrics, StageEvent } from './metrics.ts';
import { metricsHandler } from './metrics-routes.ts';
import { type ReadinessDeps, ReadinessProbe } from './readiness.ts';
import { readSourceFreshness } from './source-freshness.ts';

export interface ObservabilityDeps {
  db: Db;
  log: Logger;
  now: () => Date;
  metrics: Metrics;
  schedules: readonly SourceSchedule[];
  policyOf: (source: RecommendationSource) => { freshForMs: number; staleAfterMs: number };
  audit: AuditLog;
  readiness: Omit<ReadinessDeps, 'db'>;
  metricsToken: string | undefined;
  alertSchedule: string;
}

export type Observability = ReturnType<typeof createObservability>;

export function createObservability(deps: ObservabilityDeps) {
  const { db, log, now, metrics } = deps;
  const freshness = (executor: Db) => readSourceFreshness(executor, { schedules: deps.schedules, policyOf: deps.policyOf, now });
  const alertStore = new AlertStore(db, now);
  const evaluator = new AlertEvaluator({ db, now, log: log.child({ component: 'alerts' }), freshness });
  const readiness = new ReadinessProbe({ db, ...deps.readiness });

  metrics.setSnapshotSource(() => asSystem(() => snapshot(db, now, freshness)));
  metrics.onApplied = (events) => {
    void asSystem(() => measureApplyLatency(db, metrics, events)).catch((error: unknown) =>
      log.warn({ err: error instanceof Error ? error.message : String(error) }, 'apply latency not measured'),
    );
  };

  return {
    metrics,
    alertStore,
    evaluator,
    readiness,
    /** Starts the alert evaluator's schedule (server and ingest worker). */
    start(): void {
      evaluator.start(deps.alertSchedule);
    },
    /** After every ingestion: the alerts follow what it changed. Never throws. */
    async afterIngest(): Promise<void> {
      await evaluator.evaluate().catch((error: unknown) => log.error({ err: error }, 'alert evaluation after the sync failed'));
    },
    async stop(): Promise<void> {
      await evaluator.stop();
    },
    /** `GET /metrics`, mounted outside /api. */
    metricsHandler: metricsHandler(metrics, deps.metricsToken),
    /** `GET /api/ready` (public: a load balancer has no session) and `/api/alerts...`. */
    apiRoutes(): AnyApiRoute[] {
      return [
        apiRoute({
          method: 'get',
          path: '/ready',
          access: 'public',
          advertiser: { from: 'none' },
          summary: 'Readiness (no session needed): the database, the apply queue and the Ads API answer; only ok and short details',
          responses: { 200: json('Ready', ReadinessSchema), 503: json('Not ready: the failing checks say which', ReadinessSchema) },
          handler: async (_input, _req, res) => {
            const result = await readiness.check();
            res
              .status(result.ready ? 200 : 503)
              .set('Cache-Control', 'no-store')
              .json(result);
          },
        }),
        ...alertRoutes({ store: alertStore, evaluator, audit: deps.audit, log }),
      ];
    },
  };
}

async function snapshot(db: Db, now: () => Date, freshness: (db: Db) => ReturnType<typeof readSourceFreshness>): Promise<GaugeSnapshot> {
  const at = now();
  const [conflicts, queue, sources, openAlerts] = await Promise.all([
    sql<{ n: number }>`SELECT count(*)::int AS n FROM conflicts WHERE status = 'open'`.execute(db),
    sql<{ queued: number; applying: number; oldest: Date | string | null }>`
      SELECT count(*) FILTER (WHERE state = 'queued')::int AS queued, count(*) FILTER (WHERE state = 'applying')::int AS applying,
        min(created_at) FILTER (WHERE state = 'queued') AS oldest
      FROM apply_items WHERE state IN ('queued', 'applying')`.execute(db),
    freshness(db),
    db.selectFrom('alerts').select(['condition_id', 'kind', 'severity', 'source']).where('resolved_at', 'is', null).execute(),
  ]);
  const q = queue.rows[0];
  return {
    conflictsOpen: conflicts.rows[0]?.n ?? 0,
    queue: {
      queued: q?.queued ?? 0,
      applying: q?.applying ?? 0,
      oldestQueuedAgeSeconds: q?.oldest ? Math.max(0, (at.getTime() - new Date(q.oldest).getTime()) / 1000) : 0,
    },
    sources: sources.map((s) => ({
      source: s.source,
      ageSeconds: s.ageMs === null ? null : s.ageMs / 1000,
      stale: s.stale,
      lagSeconds: s.lagMs === null ? null : s.lagMs / 1000,
    })),
    openAlerts: openAlerts.map((a) => ({ conditionId: a.condition_id, kind: a.kind, severity: a.severity, source: a.source })),
  };
}

/** Approval → applied, per recommendation, from the event log (the approval may have been made by another process). */
async function measureApplyLatency(db: Db, metrics: Metrics, events: readonly StageEvent[]): Promise<void> {
  const ids = [...new Set(events.map((e) => e.recommendationId))];
  const rows = await db
    .selectFrom('recommendation_events')
    .select(['recommendation_id', (eb) => eb.fn.max('at').as('approved_at')])
    .where('to_status', '=', 'approved')
    .where('recommendation_id', 'in', ids)
    .groupBy('recommendation_id')
    .execute();
  const approvedAt = new Map(rows.map((row) => [row.recommendation_id, new Date(row.approved_at as Date | string)]));
  for (const event of events) {
    const approved = approvedAt.get(event.recommendationId);
    if (approved) metrics.applied((event.at.getTime() - approved.getTime()) / 1000);
  }
}
