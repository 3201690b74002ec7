/**
 * The measurement run: finds every change to measure (applied by a person or a rule, or held back by a rule as a
 * control), reads the performance of its campaign and of the advertiser's comparable untouched campaigns, and stores
 * the result in `impact_results`. Idempotent: the same data gives the same rows (the bootstrap is seeded by the
 * recommendation and metric), and only rows not final yet (measuring, insufficient data) are computed again unless
 * a full recompute is asked for.
 *
 * Comparable campaigns ("the baseline"): the same advertiser, the same currency, not the treated campaign, no change
 * applied by RecDesk anywhere in the two windows, and a row for every day of both windows. A control item (never
 * applied) is measured as if applied at the rule's decision time, and only while its campaign stayed untouched.
 */
import type {
  EntityRef,
  ImpactEstimate,
  ImpactState,
  ImpactVerdict,
  MeasuredEffect,
  ProposedAction,
  RecommendationKind,
} from '@recdesk/shared-types';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { ApplyTables } from '../apply/apply-tables.ts';
import type { Db } from '../db/database.ts';
import { insertEvents } from '../lifecycle/recommendation-store.ts';
import { type DayPair, differenceInDifferences } from './did-estimator.ts';
import {
  type DailyField,
  effectMetricsOf,
  type ImpactMetric,
  METRIC_DEFINITIONS,
  promisedOverWindow,
  targetMetricOf,
  unmeasurableReason,
} from './impact-targets.ts';
import { dayOf, daysBetween, type ImpactWindows, isSettled, windowsOf } from './impact-windows.ts';

export interface MeasurementConfig {
  windowDays: number;
  settleDays: number;
}

type Cohort = 'person' | 'rule' | 'control';

/** One change to measure. */
export interface MeasureSubject {
  id: string;
  recommendationId: string;
  advertiserId: string;
  source: string;
  kind: RecommendationKind;
  campaignId: string | null;
  action: ProposedAction;
  estimatedImpact: ImpactEstimate[];
  cohort: Cohort;
  appliedAt: Date;
  appliedBy: string;
  /** When the change was undone, if it was. */
  undoneAt: Date | null;
  /** A control a person took out of its control group (by approving it), and when. */
  leftControlAt?: Date | null;
  /** The keyword or target the change acts on, when it acts on one (read from the recommendation's entity). */
  targeting?: { level: 'keyword' | 'target'; id: string } | null;
  /** The level of the recommendation's entity (an ad group's change is measured on its campaign, and says so). */
  entityLevel?: string | null;
}

type DailyRow = { campaign_id: string; date: string; currency: string | null; entity_key?: string } & Record<DailyField, number>;

/** The level a change is measured at: its own keyword or target when it acts on one, else its campaign. */
export type MeasuredLevel = 'campaign' | 'keyword' | 'target';

/** Why a change is measured where it is, in the words the screen shows. */
const LEVEL_REASONS = {
  campaign: 'the change acts on the whole campaign (its budget, or every bid in it): measured on the campaign',
  targeting: (level: 'keyword' | 'target') =>
    `the change acts on one ${level}: measured on that ${level}'s own targeting report, against the keywords and targets of the advertiser's untouched campaigns`,
  adGroup: 'the change acts on an ad group, which has no report of its own: measured on its campaign',
  fallback: (level: 'keyword' | 'target', why: string) => `measured on the campaign instead of the ${level}: ${why}`,
};

export interface ImpactRow {
  id: string;
  recommendation_id: string;
  advertiser_id: string;
  source: string;
  kind: string;
  entity: string | null;
  cohort: Cohort;
  applied_at: Date;
  applied_by: string;
  state: ImpactState;
  measuring_until: string;
  window_days: number;
  before_from: string;
  before_to: string;
  after_from: string;
  after_to: string;
  target_metric: string;
  effects: string;
  verdict: ImpactVerdict | null;
  promised: string;
  realised_total: number | null;
  promised_total: number | null;
  baseline_campaigns: number;
  note: string | null;
  measured_at: Date | null;
  computed_at: Date;
  /** The currency of the treated campaign's amounts (its performance rows'), null before any was read. */
  currency: string | null;
  /** Where the change was measured, and why there (null until it is measured or found unmeasurable). */
  measured_level: MeasuredLevel | null;
  level_reason: string | null;
}

