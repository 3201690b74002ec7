/**
 * What each alert kind checks, read from the database at one instant. A check returns the alerts that hold now: one
 * per source for the source-bound kinds, one at most for the others. The evaluator turns them into open alerts and
 * resolves the ones that no longer hold.
 */
import { type AlertCondition, type AlertSeverity, type RecommendationSource, SOURCE_LABELS } from '@recdesk/shared-types';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { SourceFreshness } from './source-freshness.ts';

export interface Holding {
  conditionId: string;
  kind: AlertCondition['kind'];
  severity: AlertSeverity;
  source: RecommendationSource | null;
  message: string;
}

export interface CheckContext {
  db: Db;
  at: Date;
  freshness: () => Promise<SourceFreshness[]>;
}

const HOUR = 3_600_000;

function hours(ms: number): string {
  const h = ms / HOUR;
  return h >= 10 ? `${Math.round(h)} h` : `${Math.round(h * 10) / 10} h`;
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}

/** A source is stale for the alert once it is older than its policy's `staleAfter` plus the condition's grace hours. */
export function staleHolds(freshness: SourceFreshness, graceHours: number): boolean {
  // A source that never ran has nothing to judge yet (a push source nobody delivers to, a schedule still ahead).
  if (freshness.runs === 0) return false;
  if (freshness.ageMs === null) return true;
  return freshness.ageMs >= freshness.policy.staleAfterMs + graceHours * HOUR;
}

export function staleMessage(freshness: SourceFreshness): string {
  const label = SOURCE_LABELS[freshness.source];
  const policy = `policy: stale after ${hours(freshness.policy.staleAfterMs)}`;
  const head =
    freshness.ageMs === null
      ? `${label} has never synced successfully (${freshness.runs} run${freshness.runs === 1 ? '' : 's'}; ${policy})`
      : `${label} stale for ${hours(freshness.ageMs)} (${policy})`;
  return freshness.lastError ? `${head}; last error: ${freshness.lastError.slice(0, 300)}` : head;
}

/** A rate holds above its threshold, over at least `minCount` items (a 1-in-2 failure is not a failure rate). */
export function rateHolds(errors: number, total: number, threshold: number, minCount: number): boolean {
  return total > 0 && total >= minCount && errors / total > threshold;
}

const sinceOf = (condition: AlertCondition, at: Date) => new Date(at.getTime() - (condition.windowMinutes ?? 60) * 60_000);

const inScope = (condition: AlertCondition, source: string) => condition.source === null || condition.source === source;

function holding(condition: AlertCondition, source: RecommendationSource | null, message: string): Holding {
  return { conditionId: condition.id, kind: condition.kind, severity: condition.severity, source, message };
}

export async function check(condition: AlertCondition, ctx: CheckContext): Promise<Holding[]> {
  const { db, at } = ctx;
  switch (condition.kind) {
    case 'source_stale': {
      const sources = await ctx.freshness();
      return sources
        .filter((f) => inScope(condition, f.source) && staleHolds(f, condition.threshold))
        .map((f) => holding(condition, f.source, staleMessage(f)));
    }
    case 'apply_failure_rate': {
      const since = sinceOf(condition, at);
      const { rows } = await sql<{ failed: number; total: number }>`
        SELECT count(*) FILTER (WHERE state = 'failed')::int AS failed, count(*)::int AS total
        FROM apply_items WHERE undo_of IS NULL AND state IN ('applied', 'failed', 'drifted') AND updated_at >= ${since}`.execute(db);
      const { failed = 0, total = 0 } = rows[0] ?? {};
      if (!rateHolds(failed, total, condition.threshold, condition.minCount ?? 0)) return [];
      return [
        holding(
          condition,
          null,
          `${failed} of ${total} items applied in the last ${condition.windowMinutes ?? 60} min failed upstream (${percent(failed / total)}; threshold ${percent(condition.threshold)}): see the failed items' reasons in their batches`,
        ),
      ];
    }
    case 'quarantine_growing': {
      const since = sinceOf(condition, at);
      const { rows } = await sql<{ source: RecommendationSource; n: number }>`
        SELECT source, count(*)::int AS n FROM quarantine WHERE quarantined_at >= ${since} GROUP BY source`.execute(db);
      return rows
        .filter((row) => inScope(condition, row.source) && row.n >= condition.threshold)
        .map((row) =>
          holding(
            condition,
            row.source,
            `${SOURCE_LABELS[row.source] ?? row.source} quarantined ${row.n} new malformed items in the last ${condition.windowMinutes ?? 60} min (threshold ${condition.threshold}): see its quarantine for the reasons`,
          ),
        );
    }
    case 'queue_backlog': {
      const { rows } = await sql<{ oldest: Date | string | null; n: number }>`
        SELECT min(created_at) AS oldest, count(*)::int AS n FROM apply_items WHERE state = 'queued'`.execute(db);
      const row = rows[0];
      if (!row?.oldest) return [];
      const waitedMinutes = (at.getTime() - new Date(row.oldest).getTime()) / 60_000;
      if (waitedMinutes <= condition.threshold) return [];
      return [
        holding(
          condition,
          null,
          `${row.n} apply item${row.n === 1 ? '' : 's'} queued; the oldest has waited ${Math.round(waitedMinutes)} min (threshold ${condition.threshold} min): is an apply worker running?`,
        ),
      ];
    }
    case 'upstream_errors': {
      const since = sinceOf(condition, at);
      // Attempts that failed: every retry follows one, and a call that gave up ends with one; 429s are throttling.
      const { rows } = await sql<{ source: RecommendationSource; calls: number; errors: number }>`
        SELECT source, sum(upstream_calls)::int AS calls,
          sum(greatest(0, retried + upstream_failed - throttled))::int AS errors
        FROM ingestion_runs WHERE started_at >= ${since} GROUP BY source`.execute(db);
      return rows
        .filter((row) => inScope(condition, row.source) && rateHolds(row.errors, row.calls, condition.threshold, condition.minCount ?? 0))
        .map((row) =>
          holding(
            condition,
            row.source,
            `${SOURCE_LABELS[row.source] ?? row.source}: ${row.errors} of ${row.calls} upstream attempts failed in the last ${condition.windowMinutes ?? 60} min (${percent(row.errors / row.calls)}; threshold ${percent(condition.threshold)})`,
          ),
        );
    }
  }
}
