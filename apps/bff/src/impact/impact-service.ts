/**
 * Impact, as the API reads it: measured items (filtered, newest change first) with the aggregates per source and kind
 * (share applied of decided items, share improved of measured, realised vs promised, and the priority factor the
 * feedback loop applies), and one item by recommendation. Every query goes through the scoped database, so a user
 * sees the items and aggregates of their advertisers only; the priority factors are the agency-wide ones in force.
 * `measureNow` runs the measurement and then reloads the factors: the job, the clock and the performance sync call it.
 */
import type {
  ImpactList,
  ImpactQuery,
  ItemImpact,
  MeasuredEffect,
  PromisedImpactSchema,
  RecommendationKind,
  RecommendationSource,
} from '@recdesk/shared-types';
import { type Selectable, sql } from 'kysely';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { ApplyTables } from '../apply/apply-tables.ts';
import { asSystem } from '../auth/scope.ts';
import type { Db } from '../db/database.ts';
import type { ImpactResultsTable } from '../db/schema.ts';
import { NotFoundError } from '../errors/domain-errors.ts';
import { Converter, ExchangeRateStore } from './exchange-rates.ts';
import { aggregatesOf, type DecisionCount, type MeasuredOutcome } from './impact-feedback.ts';
import { ImpactMeasurement, type MeasurementConfig, type MeasurementSummary } from './impact-measurement.ts';
import type { PriorityFactors } from './priority-factors.ts';

/** The reporting currency of totals when the person chose none. */
export const DEFAULT_REPORTING_CURRENCY = 'USD';

/** Statuses in which a person or a rule has decided on an item (approved or rejected it, and what followed). */
const DECIDED_STATUSES = ['approved', 'rejected', 'applying', 'applied', 'failed', 'measured', 'rolled_back'] as const;

type ImpactRowRead = Selectable<ImpactResultsTable>;

export class ImpactService {
  readonly measurement: ImpactMeasurement;
  private running: Promise<unknown> = Promise.resolve();

  readonly rates: ExchangeRateStore;

  constructor(private readonly deps: { db: Db; now: () => Date; log: Logger; config: MeasurementConfig; factors: PriorityFactors }) {
    this.measurement = new ImpactMeasurement(deps);
    this.rates = new ExchangeRateStore(deps.db, deps.now);
  }

  get config(): MeasurementConfig {
    return this.deps.config;
  }

  /**
   * Measures whatever is due and reloads the priority factors (reprioritising open items whose factor moved). Runs
   * one at a time, agency-wide whoever triggered it; a call while one runs waits for it and runs again after.
   */
  measureNow(options: { all?: boolean } = {}): Promise<MeasurementSummary & { reprioritised: number }> {
    const run = this.running.then(() =>
      asSystem(async () => {
        const summary = await this.measurement.run(options);
        const reprioritised = await this.deps.factors.reload();
        return { ...summary, reprioritised };
      }),
    );
    this.running = run.catch(() => undefined);
    return run;
  }