export interface MeasurementSummary {
  considered: number;
  computed: number;
  byState: Record<ImpactState, number>;
}

type RuleDecisionTables = {
  rule_decisions: {
    id: string;
    rule_id: string;
    rule_version: number;
    recommendation_id: string;
    advertiser_id: string;
    decision: string;
    mode: string;
    at: Date | string;
  };
  apply_rules: { id: string; version: number; name: string };
};

const round = (value: number) => Math.round(value * 1e6) / 1e6;

function verdictOf(metric: ImpactMetric, effect: MeasuredEffect): ImpactVerdict {
  const better = METRIC_DEFINITIONS[metric].higherIsBetter;
  if (effect.lower > 0) return better ? 'improved' : 'worsened';
  if (effect.upper < 0) return better ? 'worsened' : 'improved';
  return 'no_change';
}

/**
 * Measures one subject from the advertiser's campaign-level daily rows and the days RecDesk changed each campaign.
 * Pure: the run below feeds it from the database.
 */
export function measureSubject(
  subject: MeasureSubject,
  context: {
    today: string;
    config: MeasurementConfig;
    rows: readonly DailyRow[];
    /** Keyword and target rows of the advertiser (with `entity_key`), for changes that act on one. */
    targetingRows?: readonly DailyRow[];
    changeDays: ReadonlyMap<string, readonly string[]>;
    now: Date;
  },
): ImpactRow {
  const { config, today } = context;
  const windows = windowsOf(subject.appliedAt, config.windowDays, config.settleDays);
  const target = targetMetricOf(subject.kind, subject.action);
  const base = {
    id: subject.id,
    recommendation_id: subject.recommendationId,
    advertiser_id: subject.advertiserId,
    source: subject.source,
    kind: subject.kind,
    entity: subject.campaignId ? `campaign:${subject.campaignId}` : null,
    cohort: subject.cohort,
    applied_at: subject.appliedAt,
    applied_by: subject.appliedBy,
    measuring_until: windows.measuringUntil,
    window_days: config.windowDays,
    before_from: windows.before.from,
    before_to: windows.before.to,
    after_from: windows.after.from,
    after_to: windows.after.to,
    target_metric: target,
    promised: JSON.stringify(subject.estimatedImpact),
    computed_at: context.now,
  };
  const result: ResultOf = (state, fields = {}) => ({
    ...base,
    state,
    promised_total: fields.promisedTotal ?? null,
    realised_total: fields.realisedTotal ?? null,
    effects: JSON.stringify(fields.effects ?? []),
    verdict: fields.verdict ?? null,
    baseline_campaigns: fields.baseline ?? 0,
    note: fields.note ?? null,
    measured_at: state === 'measured' ? context.now : null,
    currency: fields.currency ?? null,
    entity: fields.entity ?? base.entity,
    measured_level: fields.level ?? null,
    level_reason: fields.levelReason ?? null,
  });

  const unmeasurable = unmeasurableReason({ kind: subject.kind, action: subject.action, campaignId: subject.campaignId });
  if (unmeasurable || !subject.campaignId) return result('not_measurable', { note: unmeasurable });
  if (subject.cohort === 'control' && subject.leftControlAt && dayOf(subject.leftControlAt) <= windows.after.to)
    return result('insufficient_data', {
      note: `a person took it out of the control group on ${dayOf(subject.leftControlAt)} (approved it): it is no control`,
    });
  if (!isSettled(windows, today)) return result('measuring');
  if (subject.undoneAt && dayOf(subject.undoneAt) <= windows.after.to)
    return result('insufficient_data', { note: `the change was undone on ${dayOf(subject.undoneAt)}, inside the after window` });
  const treatedChanges = context.changeDays.get(subject.campaignId) ?? [];
  if (subject.cohort === 'control' && treatedChanges.some((day) => day >= windows.before.from && day <= windows.after.to))
    return result('insufficient_data', { note: 'the held-back campaign was changed inside the windows: it is no control' });

  const campaignLevel = (levelReason: string) =>
    measureAgainstBaseline(
      { kind: 'campaign', key: subject.campaignId as string },
      windows,
      target,
      subject,
      context,
      (state, fields = {}) => result(state, { ...fields, level: 'campaign', levelReason }),
    );
  const targeting = subject.targeting;
  if (!targeting) return campaignLevel(subject.entityLevel === 'ad-group' ? LEVEL_REASONS.adGroup : LEVEL_REASONS.campaign);
  // Where the change acts: its own keyword or target, against the targeting rows of untouched campaigns.
  const key = `${targeting.level}:${targeting.id}`;
  const own = measureAgainstBaseline(
    { kind: targeting.level, key },
    windows,
    target,
    subject,
    { ...context, rows: context.targetingRows ?? [] },
    (state, fields = {}) =>
      result(state, { ...fields, entity: key, level: targeting.level, levelReason: LEVEL_REASONS.targeting(targeting.level) }),
  );
  if (own.state === 'measured') return own;
  return campaignLevel(LEVEL_REASONS.fallback(targeting.level, own.note ?? 'its own report could not be compared'));
}

