/**
 * The conflicts' shell: runs the pure engine over an advertiser's live items and reconciles its findings with the
 * stored conflicts. A contradiction found again over unchanged members keeps its row (same fingerprint); one no
 * longer found resolves itself, saying why (a member was rejected, expired, applied or superseded, or changed
 * upstream); a new one opens. A conflict a person settled with "keep the others" is not raised again while its
 * members stay unchanged. Duplicates move to `superseded` through the lifecycle. Runs one at a time per process, so
 * detection after a sync and after an approval never interleave.
 *
 * It is also the lifecycle's ConflictGate: which open conflicts an item is in (duplicates do not block), and the
 * resolution a person chose when approving one side.
 */
import { randomUUID } from 'node:crypto';
import {
  type Conflict,
  type ConflictKind,
  type ConflictList,
  type ConflictWithMembers,
  type DetectConflictsResult,
  type LifecycleStatus,
  type ListConflictsQuery,
  OPEN_STATUSES,
} from '@recdesk/shared-types';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import type { ConflictsTable, Database } from '../db/schema.ts';
import { TableStatistics } from '../db/table-statistics.ts';
import { LIVE_STATUSES } from '../lifecycle/admission.ts';
import type { TouchedAdvertiser } from '../lifecycle/change-tracker.ts';
import { isUnscopedKey } from '../lifecycle/entity-keys.ts';
import type { OpenConflictRef } from '../lifecycle/lifecycle-machine.ts';
import type { ConflictGate, LifecycleService } from '../lifecycle/lifecycle-service.ts';
import { type RecommendationsQuery, readNeighbourhood } from '../lifecycle/neighbourhood.ts';
import type { RecommendationStore } from '../lifecycle/recommendation-store.ts';
import {
  ACROSS_CAMPAIGN_KINDS,
  type DetectedConflict,
  detectConflicts,
  type EngineItem,
  type EngineResult,
  pausesBeyondCampaign,
  reachesAcrossCampaigns,
} from './conflict-engine.ts';

type Executor = Kysely<Database>;
type ConflictRow = Selectable<ConflictsTable>;

/** Items the engine looks at: waiting, on their way upstream, and superseded duplicates (to keep their group). */
const ENGINE_STATUSES = [...OPEN_STATUSES, 'applying', 'superseded'] as const satisfies readonly LifecycleStatus[];
const LIVE = new Set<string>(LIVE_STATUSES);

export interface ConflictServiceDeps {
  db: Db;
  store: RecommendationStore;
  lifecycle: LifecycleService;
  now: () => Date;
  log: Logger;
}

export class ConflictService implements ConflictGate {
  private queue: Promise<unknown> = Promise.resolve();

  /** The conflict tables grow by thousands in a pass over a new store: their statistics are kept up as they do. */
  private readonly statistics: TableStatistics;

  constructor(private readonly deps: ConflictServiceDeps) {
    this.statistics = new TableStatistics(deps.db);
  }