  /**
   * A change applied since the last run has no row yet: measure now (it answers `measuring`, with its "measuring
   * until" date), so every applied item is listed from the moment it is applied, not from the next scheduled run.
   */
  private async catchUp(recommendationId?: string): Promise<void> {
    let query = this.deps.db
      .withTables<ApplyTables>()
      .selectFrom('apply_items as i')
      .select('i.id')
      .where('i.state', '=', 'applied')
      .where('i.undo_of', 'is', null)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('impact_results as r').select('r.id').where('r.id', '=', sql<string>`'apply:' || i.id::text`))),
      )
      .limit(1);
    if (recommendationId) query = query.where('i.recommendation_id', '=', recommendationId);
    if (await query.executeTakeFirst()) await this.measureNow();
  }

  async list(query: ImpactQuery): Promise<ImpactList> {
    await this.catchUp();
    let items = this.deps.db.selectFrom('impact_results').selectAll();
    if (query.advertiserId) items = items.where('advertiser_id', '=', query.advertiserId);
    if (query.source) items = items.where('source', '=', query.source);
    if (query.kind) items = items.where('kind', '=', query.kind);
    if (query.state) items = items.where('state', '=', query.state);
    if (query.cohort) items = items.where('cohort', '=', query.cohort);
    const rows = await items.orderBy('applied_at', 'desc').orderBy('id').limit(query.limit).execute();
    const converter = new Converter(query.currency ?? DEFAULT_REPORTING_CURRENCY, await this.rates.rates());
    const aggregates = await this.aggregates(query, converter);
    return { items: rows.map(toItemImpact), aggregates, reporting: converter.report() };
  }

  /** The item's applied measurement (the latest change), or its control measurement when it was only held back. */
  async get(recommendationId: string): Promise<ItemImpact> {
    await this.catchUp(recommendationId);
    const rows = await this.deps.db
      .selectFrom('impact_results')
      .selectAll()
      .where('recommendation_id', '=', recommendationId)
      .orderBy('applied_at', 'desc')
      .execute();
    const row = rows.find((r) => r.cohort !== 'control') ?? rows[0];
    if (!row) throw new NotFoundError('Measured recommendation', recommendationId);
    return toItemImpact(row);
  }

  /**
   * Per source and kind over the query's advertiser (or every advertiser the user sees, advertiserId null). The
   * state and cohort filters narrow the item list only: the aggregates always count every item of their group.
   */
  private async aggregates(query: ImpactQuery, converter: Converter) {
    let outcomesQuery = this.deps.db
      .selectFrom('impact_results')
      .select(['source', 'kind', 'advertiser_id', 'cohort', 'state', 'verdict', 'realised_total', 'promised_total', 'currency']);
    if (query.advertiserId) outcomesQuery = outcomesQuery.where('advertiser_id', '=', query.advertiserId);
    if (query.source) outcomesQuery = outcomesQuery.where('source', '=', query.source);
    if (query.kind) outcomesQuery = outcomesQuery.where('kind', '=', query.kind);
    const outcomes: MeasuredOutcome[] = (await outcomesQuery.execute()).map((row) => ({
      source: row.source as RecommendationSource,
      kind: row.kind as RecommendationKind,
      advertiserId: row.advertiser_id,
      cohort: row.cohort,
      state: row.state,
      verdict: row.verdict,
      realisedTotal: row.realised_total,
      promisedTotal: row.promised_total,
      currency: row.currency,
    }));

    const db = this.deps.db.withTables<ApplyTables>();
    const appliedIds = db
      .selectFrom('apply_items')
      .select('recommendation_id')
      .distinct()
      .where('state', '=', 'applied')
      .where('undo_of', 'is', null)
      .as('ai');
    let decisionsQuery = db
      .selectFrom('recommendations as r')
      .leftJoin(appliedIds, 'ai.recommendation_id', 'r.id')
      .select((eb) => [
        'r.source',
        'r.kind',
        'r.advertiser_id',
        eb.fn.countAll<string>().as('decided'),
        eb.fn.count<string>('ai.recommendation_id').as('applied'),
      ])
      .where((eb) => eb.or([eb('r.status', 'in', [...DECIDED_STATUSES]), eb('ai.recommendation_id', 'is not', null)]))
      .groupBy(['r.source', 'r.kind', 'r.advertiser_id']);
    if (query.advertiserId) decisionsQuery = decisionsQuery.where('r.advertiser_id', '=', query.advertiserId);
    if (query.source) decisionsQuery = decisionsQuery.where('r.source', '=', query.source);
    if (query.kind) decisionsQuery = decisionsQuery.where('r.kind', '=', query.kind);
    const decisions: DecisionCount[] = (await decisionsQuery.execute()).map((row) => ({
      source: row.source as RecommendationSource,
      kind: row.kind as RecommendationKind,
      advertiserId: row.advertiser_id,
      decided: Number(row.decided),
      applied: Number(row.applied),
    }));
    return aggregatesOf(outcomes, decisions, this.deps.factors.current, query.advertiserId ?? null, (amount, currency) =>
      converter.convert(amount, currency),
    );
  }
}

function toItemImpact(row: ImpactRowRead): ItemImpact {
  return {
    recommendationId: row.recommendation_id,
    advertiserId: row.advertiser_id,
    source: row.source as RecommendationSource,
    kind: row.kind as RecommendationKind,
    entity: row.entity,
    appliedAt: new Date(row.applied_at).toISOString(),
    appliedBy: row.applied_by,
    cohort: row.cohort,
    state: row.state,
    measuringUntil: row.measuring_until,
    windowDays: row.window_days,
    before: { from: row.before_from, to: row.before_to },
    after: { from: row.after_from, to: row.after_to },
    targetMetric: row.target_metric,
    effects: row.effects as MeasuredEffect[],
    verdict: row.verdict,
    promised: row.promised as z.infer<typeof PromisedImpactSchema>[],
    baselineCampaigns: row.baseline_campaigns,
    measuredAt: row.measured_at ? new Date(row.measured_at).toISOString() : null,
    note: row.note,
    realisedTotal: row.realised_total,
    promisedTotal: row.promised_total,
    currency: row.currency,
    level: row.measured_level,
    levelReason: row.level_reason,
  };
}