type ResultOf = (
  state: ImpactState,
  fields?: {
    effects?: MeasuredEffect[];
    verdict?: ImpactVerdict | null;
    baseline?: number;
    note?: string | null;
    promisedTotal?: number | null;
    realisedTotal?: number | null;
    currency?: string | null;
    entity?: string | null;
    level?: MeasuredLevel | null;
    levelReason?: string | null;
  },
) => ImpactRow;

/**
 * Measures one series (a campaign, or a keyword or target) against the same kind of series of the advertiser's
 * campaigns left untouched in both windows; a keyword is never compared with another of its own campaign, which
 * its change moves too (the campaign's spend shifts between its keywords).
 */
function measureAgainstBaseline(
  series: { kind: MeasuredLevel; key: string },
  windows: ImpactWindows,
  target: ImpactMetric,
  subject: MeasureSubject,
  context: { config: MeasurementConfig; rows: readonly DailyRow[]; changeDays: ReadonlyMap<string, readonly string[]> },
  result: ResultOf,
): ImpactRow {
  const beforeDays = daysBetween(windows.before.from, windows.before.to);
  const afterDays = daysBetween(windows.after.from, windows.after.to);
  const allDays = new Set([...beforeDays, ...afterDays]);
  const byCampaign = new Map<string, Map<string, DailyRow>>();
  const campaignOf = new Map<string, string>();
  const keyOf = (row: DailyRow) => (series.kind === 'campaign' ? row.campaign_id : (row.entity_key ?? ''));
  for (const row of context.rows) {
    if (!allDays.has(row.date)) continue;
    const key = keyOf(row);
    const days = byCampaign.get(key) ?? new Map<string, DailyRow>();
    byCampaign.set(key, days);
    campaignOf.set(key, row.campaign_id);
    days.set(row.date, row);
  }
  const campaignId = subject.campaignId as string;
  const what = series.kind === 'campaign' ? 'the campaign' : `the ${series.kind}`;
  const treated = byCampaign.get(series.key);
  const minimumDays = Math.max(2, Math.ceil(context.config.windowDays / 2));
  const before = beforeDays.filter((day) => treated?.has(day));
  const after = afterDays.filter((day) => treated?.has(day));
  if (before.length < minimumDays || after.length < minimumDays)
    return result('insufficient_data', {
      note: `${what} has ${before.length} day(s) of data before and ${after.length} after; ${minimumDays} of each are needed`,
    });
  const used = [...before, ...after];
  const currency = treated ? [...treated.values()].find((row) => row.currency)?.currency : undefined;
  const comparable = [...byCampaign.entries()].filter(([id, days]) => {
    // A comparable campaign has a row on every day the treated one is compared on (reports may leave out idle days).
    const ownCampaign = campaignOf.get(id) ?? id;
    if (id === series.key || ownCampaign === campaignId || used.some((day) => !days.has(day))) return false;
    const sample = [...days.values()].find((row) => row.currency)?.currency;
    if (currency && sample && sample !== currency) return false;
    return !(context.changeDays.get(ownCampaign) ?? []).some((day) => day >= windows.before.from && day <= windows.after.to);
  });
  const baseline = comparable.map(([, days]) => days);
  // The baseline is counted in campaigns whatever the level: at keyword level, the campaigns its keywords come from.
  const baselineCampaigns = new Set(comparable.map(([id]) => campaignOf.get(id) ?? id)).size;
  if (baseline.length === 0)
    return result('insufficient_data', {
      note: `the advertiser has no comparable ${series.kind === 'campaign' ? 'campaign' : 'keyword or target in a campaign'} left untouched in both windows`,
    });

  const effects: MeasuredEffect[] = [];
  let targetEffect: MeasuredEffect | null = null;
  for (const metric of effectMetricsOf(target)) {
    const definition = METRIC_DEFINITIONS[metric];
    const pairOf = (day: string): DayPair => {
      const own = treated?.get(day) as DailyRow;
      let baselineValue = 0;
      let baselineDenominator = 0;
      for (const days of baseline) {
        const row = days.get(day) as DailyRow;
        baselineValue += row[definition.numerator];
        if (definition.denominator) baselineDenominator += row[definition.denominator];
      }
      return definition.denominator
        ? {
            treated: own[definition.numerator],
            treatedDenominator: own[definition.denominator],
            baseline: baselineValue,
            baselineDenominator,
          }
        : { treated: own[definition.numerator], baseline: baselineValue };
    };
    const estimate = differenceInDifferences({
      shape: definition.shape,
      before: before.map(pairOf),
      after: after.map(pairOf),
      seed: `${subject.id}:${metric}`,
      // The verdict rests on the target's band; the other metrics' bands are context and need fewer resamples.
      resamples: metric === target ? 1000 : 400,
    });
    if (!estimate.ok) continue;
    const effect = {
      metric,
      estimate: round(estimate.estimate),
      lower: round(estimate.lower),
      upper: round(estimate.upper),
      relative: estimate.relative === null ? null : round(estimate.relative),
    };
    effects.push(effect);
    if (metric === target) targetEffect = effect;
  }
  if (!targetEffect)
    return result('insufficient_data', {
      effects,
      baseline: baselineCampaigns,
      note: `no ${target} to compare: ${what} or its baseline had none in a window`,
    });
  // Totals compare amounts over the after window; a rate (ACOS) has no total.
  const promised =
    METRIC_DEFINITIONS[target].shape.kind === 'level'
      ? promisedOverWindow(subject.estimatedImpact, target, context.config.windowDays)
      : null;
  const idle = used.every((day) => (treated?.get(day)?.impressions ?? 0) === 0);
  return result('measured', {
    currency: currency ?? null,
    effects,
    verdict: verdictOf(target, targetEffect),
    note: idle ? `${what} served no impressions in either window: the change moved nothing` : null,
    baseline: baselineCampaigns,
    promisedTotal: promised === null ? null : round(promised),
    realisedTotal: promised === null ? null : round(targetEffect.estimate * context.config.windowDays),
  });
}

