/**
 * Reads of performance data, for the API and for other components (impact measurement):
 * - `dailyFor(entityKeys, from, to)`: the stored days of these entities (`campaign:ID`, `keyword:ID`, `target:ID`),
 *   raw metrics, oldest first; inclusive ISO dates.
 * - `campaignsOf(advertiserId)`: the campaigns of an advertiser that have performance data, with their name, profile,
 *   currency and the first and last day stored.
 * - `series(query)`: the `GET /api/performance` answer: the daily series with derived metrics (CTR, CPC, ROAS, ACOS,
 *   budget utilisation; null on a zero denominator) and a marker for every change applied to the entity.
 * - `markersFor(entityKey, from, to)`: those markers alone: apply items in state `applied` of apply and undo batches
 *   (an undo's summary starts "Undone:"), joined to their recommendation, by who (a person's email or
 *   `rule:<name> v<version>`), when, on which day (UTC, of the simulated clock in simulated mode), with the values
 *   before and after.
 * Every query goes through the scoped database: a user reads only their advertisers' rows, and an entity outside the
 * scope is not found (404).
 */
import type { ChangeMarker, PerformanceDay, PerformanceMetric, PerformanceQuery, PerformanceSeries } from '@recdesk/shared-types';
import { sql } from 'kysely';
import type { ApplyTables } from '../apply/apply-tables.ts';
import type { Db } from '../db/database.ts';
import { NotFoundError } from '../errors/domain-errors.ts';

type RuleTable = { apply_rules: { id: string; version: number; name: string } };

export interface DailyMetricsRow {
  entityKey: string;
  date: string;
  entityLevel: string;
  advertiserId: string;
  profileId: string;
  campaignId: string;
  entityName: string | null;
  impressions: number;
  clicks: number;
  cost: number;
  sales: number;
  orders: number;
  budget: number | null;
  currency: string | null;
}

export interface CampaignWithPerformance {
  campaignId: string;
  entityKey: string;
  name: string | null;
  profileId: string;
  currency: string | null;
  firstDay: string;
  lastDay: string;
}

/** Days at the end of a series whose attributed sales may still change (IMPACT_ATTRIBUTION_SETTLE_DAYS's default). */
export const ATTRIBUTION_SETTLE_DAYS = 3;
/** The default range of a series: the last 60 days. */
const DEFAULT_DAYS = 60;
const DAY_MS = 86_400_000;

const dayOf = (date: Date) => date.toISOString().slice(0, 10);
const addDays = (day: string, days: number) => dayOf(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS));
const ratio = (numerator: number, denominator: number | null) =>
  denominator === null || denominator === 0 ? null : Math.round((numerator / denominator) * 1e6) / 1e6;

export function derivedDay(
  row: Pick<DailyMetricsRow, 'date' | 'impressions' | 'clicks' | 'cost' | 'sales' | 'orders' | 'budget'>,
): PerformanceDay {
  return {
    date: row.date,
    impressions: row.impressions,
    clicks: row.clicks,
    cost: row.cost,
    sales: row.sales,
    orders: row.orders,
    ctr: ratio(row.clicks, row.impressions),
    cpc: ratio(row.cost, row.clicks),
    roas: ratio(row.sales, row.cost),
    acos: ratio(row.cost, row.sales),
    budgetUtilization: ratio(row.cost, row.budget),
  };
}

function keep(day: PerformanceDay, metrics: readonly PerformanceMetric[] | undefined): PerformanceDay {
  if (!metrics) return day;
  // The contract's day always carries the five measured metrics (never a made-up 0); derived ones not asked for
  // are answered null.
  const wanted = new Set<string>(metrics);
  const derived = ['ctr', 'cpc', 'roas', 'acos', 'budgetUtilization'] as const;
  const copy = { ...day };
  for (const key of derived) if (!wanted.has(key)) copy[key] = null;
  return copy;
}

