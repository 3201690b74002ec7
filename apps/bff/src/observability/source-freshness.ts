/**
 * Per source, from the recorded ingestion runs (so every process tells the same story): when it last succeeded,
 * how old its data is, whether that is stale against its freshness policy (the same rule `GET /api/sources` uses:
 * a source that never succeeded is stale), how far behind its schedule it is, and the last error. One query per
 * call, for the metrics' gauges and the `source_stale` alerts.
 */
import { type FreshnessPolicy, freshnessOf, type RecommendationSource } from '@recdesk/shared-types';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { nextRunAfter, type SourceSchedule } from '../ingest/scheduler.ts';

export interface SourceFreshness {
  source: RecommendationSource;
  runs: number;
  lastSuccessAt: Date | null;
  ageMs: number | null;
  stale: boolean;
  policy: FreshnessPolicy;
  /** Milliseconds since the first scheduled run after the last success was due (0: on time); null if unknowable. */
  lagMs: number | null;
  /** The first error of the latest run, when that run did not succeed. */
  lastError: string | null;
}

export interface FreshnessDeps {
  schedules: readonly SourceSchedule[];
  policyOf: (source: RecommendationSource) => FreshnessPolicy;
  now: () => Date;
}

type RunFacts = {
  source: string;
  runs: number;
  last_success_at: Date | string | null;
  last_success_started_at: Date | string | null;
  latest_status: string | null;
  latest_errors: unknown;
};

const dateOf = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));

export async function readSourceFreshness(db: Db, deps: FreshnessDeps): Promise<SourceFreshness[]> {
  const at = deps.now();
  const { rows } = await sql<RunFacts>`
    SELECT s.source, s.runs, s.last_success_at, s.last_success_started_at, l.status AS latest_status, l.errors AS latest_errors
    FROM (
      SELECT source, count(*)::int AS runs,
        max(finished_at) FILTER (WHERE status = 'succeeded') AS last_success_at,
        max(started_at) FILTER (WHERE status = 'succeeded') AS last_success_started_at
      FROM ingestion_runs GROUP BY source
    ) s
    LEFT JOIN LATERAL (
      SELECT status, errors FROM ingestion_runs r WHERE r.source = s.source ORDER BY started_at DESC LIMIT 1
    ) l ON true`.execute(db);
  const bySource = new Map(rows.map((row) => [row.source, row]));
  return deps.schedules
    .filter((schedule) => schedule.enabled)
    .map((schedule) => {
      const facts = bySource.get(schedule.source);
      const policy = deps.policyOf(schedule.source);
      const lastSuccessAt = dateOf(facts?.last_success_at ?? null);
      const lastSuccessStartedAt = dateOf(facts?.last_success_started_at ?? null);
      const ageMs = lastSuccessAt ? Math.max(0, at.getTime() - lastSuccessAt.getTime()) : null;
      let lagMs: number | null = null;
      if (schedule.pattern && lastSuccessStartedAt) {
        const due = nextRunAfter(schedule.pattern, lastSuccessStartedAt);
        lagMs = due && due <= at ? at.getTime() - due.getTime() : 0;
      }
      const errors = Array.isArray(facts?.latest_errors) ? facts.latest_errors.map(String) : [];
      return {
        source: schedule.source,
        runs: facts?.runs ?? 0,
        lastSuccessAt,
        ageMs,
        stale: ageMs === null || freshnessOf(ageMs, policy) === 'stale',
        policy,
        lagMs,
        lastError:
          facts && facts.latest_status !== 'succeeded' && facts.latest_status !== 'running'
            ? (errors[0] ?? `run ${facts.latest_status}`)
            : null,
      };
    });
}