/** The keyword or target a recommendation acts on, from its entity; nothing for campaign- or ad-group-level ones. */
export function targetingOf(entity: EntityRef | null): Pick<MeasureSubject, 'targeting' | 'entityLevel'> {
  if (!entity) return { targeting: null, entityLevel: null };
  const level = entity.level;
  return {
    targeting: (level === 'keyword' || level === 'target') && entity.targetId ? { level, id: entity.targetId } : null,
    entityLevel: level,
  };
}

export class ImpactMeasurement {
  private readonly db;

  constructor(private readonly deps: { db: Db; now: () => Date; log: Logger; config: MeasurementConfig }) {
    this.db = deps.db.withTables<ApplyTables & RuleDecisionTables>();
  }

  /** Everything to measure: applied changes (not undo items) and rules' held-back controls. */
  async subjects(): Promise<MeasureSubject[]> {
    const applied = await this.db
      .selectFrom('apply_items as i')
      .innerJoin('apply_batches as b', 'b.id', 'i.batch_id')
      .innerJoin('recommendations as r', 'r.id', 'i.recommendation_id')
      .select([
        'i.id',
        'i.recommendation_id',
        'i.updated_at',
        'b.actor_type',
        'b.actor_id',
        'b.actor_version',
        'r.advertiser_id',
        'r.source',
        'r.kind',
        'r.campaign_id',
        'r.action',
        'r.estimated_impact',
        'r.entity',
      ])
      .where('i.state', '=', 'applied')
      .where('i.undo_of', 'is', null)
      .execute();
    const undone = new Map(
      (
        await this.db
          .selectFrom('apply_items')
          .select(['undo_of', 'updated_at'])
          .where('state', '=', 'applied')
          .where('undo_of', 'is not', null)
          .execute()
      ).map((row) => [row.undo_of as string, new Date(row.updated_at)]),
    );
    const holds = await this.db
      .selectFrom('rule_decisions as d')
      .innerJoin('recommendations as r', 'r.id', 'd.recommendation_id')
      .select([
        'd.id',
        'd.recommendation_id',
        'd.rule_id',
        'd.rule_version',
        'd.at',
        'r.advertiser_id',
        'r.source',
        'r.kind',
        'r.campaign_id',
        'r.action',
        'r.estimated_impact',
        'r.entity',
        'r.control_left_at',
      ])
      .where('d.decision', '=', 'hold')
      // A shadow rule applies nothing: what it holds back is no control for anything applied.
      .where('d.mode', '=', 'on')
      .orderBy('d.at')
      .orderBy('d.id')
      .execute();
    const ruleNames = new Map(
      (await this.db.selectFrom('apply_rules').select(['id', 'version', 'name']).execute()).map((r) => [`${r.id}:${r.version}`, r.name]),
    );
    const ruleLabel = (id: string, version: number | null) => `rule:${ruleNames.get(`${id}:${version}`) ?? id} v${version ?? '?'}`;

    // What a subject takes from its recommendation, applied or held back alike.
    const fromRecommendation = (row: (typeof applied)[number] | (typeof holds)[number]) => ({
      recommendationId: row.recommendation_id,
      advertiserId: row.advertiser_id,
      source: row.source,
      kind: row.kind as RecommendationKind,
      campaignId: row.campaign_id,
      action: row.action as ProposedAction,
      estimatedImpact: row.estimated_impact as ImpactEstimate[],
      ...targetingOf(row.entity as EntityRef | null),
    });
    const subjects: MeasureSubject[] = applied.map((row) => ({
      id: `apply:${row.id}`,
      ...fromRecommendation(row),
      cohort: row.actor_type === 'rule' ? 'rule' : 'person',
      appliedAt: new Date(row.updated_at),
      appliedBy: row.actor_type === 'rule' ? ruleLabel(row.actor_id, row.actor_version) : row.actor_id,
      undoneAt: undone.get(row.id) ?? null,
    }));
    // A rule may hold the same item on several runs: the first hold is when the control "would have been applied".
    const held = new Set<string>();
    for (const row of holds) {
      if (held.has(row.recommendation_id)) continue;
      held.add(row.recommendation_id);
      subjects.push({
        id: `hold:${row.id}`,
        ...fromRecommendation(row),
        cohort: 'control',
        appliedAt: new Date(row.at),
        appliedBy: `${ruleLabel(row.rule_id, row.rule_version)} (held back as control)`,
        undoneAt: null,
        leftControlAt: row.control_left_at ? new Date(row.control_left_at) : null,
      });
    }
    return subjects;
  }