  /** Runs detection for these advertisers (all advertisers with live items when none are named). */
  detect(advertiserIds?: readonly string[]): Promise<DetectConflictsResult> {
    const run = this.queue.then(() => this.detectNow(advertiserIds));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async redetect(advertiserIds: readonly string[]): Promise<void> {
    await this.detect(advertiserIds);
  }

  /**
   * Runs detection over the neighbourhoods of these changes only (the store's drained changes, or a decision's),
   * opening and resolving conflicts there and leaving the rest of each advertiser's conflicts as they are. A change
   * that cannot be bounded to campaigns, or an advertiser with a pause that reaches beyond one campaign, gets the
   * whole-advertiser pass.
   */
  redetectChanged(changes: readonly TouchedAdvertiser[]): Promise<void> {
    const run = this.queue.then(async () => {
      for (const change of changes) {
        if (change.unbounded) await this.detectAdvertiser(change.advertiserId);
        else if (change.itemIds.length > 0) await this.detectNeighbourhood(change);
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async detectNow(advertiserIds?: readonly string[]): Promise<DetectConflictsResult> {
    const { db } = this.deps;
    const ids =
      advertiserIds ??
      (await db.selectFrom('recommendations').select('advertiser_id').distinct().where('status', 'in', ENGINE_STATUSES).execute()).map(
        (row) => row.advertiser_id,
      );
    const totals = { advertisers: ids.length, open: 0, opened: 0, resolved: 0, superseded: 0 };
    for (const advertiserId of ids) {
      const result = await this.detectAdvertiser(advertiserId);
      totals.opened += result.opened;
      totals.resolved += result.resolved;
      totals.superseded += result.superseded;
    }
    let count = db
      .selectFrom('conflicts')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('status', '=', 'open');
    if (advertiserIds) count = count.where('advertiser_id', 'in', ids.length > 0 ? ids : ['']);
    totals.open = Number((await count.executeTakeFirstOrThrow()).n);
    return totals;
  }

  async loadEngineItems(advertiserId: string): Promise<EngineItem[]> {
    return engineItemsOf(
      this.deps.db.selectFrom('recommendations').where('advertiser_id', '=', advertiserId).where('status', 'in', ENGINE_STATUSES),
    );
  }

  /**
   * Incremental detection (issue 18, item 2). The campaigns of the changes (and of the other members of the open
   * conflicts the changed items are in) are read whole, with the advertiser's unscoped items: every entity and
   * campaign grouping of the engine that holds one of their items is then complete. Cross-product conflicts (5.)
   * compare campaign budgets and audiences across the advertiser: when the neighbourhood holds a part of one, those
   * few items are read too (a partial index each), and all the advertiser's cross-product conflicts are reconciled.
   * A conflict is in scope when it is cross-product (and those were read), its key is advertiser-wide, or a member is
   * in one of the campaigns: exactly those are compared with the stored open ones; the others stay as they are.
   * Assumes what the Ads API guarantees: an ad group, keyword or target id belongs to one campaign.
   */
  private async detectNeighbourhood(change: TouchedAdvertiser): Promise<void> {
    const { db } = this.deps;
    const { advertiserId } = change;
    const changed = new Set(change.itemIds);
    const campaigns = new Set(change.campaignIds);
    for (let start = 0; start < change.itemIds.length; start += 1000)
      for (const campaignId of await campaignsOfFellowMembers(db, change.itemIds.slice(start, start + 1000))) campaigns.add(campaignId);
    const inCampaigns = (id: string | null | undefined) => Boolean(id && campaigns.has(id));
    const campaignIds = [...campaigns];
    let items = await readNeighbourhood(db, advertiserId, campaignIds, ENGINE_STATUSES, engineItemsOf);
    if (items.some(pausesBeyondCampaign)) {
      await this.detectAdvertiser(advertiserId);
      return;
    }
    const storedAcross = await this.openConflictsInCampaigns(db, advertiserId, campaignIds);
    const acrossCampaigns =
      [...storedAcross.values()].some((kind) => ACROSS_CAMPAIGN_KINDS.has(kind as ConflictKind)) ||
      items.some((item) => reachesAcrossCampaigns(item) && (inCampaigns(item.entity.campaignId) || changed.has(item.id)));
    if (acrossCampaigns) {
      const known = new Set(items.map((item) => item.id));
      const reach = await readNeighbourhood(db, advertiserId, [], ENGINE_STATUSES, engineItemsOf, { budgetReach: true });
      items = [...items, ...reach.filter((item) => !known.has(item.id))];
    }
    const campaignOf = new Map(items.map((item) => [item.id, item.entity.campaignId]));
    const inScope = (kind: ConflictKind, entityKey: string, memberInCampaigns: boolean) =>
      ACROSS_CAMPAIGN_KINDS.has(kind) ? acrossCampaigns : isUnscopedKey(entityKey) || memberInCampaigns;
    const found = detectConflicts(items);
    const conflicts = found.conflicts.filter((c) =>
      inScope(
        c.kind,
        c.entityKey,
        c.memberIds.some((id) => inCampaigns(campaignOf.get(id))),
      ),
    );
    // A duplicate is superseded only by a group seen whole: one whose conflict is in scope.
    const grouped = new Set(conflicts.filter((c) => c.kind === 'duplicate').flatMap((c) => c.memberIds));
    const supersede = found.supersede.filter((entry) => grouped.has(entry.id));
    await this.reconcile({ conflicts, supersede }, async (trx) => {
      const inCampaignsNow = await this.openConflictsInCampaigns(trx, advertiserId, campaignIds);
      const query = trx
        .selectFrom('conflicts')
        .selectAll()
        .where('advertiser_id', '=', advertiserId)
        .where('status', '=', 'open')
        .where((eb) => {
          const arms = [
            eb.and(
              ['keyword:%', 'target:%', 'placement:%', 'ad-group:%', 'campaign:%'].map((prefix) => eb('entity_key', 'not like', prefix)),
            ),
          ];
          if (inCampaignsNow.size > 0) arms.push(eb('id', 'in', [...inCampaignsNow.keys()]));
          if (acrossCampaigns) arms.push(eb('kind', 'in', [...ACROSS_CAMPAIGN_KINDS]));
          return eb.or(arms);
        });
      const rows = await query.execute();
      return rows.filter((row) => inScope(row.kind as ConflictKind, row.entity_key, inCampaignsNow.has(row.id)));
    });
  }

  /** The advertiser's open conflicts with a member in one of these campaigns, with their kinds. */
  private async openConflictsInCampaigns(db: Executor, advertiserId: string, campaignIds: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (let start = 0; start < campaignIds.length; start += 1000) {
      // Campaign → its items → their open memberships → the conflicts, one index probe at each step.
      const rows = await sql<{ id: string; kind: string }>`
        SELECT DISTINCT c.id, c.kind
        FROM unnest(${campaignIds.slice(start, start + 1000)}::text[]) AS k(id)
        -- The advertiser is checked outside the fence: inside, the planner could walk the (advertiser, status) index.
        CROSS JOIN LATERAL (SELECT id, advertiser_id FROM recommendations WHERE campaign_id = k.id OFFSET 0) r
        CROSS JOIN LATERAL (SELECT conflict_id FROM conflict_members WHERE recommendation_id = r.id AND open OFFSET 0) m
        CROSS JOIN LATERAL (SELECT id, kind FROM conflicts WHERE id = m.conflict_id AND status = 'open' OFFSET 0) c
        WHERE r.advertiser_id = ${advertiserId}`.execute(db);
      for (const row of rows.rows) found.set(row.id, row.kind);
    }
    return found;
  }

  private async detectAdvertiser(advertiserId: string): Promise<{ opened: number; resolved: number; superseded: number }> {
    const found = detectConflicts(await this.loadEngineItems(advertiserId));
    return this.reconcile(found, (trx) =>
      trx.selectFrom('conflicts').selectAll().where('advertiser_id', '=', advertiserId).where('status', '=', 'open').execute(),
    );
  }

  /**
   * Brings the stored conflicts in line with what the engine found: `openInScope` reads the open conflicts the
   * findings cover (an advertiser's all, or those of a neighbourhood). Same fingerprint: kept; no longer found:
   * resolved, saying why; new: opened (unless a person kept both sides of it).
   */
  private async reconcile(
    found: EngineResult,
    openInScope: (trx: Executor) => Promise<ConflictRow[]>,
  ): Promise<{ opened: number; resolved: number; superseded: number }> {
    const { db, now, lifecycle } = this.deps;
    const superseded = found.supersede.length > 0 ? await lifecycle.supersede(found.supersede) : 0;
    const at = now();
    const result = await db.transaction().execute(async (trx) => {
      const open = await openInScope(trx);
      const openByFingerprint = new Map(open.map((row) => [row.fingerprint, row]));
      const wanted = new Map(found.conflicts.map((c) => [c.fingerprint, c]));
      // Conflicts a person settled by keeping both sides stay settled while their members are unchanged.
      const newFingerprints = [...wanted.keys()].filter((fp) => !openByFingerprint.has(fp));
      const kept = new Set(
        newFingerprints.length === 0
          ? []
          : (
              await trx
                .selectFrom('conflicts')
                .select('fingerprint')
                .where('fingerprint', 'in', newFingerprints)
                .where('choice', '=', 'keep_others')
                .execute()
            ).map((row) => row.fingerprint),
      );
      const fresh: DetectedConflict[] = [];
      for (const conflict of wanted.values()) {
        const existing = openByFingerprint.get(conflict.fingerprint);
        if (existing) {
          if (existing.explanation !== conflict.explanation || existing.primary_id !== conflict.primaryId) {
            await trx
              .updateTable('conflicts')
              .set({
                explanation: conflict.explanation,
                suggested_resolution: conflict.suggestedResolution,
                primary_id: conflict.primaryId,
              })
              .where('id', '=', existing.id)
              .execute();
          }
        } else if (!kept.has(conflict.fingerprint)) fresh.push(conflict);
      }
      // In sets, not a statement per conflict: a first sync opens thousands.
      const { opened, members } = await this.insertAll(trx, fresh, at);
      const gone = open.filter((row) => !wanted.has(row.fingerprint));
      await this.resolveGone(trx, gone, at);
      return { opened, members, resolved: gone.length, superseded };
    });
    await this.statistics.rowsAdded('conflicts', result.opened);
    await this.statistics.rowsAdded('conflict_members', result.members);
    return { opened: result.opened, resolved: result.resolved, superseded: result.superseded };
  }

  /** Opens these conflicts with their members; one already open meanwhile (same fingerprint) stays as it is. */
  private async insertAll(trx: Executor, conflicts: readonly DetectedConflict[], at: Date): Promise<{ opened: number; members: number }> {
    let opened = 0;
    let memberRows = 0;
    for (let start = 0; start < conflicts.length; start += INSERT_CHUNK) {
      const chunk = conflicts.slice(start, start + INSERT_CHUNK).map((conflict) => ({ conflict, id: randomUUID() }));
      const inserted = await trx
        .insertInto('conflicts')
        .values(
          chunk.map(({ conflict, id }) => ({
            id,
            advertiser_id: conflict.advertiserId,
            kind: conflict.kind,
            entity_key: conflict.entityKey,
            fingerprint: conflict.fingerprint,
            explanation: conflict.explanation,
            suggested_resolution: conflict.suggestedResolution,
            primary_id: conflict.primaryId,
            status: 'open',
            detected_at: at,
            resolved_at: null,
            resolution: null,
            choice: null,
          })),
        )
        .onConflict((oc) => oc.column('fingerprint').where('status', '=', 'open').doNothing())
        .returning('id')
        .execute();
      const ids = new Set(inserted.map((row) => row.id));
      const members = chunk
        .filter(({ id }) => ids.has(id))
        .flatMap(({ conflict, id }) =>
          conflict.memberIds.map((recommendationId) => ({ conflict_id: id, recommendation_id: recommendationId, open: true })),
        );
      for (let from = 0; from < members.length; from += MEMBER_CHUNK)
        await trx
          .insertInto('conflict_members')
          .values(members.slice(from, from + MEMBER_CHUNK))
          .execute();
      opened += ids.size;
      memberRows += members.length;
    }
    return { opened, members: memberRows };
  }

  /** Resolves conflicts no longer found, each saying why (from what became of its members). */
  private async resolveGone(trx: Executor, gone: readonly ConflictRow[], at: Date): Promise<void> {
    for (let start = 0; start < gone.length; start += INSERT_CHUNK) {
      const chunk = gone.slice(start, start + INSERT_CHUNK);
      const members = await trx
        .selectFrom('conflict_members')
        .innerJoin('recommendations', 'recommendations.id', 'conflict_members.recommendation_id')
        .select(['conflict_members.conflict_id', 'recommendations.title', 'recommendations.status'])
        .where(
          'conflict_members.conflict_id',
          'in',
          chunk.map((row) => row.id),
        )
        .execute();
      const membersOf = new Map<string, { title: string; status: string }[]>();
      for (const member of members) membersOf.set(member.conflict_id, [...(membersOf.get(member.conflict_id) ?? []), member]);
      await resolveAll(
        trx,
        chunk.map((row) => ({ id: row.id, resolution: resolutionOf(row, membersOf.get(row.id) ?? []) })),
        at,
        null,
      );
    }
  }

  async resolveByChoice(
    db: Executor,
    conflictIds: readonly string[],
    choice: 'reject_others' | 'keep_others',
    resolution: string,
    now: Date,
  ): Promise<void> {
    await resolveAll(
      db,
      conflictIds.map((id) => ({ id, resolution })),
      now,
      choice,
    );
  }

  async openConflictsOf(db: Executor, ids: readonly string[]): Promise<Map<string, (OpenConflictRef & { memberIds: string[] })[]>> {
    const byItem = new Map<string, (OpenConflictRef & { memberIds: string[] })[]>();
    if (ids.length === 0) return byItem;
    const rows = await db
      .selectFrom('conflict_members as m')
      .innerJoin('conflicts as c', 'c.id', 'm.conflict_id')
      .select([
        'm.recommendation_id',
        'c.id',
        'c.kind',
        'c.explanation',
        sql<
          string[]
        >`(select array_agg(o.recommendation_id::text order by o.recommendation_id) from conflict_members o where o.conflict_id = c.id)`.as(
          'member_ids',
        ),
      ])
      .where('m.recommendation_id', 'in', ids)
      .where('m.open', '=', true)
      .where('c.status', '=', 'open')
      .execute();
    for (const row of rows) {
      const ref = {
        id: row.id,
        kind: row.kind,
        explanation: row.explanation,
        blocking: row.kind !== 'duplicate',
        memberIds: row.member_ids,
      };
      byItem.set(row.recommendation_id, [...(byItem.get(row.recommendation_id) ?? []), ref]);
    }
    return byItem;
  }

  async list(query: ListConflictsQuery): Promise<ConflictList> {
    const { db } = this.deps;
    let base = db.selectFrom('conflicts');
    if (query.advertiserId) base = base.where('advertiser_id', '=', query.advertiserId);
    if (query.status) base = base.where('status', '=', query.status);
    if (query.recommendationId) {
      const recommendationId = query.recommendationId;
      base = base.where((eb) =>
        eb.exists(
          eb
            .selectFrom('conflict_members')
            .select('conflict_members.conflict_id')
            .whereRef('conflict_members.conflict_id', '=', 'conflicts.id')
            .where('conflict_members.recommendation_id', '=', recommendationId),
        ),
      );
    }
    const [rows, count] = await Promise.all([
      base.selectAll().orderBy('detected_at', 'desc').orderBy('id').limit(query.limit).execute(),
      base.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow(),
    ]);
    const items = await this.withMembers(rows);
    return { items, total: Number(count.total) };
  }

  async get(id: string): Promise<ConflictWithMembers | null> {
    const row = await this.deps.db.selectFrom('conflicts').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? ((await this.withMembers([row]))[0] ?? null) : null;
  }

  private async withMembers(rows: readonly ConflictRow[]): Promise<ConflictWithMembers[]> {
    if (rows.length === 0) return [];
    const memberRows = await this.deps.db
      .selectFrom('conflict_members')
      .select(['conflict_id', 'recommendation_id'])
      .where(
        'conflict_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('recommendation_id')
      .execute();
    const members = new Map(
      (await this.deps.store.getMany([...new Set(memberRows.map((m) => m.recommendation_id))])).map((r) => [r.id, r]),
    );
    return rows.map((row) => {
      const ids = memberRows.filter((m) => m.conflict_id === row.id).map((m) => m.recommendation_id);
      const conflict: Conflict = {
        id: row.id,
        kind: row.kind as ConflictKind,
        status: row.status as Conflict['status'],
        advertiserId: row.advertiser_id,
        entityKey: row.entity_key,
        explanation: row.explanation,
        suggestedResolution: row.suggested_resolution,
        memberIds: ids,
        primaryId: row.primary_id,
        detectedAt: new Date(row.detected_at).toISOString(),
        resolvedAt: row.resolved_at ? new Date(row.resolved_at).toISOString() : null,
        resolution: row.resolution,
      };
      return { ...conflict, members: ids.flatMap((id) => members.get(id) ?? []) };
    });
  }
}

/** The engine's view of the rows a query finds (the query chooses which; this chooses the columns). */
async function engineItemsOf(query: RecommendationsQuery): Promise<EngineItem[]> {
  const rows = await query
    .select([
      'id',
      'advertiser_id',
      'profile_id',
      'status',
      'source',
      'source_type',
      'title',
      'entity',
      'action',
      'priority',
      'refreshed_at',
      'content_hash',
    ])
    // Marketing Stream's budget-usage insights carry how much of the budget is spent today (conflict-engine.ts, 3).
    .select(
      sql<number | null>`case when source_type = 'BUDGET_USAGE' then (raw->'message'->>'budget_usage_percentage')::float end`.as(
        'budget_usage_percent',
      ),
    )
    .execute();
  return rows.map((row) => ({
    id: row.id,
    advertiserId: row.advertiser_id,
    profileId: row.profile_id,
    status: row.status as LifecycleStatus,
    source: row.source as EngineItem['source'],
    title: row.title,
    entity: row.entity as EngineItem['entity'],
    action: row.action as EngineItem['action'],
    priority: row.priority,
    refreshedAt: new Date(row.refreshed_at).toISOString(),
    contentHash: row.content_hash,
    budgetUsagePercent: row.budget_usage_percent === null ? null : Number(row.budget_usage_percent),
    sourceType: row.source_type,
  }));
}

/**
 * The campaigns of the items that share an open conflict with these items. Like every lookup of the incremental pass,
 * written as one index probe per key (each subquery fenced with OFFSET 0 so the planner cannot turn it into a join):
 * while a sync fills the tables their statistics describe them nearly empty, and the planner's joins then hashed every
 * stored item, or scanned every open membership of every advertiser, for a handful of rows (a cost growing with the
 * store, not the change).
 */
async function campaignsOfFellowMembers(db: Executor, itemIds: readonly string[]): Promise<string[]> {
  const rows = await sql<{ campaign_id: string }>`
    SELECT DISTINCT r.campaign_id
    FROM unnest(${itemIds}::uuid[]) AS i(id)
    CROSS JOIN LATERAL (SELECT conflict_id FROM conflict_members WHERE recommendation_id = i.id AND open OFFSET 0) mine
    CROSS JOIN LATERAL (SELECT recommendation_id FROM conflict_members WHERE conflict_id = mine.conflict_id OFFSET 0) other
    CROSS JOIN LATERAL (SELECT campaign_id FROM recommendations WHERE id = other.recommendation_id OFFSET 0) r
    WHERE r.campaign_id IS NOT NULL`.execute(db);
  return rows.rows.map((row) => row.campaign_id);
}

/** Conflicts (and their member rows) per statement when opening or resolving in sets. */
const INSERT_CHUNK = 500;
const MEMBER_CHUNK = 2000;

/** Why a conflict is no longer found, from what became of its members. */
function resolutionOf(row: Pick<ConflictRow, 'kind'>, members: readonly { title: string; status: string }[]): string {
  const left = members.filter((m) => !LIVE.has(m.status) && !(row.kind === 'duplicate' && m.status === 'superseded'));
  if (left.length > 0) return `Resolved itself: ${left.map((m) => `"${m.title}" was ${m.status.replace('_', ' ')}`).join('; ')}.`;
  return 'Resolved itself: a member changed, so the contradiction no longer holds.';
}

/**
 * Resolves these conflicts (each with its own reason) that are still open, and closes their memberships, in one
 * statement each: a conflict resolved meanwhile by another transaction keeps its resolution.
 */
async function resolveAll(
  db: Executor,
  resolutions: readonly { id: string; resolution: string }[],
  at: Date,
  choice: string | null,
): Promise<void> {
  if (resolutions.length === 0) return;
  const values = resolutions.map(({ id, resolution }) => sql`(${id}::uuid, ${resolution})`);
  await sql`UPDATE conflicts c SET status = 'resolved', resolved_at = ${at}, resolution = v.resolution, choice = ${choice}
    FROM (VALUES ${sql.join(values)}) AS v(id, resolution) WHERE c.id = v.id AND c.status = 'open'`.execute(db);
  await db
    .updateTable('conflict_members')
    .set({ open: false })
    .where(
      'conflict_id',
      'in',
      resolutions.map(({ id }) => id),
    )
    .execute();
}