function money(value: unknown): string | null {
  return typeof value === 'number' ? value.toFixed(2) : typeof value === 'string' ? value : null;
}

function scalar(value: unknown): number | string | null {
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    // Apply values are stored as the upstream field's value or a small object naming it.
    const v = value as Record<string, unknown>;
    for (const key of ['value', 'budget', 'bid', 'state', 'percentage']) {
      if (typeof v[key] === 'number' || typeof v[key] === 'string') return v[key] as number | string;
    }
  }
  return null;
}

export class PerformanceStore {
  private readonly db;

  constructor(
    db: Db,
    private readonly now: () => Date,
    private readonly settleDays = ATTRIBUTION_SETTLE_DAYS,
  ) {
    this.db = db.withTables<ApplyTables & RuleTable>();
  }

  async dailyFor(entityKeys: readonly string[], from: string, to: string): Promise<DailyMetricsRow[]> {
    if (entityKeys.length === 0) return [];
    const rows = await this.db
      .selectFrom('performance_daily')
      .selectAll()
      .where('entity_key', 'in', [...entityKeys])
      .where('date', '>=', from)
      .where('date', '<=', to)
      .orderBy('date')
      .orderBy('entity_key')
      .execute();
    return rows.map((r) => ({
      entityKey: r.entity_key,
      date: r.date,
      entityLevel: r.entity_level,
      advertiserId: r.advertiser_id,
      profileId: r.profile_id,
      campaignId: r.campaign_id,
      entityName: r.entity_name,
      impressions: Number(r.impressions),
      clicks: Number(r.clicks),
      cost: Number(r.cost),
      sales: Number(r.sales),
      orders: Number(r.orders),
      budget: r.budget === null ? null : Number(r.budget),
      currency: r.currency,
    }));
  }

  async campaignsOf(advertiserId: string): Promise<CampaignWithPerformance[]> {
    const rows = await this.db
      .selectFrom('performance_daily')
      .select((eb) => [
        'campaign_id',
        'profile_id',
        eb.fn.max('entity_name').as('name'),
        eb.fn.max('currency').as('currency'),
        eb.fn.min('date').as('first_day'),
        eb.fn.max('date').as('last_day'),
      ])
      .where('advertiser_id', '=', advertiserId)
      .where('entity_level', '=', 'campaign')
      .groupBy(['campaign_id', 'profile_id'])
      .orderBy('campaign_id')
      .execute();
    return rows.map((r) => ({
      campaignId: r.campaign_id,
      entityKey: `campaign:${r.campaign_id}`,
      name: r.name ?? null,
      profileId: r.profile_id,
      currency: r.currency ?? null,
      firstDay: String(r.first_day),
      lastDay: String(r.last_day),
    }));
  }

  async series(query: PerformanceQuery): Promise<PerformanceSeries> {
    const today = dayOf(this.now());
    const to = query.to ?? addDays(today, -1);
    const from = query.from ?? addDays(to, -(DEFAULT_DAYS - 1));
    // The entity, whatever the range: known (and in scope) or 404.
    const entity = await this.db
      .selectFrom('performance_daily')
      .select(['advertiser_id', 'entity_name', 'currency', 'campaign_id', 'entity_level'])
      .where('entity_key', '=', query.entity)
      .orderBy('date', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!entity) throw new NotFoundError('performance of', query.entity);
    const rows = from <= to ? await this.dailyFor([query.entity], from, to) : [];
    const lastDay = rows.at(-1)?.date ?? null;
    const settled = addDays(today, -(this.settleDays + 1));
    return {
      entity: query.entity,
      entityName: entity.entity_name,
      advertiserId: entity.advertiser_id,
      currency: entity.currency && entity.currency.length === 3 ? entity.currency : null,
      from,
      to,
      settledThrough: lastDay === null ? null : ([lastDay, settled].sort()[0] ?? null),
      days: rows.map((r) => keep(derivedDay(r), query.metrics)),
      markers: await this.markersFor(query.entity, from, to),
    };
  }