  /** The days RecDesk changed each campaign of an advertiser (applies and undos alike). */
  private async changeDaysOf(advertiserId: string): Promise<Map<string, string[]>> {
    const rows = await this.db
      .selectFrom('apply_items as i')
      .innerJoin('recommendations as r', 'r.id', 'i.recommendation_id')
      .select(['r.campaign_id', 'i.updated_at'])
      .where('i.state', '=', 'applied')
      .where('i.advertiser_id', '=', advertiserId)
      .execute();
    const days = new Map<string, string[]>();
    for (const row of rows) {
      if (!row.campaign_id) continue;
      days.set(row.campaign_id, [...(days.get(row.campaign_id) ?? []), dayOf(new Date(row.updated_at))]);
    }
    return days;
  }

  /** Measures what is not final yet (or everything, with `all`), and stores the results. */
  async run(options: { all?: boolean } = {}): Promise<MeasurementSummary> {
    const now = this.deps.now();
    const today = dayOf(now);
    const subjects = await this.subjects();
    const finalIds = new Set(
      options.all
        ? []
        : (await this.deps.db.selectFrom('impact_results').select('id').where('state', 'in', ['measured', 'not_measurable']).execute()).map(
            (r) => r.id,
          ),
    );
    const due = subjects.filter((s) => !finalIds.has(s.id));
    const byAdvertiser = new Map<string, MeasureSubject[]>();
    for (const s of due) byAdvertiser.set(s.advertiserId, [...(byAdvertiser.get(s.advertiserId) ?? []), s]);

    const byState: Record<ImpactState, number> = { measuring: 0, measured: 0, insufficient_data: 0, not_measurable: 0 };
    const results: ImpactRow[] = [];
    for (const [advertiserId, items] of byAdvertiser) {
      const spans = items.map((s) => windowsOf(s.appliedAt, this.deps.config.windowDays, this.deps.config.settleDays));
      const from = spans.map((w) => w.before.from).sort()[0] as string;
      const to = spans
        .map((w) => w.after.to)
        .sort()
        .at(-1) as string;
      const needsData = items.some((s, i) => s.campaignId && isSettled(spans[i] as ImpactWindows, today));
      const rows: DailyRow[] = needsData
        ? await this.deps.db
            .selectFrom('performance_daily')
            .select(['campaign_id', 'date', 'currency', 'impressions', 'clicks', 'cost', 'sales', 'orders'])
            .where('advertiser_id', '=', advertiserId)
            .where('entity_level', '=', 'campaign')
            .where('date', '>=', from)
            .where('date', '<=', to)
            .execute()
        : [];
      const targetingRows: DailyRow[] =
        needsData && items.some((s) => s.targeting)
          ? await this.deps.db
              .selectFrom('performance_daily')
              .select(['campaign_id', 'entity_key', 'date', 'currency', 'impressions', 'clicks', 'cost', 'sales', 'orders'])
              .where('advertiser_id', '=', advertiserId)
              .where('entity_level', 'in', ['keyword', 'target'])
              .where('date', '>=', from)
              .where('date', '<=', to)
              .execute()
          : [];
      const changeDays = needsData ? await this.changeDaysOf(advertiserId) : new Map<string, string[]>();
      for (const subject of items) {
        const row = measureSubject(subject, { today, config: this.deps.config, rows, targetingRows, changeDays, now });
        byState[row.state]++;
        results.push(row);
      }
    }
    await this.store(results);
    const settled = await this.markMeasured(now);
    this.deps.log.info({ considered: subjects.length, computed: results.length, byState, settled }, 'impact measurement run');
    return { considered: subjects.length, computed: results.length, byState };
  }

