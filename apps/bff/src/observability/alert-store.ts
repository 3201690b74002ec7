/** The alert conditions and the alerts (migration 0010), mapped to and from the shared contracts. */
import {
  type Alert,
  type AlertCondition,
  AlertKindSchema,
  type AlertSeverity,
  AlertSeveritySchema,
  type AlertSourceSummary,
  type AlertsQuery,
  RECOMMENDATION_SOURCES,
  type RecommendationSource,
  RecommendationSourceSchema,
  type UpdateAlertConditionBody,
} from '@recdesk/shared-types';
import type { Selectable } from 'kysely';
import type { Db } from '../db/database.ts';
import type { AlertConditionsTable, AlertsTable } from '../db/schema.ts';

const iso = (value: Date | string) => new Date(value).toISOString();
const sourceOf = (value: string | null): RecommendationSource | null => {
  const parsed = RecommendationSourceSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
};

export function toCondition(row: Selectable<AlertConditionsTable>): AlertCondition {
  return {
    id: row.id,
    kind: AlertKindSchema.parse(row.kind),
    source: sourceOf(row.source),
    threshold: Number(row.threshold),
    severity: AlertSeveritySchema.parse(row.severity),
    enabled: row.enabled,
    description: row.description,
    ...(row.window_minutes === null ? {} : { windowMinutes: row.window_minutes }),
    ...(row.min_count === null ? {} : { minCount: row.min_count }),
  };
}

function toAlert(row: Selectable<AlertsTable>): Alert {
  return {
    id: row.id,
    conditionId: row.condition_id,
    kind: AlertKindSchema.parse(row.kind),
    severity: AlertSeveritySchema.parse(row.severity),
    source: sourceOf(row.source),
    message: row.message,
    openedAt: iso(row.opened_at),
    lastSeenAt: iso(row.last_seen_at),
    resolvedAt: row.resolved_at === null ? null : iso(row.resolved_at),
  };
}

/** The kinds whose threshold is a share (0..1). */
export const RATE_KINDS: ReadonlySet<AlertCondition['kind']> = new Set(['apply_failure_rate', 'upstream_errors']);

export class AlertStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  async conditions(): Promise<AlertCondition[]> {
    const rows = await this.db.selectFrom('alert_conditions').selectAll().orderBy('id').execute();
    return rows.map(toCondition);
  }

  async condition(id: string): Promise<AlertCondition | null> {
    const row = await this.db.selectFrom('alert_conditions').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toCondition(row) : null;
  }

  async updateCondition(id: string, change: UpdateAlertConditionBody, by: string): Promise<AlertCondition | null> {
    const row = await this.db
      .updateTable('alert_conditions')
      .set({
        ...(change.threshold === undefined ? {} : { threshold: change.threshold }),
        ...(change.enabled === undefined ? {} : { enabled: change.enabled }),
        ...(change.severity === undefined ? {} : { severity: change.severity }),
        ...(change.windowMinutes === undefined ? {} : { window_minutes: change.windowMinutes }),
        ...(change.minCount === undefined ? {} : { min_count: change.minCount }),
        updated_at: this.now(),
        updated_by: by,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row ? toCondition(row) : null;
  }

  async alerts(state: AlertsQuery['state'], limit = 500): Promise<Alert[]> {
    let query = this.db.selectFrom('alerts').selectAll().orderBy('opened_at', 'desc').orderBy('id').limit(limit);
    if (state === 'open') query = query.where('resolved_at', 'is', null);
    if (state === 'resolved') query = query.where('resolved_at', 'is not', null);
    return (await query.execute()).map(toAlert);
  }

  /** Every source with its open alerts and their worst severity (the status page shows it beside each source). */
  async openBySource(): Promise<AlertSourceSummary[]> {
    const rows = await this.db
      .selectFrom('alerts')
      .select(['source', 'severity'])
      .where('resolved_at', 'is', null)
      .where('source', 'is not', null)
      .execute();
    return RECOMMENDATION_SOURCES.map((source) => {
      const open = rows.filter((row) => row.source === source);
      const severity: AlertSeverity | null = open.some((row) => row.severity === 'critical')
        ? 'critical'
        : open.length > 0
          ? 'warning'
          : null;
      return { source, open: open.length, severity };
    });
  }
}
