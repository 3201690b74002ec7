/**
 * The recommendation store: the single truth of every recommendation and its lifecycle state. Ingestion upserts on
 * the source's own id (idempotent: a re-sync of unchanged upstream data changes nothing a reader sees); readers page
 * through it with an opaque keyset cursor per sort key. Freshness is derived on read (and in SQL for the filter) from
 * the refresh time and the source's policy, so it never goes stale in the table. The expiry is the source's, or the
 * policy's when the source gives none; the priority is computed on write (see priority.ts).
 *
 * Status changes by people and jobs go through lifecycle-service.ts; the upsert makes the three status changes that
 * belong to ingestion: an approved item whose content changed upstream loses its approval, and a rejected item sent
 * again after the quiet period returns to the queue. Each one is an event.
 */
import { createHash } from 'node:crypto';
import {
  DEFAULT_FRESHNESS_POLICIES,
  decodeCursor,
  type Freshness,
  freshnessOf,
  type ListRecommendationsQuery,
  type NormalisedRecommendation,
  OPEN_STATUSES,
  RECOMMENDATION_SOURCES,
  type Recommendation,
  type RecommendationCursor,
  RecommendationCursorSchema,
  type RecommendationDetail,
  type RecommendationSort,
  type RecommendationSource,
  RecommendationSourceSchema,
  sourcesOfAdProduct,
} from '@recdesk/shared-types';
import { CompiledQuery, type ExpressionBuilder, type Kysely, type Selectable, sql } from 'kysely';
import type pg from 'pg';
import { type Db, poolOf } from '../db/database.ts';
import type { Database, RecommendationsTable } from '../db/schema.ts';
import { TableStatistics } from '../db/table-statistics.ts';
import type { AdmissionCheck } from './admission.ts';
import { ChangeTracker } from './change-tracker.ts';
import type { LifecyclePolicy } from './lifecycle-config.ts';
import { type EffectivenessOf, NEUTRAL_EFFECTIVENESS, priorityOf } from './priority.ts';
import { type IngestedChange, mergeBatch, type StagedRecommendation } from './recommendation-merge.ts';

export type RecommendationRow = Selectable<RecommendationsTable>;
/** A row without its upstream payload: what every reader but the detail view needs. */
export type LeanRecommendationRow = Omit<RecommendationRow, 'raw'>;

/** Every column but `raw`, checked complete by the compiler: a column added to the table must be listed here. */
const LEAN_COLUMN_SET: Record<keyof LeanRecommendationRow, true> = {
  id: true,
  source: true,
  source_recommendation_id: true,
  source_type: true,
  kind: true,
  goal: true,
  title: true,
  description: true,
  advertiser_id: true,
  advertiser_name: true,
  profile_id: true,
  marketplace: true,
  campaign_id: true,
  entity: true,
  action: true,
  applicable: true,
  confidence: true,
  impact_score: true,
  estimated_impact: true,
  generated_at: true,
  refreshed_at: true,
  expires_at: true,
  status: true,
  validation_issues: true,
  version: true,
  priority: true,
  content_hash: true,
  created_at: true,
  updated_at: true,
  rejected_at: true,
  last_seen_at: true,
  validated_at: true,
  approved_value: true,
  search_text: true,
  first_approver_id: true,
  first_approved_at: true,
  first_approval_version: true,
  first_approved_value: true,
  live_value: true,
  live_value_at: true,
  control_rule_id: true,
  control_rule_name: true,
  control_until: true,
  control_left_at: true,
  control_left_by: true,
};
export const LEAN_COLUMNS = Object.keys(LEAN_COLUMN_SET) as (keyof LeanRecommendationRow)[];
type Executor = Kysely<Database>;