  async markersFor(entityKey: string, from: string, to: string): Promise<ChangeMarker[]> {
    const [level, id] = entityKey.split(':') as [string, string];
    const db = this.db;
    let query = db
      .selectFrom('apply_items as i')
      .innerJoin('apply_batches as b', 'b.id', 'i.batch_id')
      .innerJoin('recommendations as r', 'r.id', 'i.recommendation_id')
      .select([
        'i.recommendation_id',
        'i.updated_at',
        'i.plan',
        'i.value_before',
        'i.value_after',
        'i.target_value',
        'b.actor_type',
        'b.actor_id',
        'b.actor_version',
        'b.kind as batch_kind',
        'r.source',
        'r.kind',
        'r.title',
        'r.action',
        'r.entity',
      ])
      .where('i.state', '=', 'applied')
      .where('b.kind', 'in', ['apply', 'undo'])
      .where('i.updated_at', '>=', new Date(`${from}T00:00:00Z`))
      .where('i.updated_at', '<', new Date(Date.parse(`${to}T00:00:00Z`) + DAY_MS));
    query =
      level === 'campaign'
        ? query.where('r.campaign_id', '=', id)
        : query.where(sql<string>`r.entity->>'targetId'`, '=', id).where(sql<string>`r.entity->>'level'`, '=', level);
    const rows = await query.orderBy('i.updated_at').orderBy('i.id').execute();
    const ruleIds = [...new Set(rows.filter((r) => r.actor_type === 'rule').map((r) => r.actor_id))].filter((v) =>
      /^[0-9a-f-]{36}$/i.test(v),
    );
    const names = new Map<string, string>();
    if (ruleIds.length > 0) {
      for (const rule of await db
        .selectFrom('apply_rules')
        .select(['id', 'version', 'name'])
        .where('id', 'in', ruleIds)
        .orderBy('version')
        .execute()) {
        names.set(`${rule.id}@${rule.version}`, rule.name);
        names.set(rule.id, rule.name);
      }
    }
    return rows.map((row) => {
      const at = new Date(row.updated_at);
      const action = (row.action ?? {}) as { field?: unknown; currency?: unknown; from?: unknown; to?: unknown };
      const plan = (row.plan ?? {}) as { field?: unknown };
      const field = typeof plan.field === 'string' ? plan.field : typeof action.field === 'string' ? action.field : null;
      // Calls that cannot be read back (a Partner Opportunities apply) keep no values: the proposal's are shown.
      const before = scalar(row.value_before) ?? scalar(action.from);
      const after = scalar(row.value_after) ?? scalar(row.target_value) ?? scalar(action.to);
      const currency = typeof action.currency === 'string' ? ` ${action.currency}` : '';
      const appliedBy =
        row.actor_type === 'rule'
          ? `rule:${names.get(`${row.actor_id}@${row.actor_version}`) ?? names.get(row.actor_id) ?? row.actor_id}${row.actor_version === null ? '' : ` v${row.actor_version}`}`
          : row.actor_id;
      const change =
        before !== null || after !== null
          ? `${field ?? 'value'} ${typeof before === 'number' ? money(before) : (before ?? '?')} → ${typeof after === 'number' ? money(after) : (after ?? '?')}${typeof before === 'number' || typeof after === 'number' ? currency : ''}`
          : null;
      return {
        date: dayOf(at),
        appliedAt: at.toISOString(),
        recommendationId: row.recommendation_id,
        appliedBy,
        source: row.source as ChangeMarker['source'],
        kind: row.kind as ChangeMarker['kind'],
        summary: `${row.batch_kind === 'undo' ? 'Undone: ' : ''}${change ? `${row.title}: ${change}` : row.title}`,
        field,
        valueBefore: before,
        valueAfter: after,
      };
    });
  }
}