  /**
   * The lifecycle's last step: an applied item whose measurement settled with an effect moves to `measured` (undo stays
   * possible from there). Read from the stored results, not this run's, so an item a failed run left behind moves on
   * the next one; the status guard makes it idempotent and never moves an item that was undone meanwhile.
   */
  private async markMeasured(now: Date): Promise<number> {
    const due = await sql<{ id: string; target_metric: string; verdict: string | null }>`
      SELECT DISTINCT ON (r.id) r.id, ir.target_metric, ir.verdict
      FROM impact_results ir JOIN recommendations r ON r.id = ir.recommendation_id
      WHERE ir.state = 'measured' AND ir.cohort <> 'control' AND r.status = 'applied'
      ORDER BY r.id, ir.applied_at DESC`.execute(this.deps.db);
    if (due.rows.length === 0) return 0;
    const reasons = new Map(
      due.rows.map((row) => [row.id, `measured: ${row.target_metric} ${(row.verdict ?? 'no verdict').replace('_', ' ')}`]),
    );
    return this.deps.db.transaction().execute(async (trx) => {
      const moved = await trx
        .updateTable('recommendations')
        .set((eb) => ({ status: 'measured', version: eb(eb.ref('version'), '+', 1), updated_at: now }))
        .where('id', 'in', [...reasons.keys()])
        .where('status', '=', 'applied')
        .returning('id')
        .execute();
      await insertEvents(
        trx,
        moved.map((row) => ({
          recommendation_id: row.id,
          from_status: 'applied',
          to_status: 'measured',
          reason: reasons.get(row.id) ?? 'measured',
          actor_type: 'system',
          actor_id: 'impact',
        })),
        now,
      );
      return moved.length;
    });
  }