/** A deterministic UUID (v5 layout) from the source and its id, so the same upstream item always has the same id. */
export function recommendationIdOf(source: RecommendationSource, sourceRecommendationId: string): string {
  const hex = createHash('sha1').update(`recdesk:${source}:${sourceRecommendationId}`).digest('hex');
  const variant = ((Number.parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}

function contentHashOf(item: NormalisedRecommendation): string {
  return createHash('sha256').update(JSON.stringify(item)).digest('hex');
}

/**
 * Each sort: the SQL expression (NULLs mapped to a sentinel that sorts last, matching the indexes of migration 0004),
 * its direction, and the type of its cursor value.
 */
const SORTS: Record<RecommendationSort, { expression: string; descending: boolean; type: 'timestamptz' | 'double precision' }> = {
  generatedAt: { expression: 'generated_at', descending: true, type: 'timestamptz' },
  priority: { expression: `coalesce(priority, '-Infinity'::double precision)`, descending: true, type: 'double precision' },
  impactScore: { expression: 'coalesce(impact_score, -1::double precision)', descending: true, type: 'double precision' },
  confidence: { expression: 'coalesce(confidence, -1::double precision)', descending: true, type: 'double precision' },
  expiresAt: { expression: `coalesce(expires_at, 'infinity'::timestamptz)`, descending: false, type: 'timestamptz' },
};

export class InvalidCursorError extends Error {}

/**
 * Totals are exact up to this many items (issue 18, item 4); beyond it a page answers the planner's estimate, marked
 * as one. Only a list's first page counts (its cursor carries the total to the next pages): the exact count reads
 * every match up to the limit (for the filters no lane index holds, freshness, kind, `q`, their rows too), which is
 * what keeps the first page's p95 above the page's own query (bench/results.md).
 */
export const EXACT_TOTAL_LIMIT = 10_000;

/** A page of rows with its cursor and total, before the person's actions are added. */
export interface ListedPage {
  rows: LeanRecommendationRow[];
  nextCursor: string | null;
  total: number;
  totalIsEstimate: boolean;
}

/** The query schema checked the cursor already (RecommendationCursorSchema); a store called otherwise still refuses. */
function decodeRecommendationCursor(cursor: string, sort: RecommendationSort): RecommendationCursor {
  const parsed = decodeCursor(RecommendationCursorSchema, cursor);
  if (!parsed) throw new InvalidCursorError('The cursor is not one this API returned; start again without it.');
  if (parsed.s !== sort)
    throw new InvalidCursorError(`The cursor belongs to the sort '${parsed.s}', not '${sort}'; start again without it.`);
  return parsed;
}

function sortValueOf(row: LeanRecommendationRow, sort: RecommendationSort): number | string {
  switch (sort) {
    case 'generatedAt':
      return new Date(row.generated_at).toISOString();
    case 'expiresAt':
      return row.expires_at ? new Date(row.expires_at).toISOString() : 'infinity';
    case 'priority':
      return row.priority ?? '-Infinity';
    case 'impactScore':
      return row.impact_score ?? -1;
    case 'confidence':
      return row.confidence ?? -1;
  }
}

/** The next page's cursor, carrying the list's total so that the next page need not count it again. */
function encodeCursor(row: LeanRecommendationRow, sort: RecommendationSort, total: number, totalIsEstimate: boolean): string {
  const cursor: RecommendationCursor = {
    s: sort,
    v: sortValueOf(row, sort),
    id: row.id,
    t: total,
    ...(totalIsEstimate ? { e: true } : {}),
  };
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export interface UpsertResult {
  stored: number;
  unchanged: number;
  /** Advertisers whose items were written: validation and the conflict engine look at these. */
  advertiserIds: string[];
  /** The items the batch inserted or changed (content, or back from a rejection), from the merge's RETURNING. */
  changes: IngestedChange[];
  /** Milliseconds per step: building the rows (hashes, priorities), validating them, staging and merging them (the profile). */
  timings: { prepareMs: number; admitMs: number; stageMs: number; mergeMs: number };
}

export interface StoreOptions {
  policies?: Partial<Record<RecommendationSource, LifecyclePolicy>>;
  rejectionQuietPeriodMs?: number;
  effectiveness?: EffectivenessOf;
  /** Told of the events each ingest batch appended (the stage metrics: the merge writes them in SQL, past Kysely). */
  onEvents?: (events: readonly { recommendationId: string; toStatus: string; at: Date }[]) => void;
}

const DEFAULT_EXPIRE_AFTER_MS = 7 * 24 * 3_600_000;

export class RecommendationStore {
  readonly policies: Record<RecommendationSource, LifecyclePolicy>;
  private readonly quietPeriodMs: number;
  private readonly effectiveness: EffectivenessOf;
  /** What ingestion (and the lifecycle's decisions) changed since the after-ingest step last drained it. */
  readonly changes = new ChangeTracker();
  private readonly pool: pg.Pool | null;
  private readonly onEvents: StoreOptions['onEvents'];
  private admission: AdmissionCheck | null = null;
  /** A first sync grows the store many times over within a minute: its statistics are kept up as it does. */
  private readonly statistics: TableStatistics;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
    options: StoreOptions = {},
  ) {
    this.policies = Object.fromEntries(
      RECOMMENDATION_SOURCES.map((source) => [
        source,
        options.policies?.[source] ?? { ...DEFAULT_FRESHNESS_POLICIES[source], expireAfterMs: DEFAULT_EXPIRE_AFTER_MS },
      ]),
    ) as Record<RecommendationSource, LifecyclePolicy>;
    this.quietPeriodMs = options.rejectionQuietPeriodMs ?? 7 * 24 * 3_600_000;
    this.effectiveness = options.effectiveness ?? NEUTRAL_EFFECTIVENESS;
    this.pool = poolOf(db);
    this.onEvents = options.onEvents;
    this.statistics = new TableStatistics(db);
  }

  /** Validation, asked about each batch before it is merged, so that a new item is written once (admission.ts). */
  attachAdmission(check: AdmissionCheck): void {
    this.admission = check;
  }

  /**
   * What changed since the last call, per advertiser: the items new or changed upstream (or moved by a decision) and
   * the entities they touch; an advertiser whose items were only seen again comes with empty lists (its sightings
   * still need their validation mark). The after-ingest step drains this.
   */
  drainTouched() {
    return this.changes.drain();
  }

  expiryOf(item: Pick<NormalisedRecommendation, 'expiresAt' | 'source'>, refreshedAt: Date): Date {
    return item.expiresAt ? new Date(item.expiresAt) : new Date(refreshedAt.getTime() + this.policies[item.source].expireAfterMs);
  }

  /**
   * Inserts new items and updates those whose upstream content changed (bumping their version, and recording the
   * values before and after). Every item sent counts as seen now. The batch is staged and merged in one set statement
   * (recommendation-merge.ts), which also makes the status changes that belong to ingestion and writes their events.
   */
  async upsertMany(items: readonly NormalisedRecommendation[]): Promise<UpsertResult> {
    if (items.length === 0)
      return { stored: 0, unchanged: 0, advertiserIds: [], changes: [], timings: { prepareMs: 0, admitMs: 0, stageMs: 0, mergeMs: 0 } };
    const started = performance.now();
    const now = this.now();
    // One statement cannot touch a row twice: the last copy of a duplicated upstream item wins.
    const unique = new Map(items.map((item) => [`${item.source}\u0000${item.sourceRecommendationId}`, item]));
    const rows: StagedRecommendation[] = [];
    const advertiserIds = new Set<string>();
    for (const item of unique.values()) {
      const refreshedAt = item.refreshedAt ? new Date(item.refreshedAt) : now;
      const expiresAt = this.expiryOf(item, refreshedAt);
      advertiserIds.add(item.advertiserId);
      rows.push({
        id: recommendationIdOf(item.source, item.sourceRecommendationId),
        source: item.source,
        source_recommendation_id: item.sourceRecommendationId,
        source_type: item.sourceType,
        kind: item.kind,
        goal: item.goal,
        title: item.title,
        description: item.description,
        advertiser_id: item.advertiserId,
        advertiser_name: item.advertiserName,
        profile_id: item.profileId,
        marketplace: item.marketplace,
        campaign_id: item.entity.campaignId,
        entity: JSON.stringify(item.entity),
        action: JSON.stringify(item.action),
        applicable: item.applicable,
        confidence: item.confidence,
        impact_score: item.impactScore,
        estimated_impact: JSON.stringify(item.estimatedImpact),
        generated_at: item.generatedAt,
        refreshed_at: refreshedAt,
        expires_at: expiresAt,
        priority: priorityOf({ ...item, expiresAt }, now, this.effectiveness),
        content_hash: contentHashOf(item),
        raw: JSON.stringify(item.raw ?? null),
        admitted_status: 'discovered',
        admitted_issues: '[]',
        admitted_reason: null,
      });
    }
    const prepareMs = performance.now() - started;
    const admitMs = await this.admit(rows, [...unique.values()]);
    const outcome = await mergeBatch({ db: this.db, pool: this.pool }, rows, {
      at: now,
      quietBefore: new Date(now.getTime() - this.quietPeriodMs),
      returnedReason: `upstream still recommends it after the ${Math.round(this.quietPeriodMs / 3_600_000)} h quiet period`,
    });
    this.onEvents?.(outcome.events.map((event) => ({ ...event, at: now })));
    await this.statistics.rowsAdded('recommendations', outcome.changes.filter((change) => change.change === 'inserted').length);
    this.recordTouched(rows, outcome.changes, unique);
    const stored = outcome.changes.filter((change) => change.change !== 'returned').length;
    return {
      stored,
      unchanged: rows.length - stored,
      advertiserIds: [...advertiserIds],
      changes: outcome.changes,
      timings: { prepareMs, admitMs, ...outcome.timings },
    };
  }

  /** Validation's outcome for each row, should the merge insert it; returns the milliseconds it took. */
  private async admit(rows: StagedRecommendation[], items: readonly NormalisedRecommendation[]): Promise<number> {
    if (!this.admission) return 0;
    const started = performance.now();
    // rows[i] was built from items[i].
    const candidates = items.map((item, index) => {
      const row = rows[index] as StagedRecommendation;
      return {
        id: row.id,
        advertiserId: item.advertiserId,
        source: item.source,
        entity: item.entity,
        action: item.action,
        marketplace: item.marketplace,
        refreshedAt: row.refreshed_at.toISOString(),
      };
    });
    const outcomes = await this.admission.outcomesOf(candidates);
    for (const row of rows) {
      const outcome = outcomes.get(row.id);
      if (!outcome) continue;
      row.admitted_status = outcome.status;
      row.admitted_issues = JSON.stringify(outcome.issues);
      row.admitted_reason = outcome.reason;
    }
    return performance.now() - started;
  }

  /**
   * The one seam between what ingestion wrote and the after-ingest work (validation, conflicts): every item upstream
   * sent is a sighting (its validation mark follows it); only the items the merge inserted, changed or returned from a
   * rejection are changes, re-examined where they are now and, for a changed one, where they were before.
   */
  private recordTouched(
    rows: readonly { id: string; advertiser_id: string }[],
    changes: readonly IngestedChange[],
    items: ReadonlyMap<string, NormalisedRecommendation>,
  ): void {
    for (const row of rows) this.changes.seen(row.advertiser_id, row.id);
    const itemById = new Map([...items.values()].map((item) => [recommendationIdOf(item.source, item.sourceRecommendationId), item]));
    for (const change of changes) {
      const item = itemById.get(change.id);
      if (item) this.changes.changed(item.advertiserId, change.id, item.entity);
      if (change.before)
        this.changes.changed(change.before.advertiserId, change.id, change.before.entity as NormalisedRecommendation['entity']);
    }
  }

  /** The SQL condition for one freshness band, per source policy (parameters, never text from the request). */
  private freshnessWhere(eb: ExpressionBuilder<Database, 'recommendations'>, freshness: Freshness, now: Date) {
    return eb.or(
      RECOMMENDATION_SOURCES.map((source) => {
        const policy = this.policies[source];
        const freshSince = new Date(now.getTime() - policy.freshForMs);
        const staleSince = new Date(now.getTime() - policy.staleAfterMs);
        const band =
          freshness === 'fresh'
            ? eb('refreshed_at', '>', freshSince)
            : freshness === 'aging'
              ? eb.and([eb('refreshed_at', '<=', freshSince), eb('refreshed_at', '>', staleSince)])
              : eb('refreshed_at', '<=', staleSince);
        return eb.and([eb('source', '=', source), band]);
      }),
    );
  }

  /**
   * The two statements a page needs: the page itself (one row more than asked, to know whether there is a next page)
   * and the total. Public so that the benchmark can time the same SQL bare, as the floor of the endpoint.
   */
  listQueries(query: ListRecommendationsQuery) {
    const now = this.now();
    const sort = SORTS[query.sort];
    let base = this.db.selectFrom('recommendations');
    if (query.source) base = base.where('source', '=', query.source);
    if (query.adProduct) base = base.where('source', 'in', sourcesOfAdProduct(query.adProduct));
    if (query.advertiserId) base = base.where('advertiser_id', '=', query.advertiserId);
    if (query.status) base = base.where('status', '=', query.status);
    if (query.kind) base = base.where('kind', '=', query.kind);
    if (query.goal) base = base.where('goal', '=', query.goal);
    const freshness = query.freshness;
    if (freshness) base = base.where((eb) => this.freshnessWhere(eb, freshness, now));
    // The count's filter: the page's, but "in an open conflict" as pkey probes of the open members' ids, which stop at
    // the limit, rather than the semi-join the planner hashes against every item's id (30 to 60 ms at 100k, loaded).
    let counted = base;
    if (query.conflicted !== undefined) {
      const conflicted = query.conflicted;
      base = base.where((eb) => {
        const member = eb
          .selectFrom('conflict_members')
          .select('conflict_members.conflict_id')
          .whereRef('conflict_members.recommendation_id', '=', 'recommendations.id')
          .where('conflict_members.open', '=', true);
        return conflicted ? eb.exists(member) : eb.not(eb.exists(member));
      });
      counted = conflicted ? counted.where(sql<boolean>`id = ANY(ARRAY(SELECT recommendation_id FROM conflict_members WHERE open))`) : base;
    }
    if (query.expiringWithin !== undefined) {
      // "Expiring soon" holds what still waits for a decision: a rejected or applied item's expiry no longer matters.
      // The window is a range of the expiry sort's own expression (an item that never expires sorts as 'infinity',
      // outside every window), so the open items' expiry index (migration 0026) answers it in order.
      const expiry = sql.raw(SORTS.expiresAt.expression);
      const until = new Date(now.getTime() + query.expiringWithin * 3_600_000);
      [base, counted] = [base, counted].map((q) =>
        q
          .where(sql<boolean>`${expiry} > ${now}::timestamptz`)
          .where(sql<boolean>`${expiry} <= ${until}::timestamptz`)
          .where('status', 'in', OPEN_STATUSES),
      ) as [typeof base, typeof base];
    }
    if (query.q) {
      const pattern = `%${escapeLike(query.q.toLowerCase())}%`;
      [base, counted] = [base.where('search_text', 'like', pattern), counted.where('search_text', 'like', pattern)];
    }

    const direction = sort.descending ? sql`desc` : sql`asc`;
    // A page never carries the upstream payloads: the detail view reads them (get), one item at a time.
    let page = base
      .select(LEAN_COLUMNS)
      .orderBy(sql`${sql.raw(sort.expression)} ${direction}`)
      .orderBy(sql`id ${direction}`)
      .limit(query.limit + 1);
    if (query.cursor) {
      const cursor = decodeRecommendationCursor(query.cursor, query.sort);
      const value = sql`${cursor.v}::${sql.raw(sort.type)}`;
      page = page.where(
        sort.descending
          ? sql<boolean>`(${sql.raw(sort.expression)}, id) < (${value}, ${cursor.id}::uuid)`
          : sql<boolean>`(${sql.raw(sort.expression)}, id) > (${value}, ${cursor.id}::uuid)`,
      );
    }
    // The total is counted exactly up to EXACT_TOTAL_LIMIT (a bounded walk of the lane's index, and of the matching
    // rows when the filter reads columns the index lacks); beyond it the planner's estimate of `matching` is
    // answered, marked as one (listPage).
    const count = this.db
      .selectFrom(
        counted
          .select(sql`1`.as('one'))
          .limit(EXACT_TOTAL_LIMIT + 1)
          .as('capped'),
      )
      .select((eb) => eb.fn.countAll<string>().as('total'));
    return { page, count, matching: base.select('id') };
  }

  /**
   * One page of the queue as rows (the routes decorate them with the person's actions in one more read, of the page's
   * conflicts): the page and its total read concurrently, each from an index.
   */
  async listPage(query: ListRecommendationsQuery): Promise<ListedPage> {
    const { page, count: countQuery, matching } = this.listQueries(query);
    // A next page repeats the total of the list's first page, carried by its cursor: only the first page counts.
    const carried = query.cursor ? decodeRecommendationCursor(query.cursor, query.sort) : undefined;
    const [rows, counted] = await Promise.all([
      page.execute(),
      carried?.t !== undefined ? { total: carried.t, totalIsEstimate: carried.e === true } : this.countOf(countQuery, matching),
    ]);
    const hasMore = rows.length > query.limit;
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return {
      rows: items,
      nextCursor: hasMore && last ? encodeCursor(last, query.sort, counted.total, counted.totalIsEstimate) : null,
      ...counted,
    };
  }

  /** Exact up to EXACT_TOTAL_LIMIT; beyond, the planner's estimate of the matching rows, marked as one. */
  private async countOf(
    countQuery: { executeTakeFirstOrThrow(): Promise<{ total: string }> },
    matching: { compile(): CompiledQuery },
  ): Promise<{ total: number; totalIsEstimate: boolean }> {
    const exact = Number((await countQuery.executeTakeFirstOrThrow()).total);
    if (exact <= EXACT_TOTAL_LIMIT) return { total: exact, totalIsEstimate: false };
    return { total: Math.max(EXACT_TOTAL_LIMIT + 1, await this.estimatedRows(matching)), totalIsEstimate: true };
  }

  /** The planner's estimate of a query's rows (EXPLAIN plans it without running it; the scope plugin applies). */
  private async estimatedRows(query: { compile(): CompiledQuery }): Promise<number> {
    const compiled = query.compile();
    const result = await this.db.executeQuery<Record<string, unknown>>(
      CompiledQuery.raw(`EXPLAIN (FORMAT JSON) ${compiled.sql}`, [...compiled.parameters]),
    );
    const cell = Object.values(result.rows[0] ?? {})[0];
    const plan = (typeof cell === 'string' ? JSON.parse(cell) : cell) as { Plan?: { 'Plan Rows'?: number } }[] | undefined;
    return Math.round(plan?.[0]?.Plan?.['Plan Rows'] ?? 0);
  }

  /** Open conflicts per item, read from the conflicts' membership table (written by src/conflicts). */
  async openConflictIdsOf(ids: readonly string[], db: Executor = this.db): Promise<Map<string, string[]>> {
    const byItem = new Map<string, string[]>();
    if (ids.length === 0) return byItem;
    const rows = await db
      .selectFrom('conflict_members')
      .select(['recommendation_id', 'conflict_id'])
      .where('recommendation_id', 'in', ids)
      .where('open', '=', true)
      .orderBy('conflict_id')
      .execute();
    for (const row of rows) byItem.set(row.recommendation_id, [...(byItem.get(row.recommendation_id) ?? []), row.conflict_id]);
    return byItem;
  }

  async get(id: string, db: Executor = this.db): Promise<RecommendationDetail | null> {
    const row = await this.getRow(id, db);
    if (!row) return null;
    const conflicts = await this.openConflictIdsOf([id], db);
    return { ...this.toRecommendation(row, conflicts.get(id)), raw: row.raw };
  }

  async getRow(id: string, db: Executor = this.db): Promise<RecommendationRow | undefined> {
    return db.selectFrom('recommendations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async getMany(ids: readonly string[], db: Executor = this.db): Promise<Recommendation[]> {
    if (ids.length === 0) return [];
    const [rows, conflicts] = await Promise.all([
      db.selectFrom('recommendations').selectAll().where('id', 'in', ids).execute(),
      this.openConflictIdsOf(ids, db),
    ]);
    return rows.map((row) => this.toRecommendation(row, conflicts.get(row.id)));
  }

  freshnessOfRow(row: Pick<RecommendationRow, 'source' | 'refreshed_at'>): Freshness {
    const source = RecommendationSourceSchema.parse(row.source);
    return freshnessOf(this.now().getTime() - new Date(row.refreshed_at).getTime(), this.policies[source]);
  }

  toRecommendation(row: LeanRecommendationRow, conflictIds: readonly string[] = []): Recommendation {
    const source = RecommendationSourceSchema.parse(row.source);
    return {
      id: row.id,
      sourceRecommendationId: row.source_recommendation_id,
      source,
      sourceType: row.source_type,
      kind: row.kind as Recommendation['kind'],
      goal: row.goal as Recommendation['goal'],
      title: row.title,
      description: row.description,
      advertiserId: row.advertiser_id,
      advertiserName: row.advertiser_name,
      profileId: row.profile_id,
      marketplace: row.marketplace,
      entity: row.entity as Recommendation['entity'],
      action: row.action as Recommendation['action'],
      applicable: row.applicable,
      confidence: row.confidence,
      impactScore: row.impact_score,
      estimatedImpact: row.estimated_impact as Recommendation['estimatedImpact'],
      generatedAt: new Date(row.generated_at).toISOString(),
      refreshedAt: new Date(row.refreshed_at).toISOString(),
      expiresAt: row.expires_at ? new Date(row.expires_at).toISOString() : null,
      freshness: this.freshnessOfRow(row),
      status: row.status as Recommendation['status'],
      validationIssues: row.validation_issues as Recommendation['validationIssues'],
      version: row.version,
      priority: row.priority,
      conflictIds: [...conflictIds],
      awaitingSecondApprover:
        row.first_approver_id && row.first_approved_at && row.first_approval_version === row.version
          ? {
              approverId: row.first_approver_id,
              at: new Date(row.first_approved_at).toISOString(),
              editedValue: row.first_approved_value ?? null,
            }
          : null,
      liveValue:
        row.live_value_at && (typeof row.live_value === 'number' || typeof row.live_value === 'string')
          ? { value: row.live_value, at: new Date(row.live_value_at).toISOString() }
          : null,
      controlGroup: controlGroupOf(row, this.now()),
      createdAt: new Date(row.created_at).toISOString(),
      updatedAt: new Date(row.updated_at).toISOString(),
    };
  }
}

/**
 * The control group an item is in now: a rule held it back, no person took it out, and its measurement still needs
 * it untouched (up to and including the `until` day).
 */
export function controlGroupOf(
  row: Pick<LeanRecommendationRow, 'control_rule_id' | 'control_rule_name' | 'control_until' | 'control_left_at'>,
  now: Date,
): Recommendation['controlGroup'] {
  if (!row.control_rule_id || !row.control_until || row.control_left_at) return null;
  if (row.control_until < now.toISOString().slice(0, 10)) return null;
  return { ruleId: row.control_rule_id, ruleName: row.control_rule_name ?? row.control_rule_id, until: row.control_until };
}

/** An event row as the lifecycle writes it; the actor defaults to the ingestion. */
export interface EventDraft {
  recommendation_id: string;
  from_status: string | null;
  to_status: string;
  reason: string | null;
  note?: string | null;
  before?: string | null;
  after?: string | null;
  actor_type?: string;
  actor_id?: string;
  actor_version?: number | null;
}

export async function insertEvents(db: Executor, events: readonly EventDraft[], at: Date): Promise<void> {
  if (events.length === 0) return;
  await db
    .insertInto('recommendation_events')
    .values(
      events.map((event) => ({
        recommendation_id: event.recommendation_id,
        at,
        actor_type: event.actor_type ?? 'system',
        actor_id: event.actor_id ?? 'ingest',
        actor_version: event.actor_version ?? null,
        from_status: event.from_status,
        to_status: event.to_status,
        reason: event.reason,
        note: event.note ?? null,
        before: event.before ?? null,
        after: event.after ?? null,
      })),
    )
    .execute();
}