  private async store(rows: readonly ImpactRow[]): Promise<void> {
    for (let start = 0; start < rows.length; start += 500) {
      await this.deps.db
        .insertInto('impact_results')
        .values(rows.slice(start, start + 500))
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            advertiser_id: eb.ref('excluded.advertiser_id'),
            source: eb.ref('excluded.source'),
            kind: eb.ref('excluded.kind'),
            entity: eb.ref('excluded.entity'),
            applied_at: eb.ref('excluded.applied_at'),
            applied_by: eb.ref('excluded.applied_by'),
            state: eb.ref('excluded.state'),
            measuring_until: eb.ref('excluded.measuring_until'),
            window_days: eb.ref('excluded.window_days'),
            before_from: eb.ref('excluded.before_from'),
            before_to: eb.ref('excluded.before_to'),
            after_from: eb.ref('excluded.after_from'),
            after_to: eb.ref('excluded.after_to'),
            target_metric: eb.ref('excluded.target_metric'),
            effects: eb.ref('excluded.effects'),
            verdict: eb.ref('excluded.verdict'),
            promised: eb.ref('excluded.promised'),
            realised_total: eb.ref('excluded.realised_total'),
            promised_total: eb.ref('excluded.promised_total'),
            baseline_campaigns: eb.ref('excluded.baseline_campaigns'),
            note: eb.ref('excluded.note'),
            // A recompute of a measured item keeps when it was first measured.
            measured_at: sql`CASE WHEN excluded.state = 'measured' THEN coalesce(impact_results.measured_at, excluded.measured_at) END`,
            computed_at: eb.ref('excluded.computed_at'),
            currency: eb.ref('excluded.currency'),
            measured_level: eb.ref('excluded.measured_level'),
            level_reason: eb.ref('excluded.level_reason'),
          })),
        )
        .execute();
    }
  }
}
