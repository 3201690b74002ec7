/**
 * The apply component's public module: queue approved items as a batch (only approved ones: nothing a person did
 * not approve or a rule did not allow is ever applied), report a batch, retry its failed items, undo applied
 * changes, and run the worker (inside the server in the embedded default, or as `worker:apply`).
 *
 * Queuing moves each item approved → applying through the lifecycle in the same transaction that writes the batch,
 * and a unique index allows one unfinished apply per recommendation: two clicks, two tabs or a rule and a person at
 * once queue an item once.
 */

import { randomUUID } from 'node:crypto';
import type {
  Actor,
  ApplyAccepted,
  ApplyBatch,
  ApplyItemState,
  ApplyRefusal,
  RetryFailedResult,
  UndoAccepted,
  UndoBody,
  UndoChangedSince,
} from '@recdesk/shared-types';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { AdsClient } from '../ads-client/ads-client.ts';
import { type AdsProfile, listProfiles } from '../ads-client/profiles.ts';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { ConflictError, NotFoundError } from '../errors/domain-errors.ts';
import { type Person, SYSTEM_PERSON } from '../lifecycle/allowed-actions.ts';
import type { LifecycleService } from '../lifecycle/lifecycle-service.ts';
import type { RecommendationStore } from '../lifecycle/recommendation-store.ts';
import {
  type ApplyPlan,
  type ApplyValue,
  CALL_LIMITS,
  chunksOf,
  isEntityWrite,
  planOf,
  READABLE_CALLS,
  sameValue,
  spWriteItem,
} from './apply-plan.ts';
import type { ApplyQueue } from './apply-queue.ts';
import type { ApplyTables } from './apply-tables.ts';
import { ApplyWorker, type ApplyWorkerHooks, type StoredPlan, whenSending } from './apply-worker.ts';
import { ProfileDirectory } from './profile-directory.ts';
import { endpointOf, UpstreamWriters } from './upstream-writers.ts';

/** An item planned for a batch: its recommendation, advertiser and stored plan (and for an undo, what it undoes). */
type PlannedItem = { id: string; advertiserId: string; plan: StoredPlan; undoOf?: string };

/**
 * A batch of more than LEAD_FROM items (more than one call of the largest kind can take) is planned and written in two
 * steps: its first LEAD_ITEMS ids as the lead, queued at once (issue 18, item 3: the first upstream call within
 * 100 ms of the request, not after the planning and lifecycle moves of a whole batch), then the rest. The lead is one
 * chunk more, and so its calls (a live read, a write, a read back), which is why a batch that one call takes whole
 * is written as before: for it, the calls saved outweigh the wait.
 */
export const LEAD_ITEMS = 25;
export const LEAD_FROM = Math.max(...Object.values(CALL_LIMITS));

export interface ApplyServiceDeps {
  db: Db;
  client: AdsClient;
  store: RecommendationStore;
  lifecycle: LifecycleService;
  queue: ApplyQueue;
  log: Logger;
  now: () => Date;
  /** How long a worker holds a chunk without renewing (APPLY_LEASE_MS). */
  leaseMs?: number;
}

export class UndoChangedSinceError extends ConflictError {
  constructor(changed: UndoChangedSince[]) {
    super(
      `${changed.length} item(s) no longer hold the value RecDesk applied; nothing was undone. Compare the original, applied and current values and decide.`,
      { changed },
      'The value was changed since it was applied',
    );
  }
}

/** Profiles by advertiser account (entity id) and country, listed once per use. */
class ProfileResolver {
  private listing: Promise<AdsProfile[]> | null = null;

  constructor(private readonly client: AdsClient) {}

  async profileIdOf(accountId: string, country: string | null): Promise<string | null> {
    this.listing ??= listProfiles(this.client).then((l) => l.profiles);
    const profiles = (await this.listing).filter((p) => p.accountId === accountId);
    const exact = country ? profiles.filter((p) => p.countryCode === country) : profiles;
    // Only one profile may match: a guess could write to another marketplace's campaign.
    return exact.length === 1 ? (exact[0] as AdsProfile).profileId : null;
  }
}

export class ApplyService {
  private readonly db;
  private readonly sweepers: NodeJS.Timeout[] = [];
  private workers: ApplyWorker[] = [];
  private readonly profiles: ProfileDirectory;

  constructor(private readonly deps: ApplyServiceDeps) {
    this.db = deps.db.withTables<ApplyTables>();
    this.profiles = new ProfileDirectory(deps.client);
  }

  /** A worker over this service's database and client (tests make several, with hooks). */
  createWorker(
    options: {
      workerId?: string;
      leaseMs?: number;
      hooks?: ApplyWorkerHooks;
      poPoll?: { firstMs: number; maxMs: number; giveUpMs: number };
    } = {},
  ): ApplyWorker {
    return new ApplyWorker({
      db: this.deps.db,
      client: this.deps.client,
      lifecycle: this.deps.lifecycle,
      log: this.deps.log,
      now: this.deps.now,
      leaseMs: this.deps.leaseMs,
      profiles: this.profiles,
      ...options,
    });
  }

  /** Starts a worker: takes queued chunks and sweeps for chunks whose lease expired every `sweepMs`. */
  async startWorker(options: { concurrency?: number; sweepMs?: number; worker?: ApplyWorker } = {}): Promise<ApplyWorker> {
    const worker = options.worker ?? this.createWorker();
    this.workers.push(worker);
    await this.deps.queue.work(
      async (chunkId) => {
        await worker.runChunk(chunkId);
      },
      // One message at a time by default: a worker runs one chunk at a time (ApplyWorker.runChunk), and a message it
      // took but cannot run yet is a chunk another worker could have run.
      { concurrency: options.concurrency ?? 1 },
    );
    const sweep = () =>
      worker
        .sweep()
        .catch((error: unknown) =>
          this.deps.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'apply sweep failed'),
        );
    void sweep();
    const sweeper = setInterval(sweep, options.sweepMs ?? 5_000);
    sweeper.unref();
    this.sweepers.push(sweeper);
    return worker;
  }

  async stop(): Promise<void> {
    for (const sweeper of this.sweepers.splice(0)) clearInterval(sweeper);
    await this.deps.queue.stop();
  }

  /**
   * Queues the approved items among `ids` as one batch; the others are refused with a reason. A batch of more than
   * LEAD_FROM items is planned and written in two steps (issue 18, item 3): its first LEAD_ITEMS ids are planned,
   * written and queued on their own, so the first upstream call does not wait for the planning and the lifecycle moves
   * of the whole batch; the rest is planned and written while that chunk is sent.
   */
  async apply(
    ids: readonly string[],
    actor: Actor,
    person: Person = actor.type === 'user' ? { role: 'approver', id: actor.id, advertiserIds: 'all' } : SYSTEM_PERSON,
  ): Promise<ApplyAccepted> {
    const unique = [...new Set(ids)];
    const refused: ApplyRefusal[] = [];
    const profiles = new ProfileResolver(this.deps.client);
    const admit = (trx: ReturnType<Db['withTables']>, items: readonly PlannedItem[]) =>
      this.deps.lifecycle.transitionMany(
        trx,
        items.map((item) => ({
          id: item.id,
          from: 'approved',
          to: 'applying',
          reason: 'queued for apply',
          after: { value: item.plan.targetValue },
        })),
        actor,
      );
    const lead = unique.length > LEAD_FROM ? LEAD_ITEMS : unique.length;
    let planned = await this.planItems(unique.slice(0, lead), person, profiles, refused);
    let rest = unique.slice(lead);
    // Nothing of the lead can be applied: the batch is planned whole, as a small one is.
    if (planned.length === 0 && rest.length > 0) {
      planned = await this.planItems(rest, person, profiles, refused);
      rest = [];
    }
    if (planned.length === 0) {
      throw new ConflictError('None of the items can be applied now.', { refused }, 'Nothing to apply');
    }
    const { batchId, queued, lost } = await this.writeBatch(
      'apply',
      planned,
      actor,
      admit,
      rest.length > 0 ? () => this.planItems(rest, person, profiles, refused) : undefined,
    );
    for (const id of lost) refused.push({ id, code: 'already_queued', message: 'It changed or was queued by someone else meanwhile.' });
    return { batchId, queued, refused };
  }

  /** Reads and plans these items (the allowed-actions verdict first); the ones that cannot be applied go to `refused`. */
  private async planItems(
    ids: readonly string[],
    person: Person,
    profiles: ProfileResolver,
    refused: ApplyRefusal[],
  ): Promise<PlannedItem[]> {
    const planned: PlannedItem[] = [];
    for (let start = 0; start < ids.length; start += 1000) {
      const slice = ids.slice(start, start + 1000);
      const rows = await this.deps.db.selectFrom('recommendations').selectAll().where('id', 'in', slice).execute();
      const byId = new Map(rows.map((row) => [row.id, row]));
      const verdicts = await this.deps.lifecycle.verdicts('apply', rows, person);
      for (const id of slice) {
        const row = byId.get(id);
        if (!row) {
          refused.push({ id, code: 'not_found', message: 'No such recommendation.' });
          continue;
        }
        // The same decision the screens were shown (allowed-actions): role, scope, state, expiry, conflict, writer.
        const verdict = verdicts.get(id);
        if (verdict && !verdict.allowed) {
          refused.push({
            id,
            code:
              row.status === 'applying'
                ? 'already_queued'
                : verdict.reason === 'insight' || verdict.reason === 'no_writer'
                  ? 'not_applicable'
                  : verdict.reason === 'state'
                    ? 'not_approved'
                    : 'not_allowed',
            message: row.status === 'applying' ? 'It is already being applied.' : (verdict.message ?? 'It cannot be applied now.'),
          });
          continue;
        }
        const stored = this.deps.store.toRecommendation(row);
        // Marketing Stream names the advertiser (entity) and marketplace, not the profile the write goes to.
        const recommendation =
          stored.profileId === null && stored.source === 'marketing-stream'
            ? { ...stored, profileId: await profiles.profileIdOf(stored.advertiserId, stored.marketplace) }
            : stored;
        const planned1 = planOf(recommendation, row.raw, row.approved_value);
        if (!planned1.ok) {
          refused.push({ id, code: 'not_applicable', message: planned1.reason });
          continue;
        }
        const plan: StoredPlan = isEntityWrite(planned1.plan.call)
          ? { ...planned1.plan, spBody: spWriteItem(planned1.plan, recommendation) }
          : planned1.plan;
        planned.push({ id, advertiserId: row.advertiser_id, plan });
      }
    }
    return planned;
  }

  /**
   * Writes a batch and queues its chunks, without a head start (issue 18, item 3): the batch, its chunks and the
   * first chunk's items are one transaction, queued as soon as it commits, so the first upstream call is on its way
   * while the rest of the items are written in a second transaction. The first chunk is the smallest one, or, when
   * `more` plans the rest of the batch later (apply's lead), every chunk of `planned`. Until the second transaction the
   * other chunks (or, for the items `more` has yet to plan, one empty holder chunk) are held by the writer's lease: no
   * worker takes one while empty, and the batch cannot look finished. A writer that dies between the two lets its
   * lease run out; the empty chunks are then closed by the next sweep and the batch finishes (its unwritten items were
   * never moved to `applying`: they stay approved). `admit` returns the ids that may join (the lifecycle transition
   * won, one set statement per chunk's items); the others are left out.
   */
  private async writeBatch(
    kind: 'apply' | 'undo',
    planned: PlannedItem[],
    actor: Actor,
    admit: (trx: ReturnType<Db['withTables']>, items: PlannedItem[]) => Promise<Set<string>>,
    more?: () => Promise<PlannedItem[]>,
  ): Promise<{ batchId: string; queued: number; lost: string[] }> {
    const batchId = randomUUID();
    const now = this.deps.now();
    const writer = `batch-writer:${batchId}`;
    const chunks = chunksOf(planned)
      .map((chunk) => ({ ...chunk, id: randomUUID() }))
      .sort((a, b) => a.items.length - b.items.length);
    const [smallest, ...others] = chunks as [(typeof chunks)[number], ...typeof chunks];
    const first = more ? chunks : [smallest];
    // The chunks written later, leased to the writer meanwhile; the holder keeps the batch open for `more`'s items.
    const held = more ? [{ call: smallest.call, groupKey: smallest.groupKey, items: [] as PlannedItem[], id: randomUUID() }] : others;
    const admitted = new Set<string>();
    const all: PlannedItem[] = [...planned];
    await this.deps.db.transaction().execute(async (raw) => {
      const trx = raw.withTables<ApplyTables>();
      for (const id of await admit(
        raw as never,
        first.flatMap((chunk) => chunk.items),
      ))
        admitted.add(id);
      await trx
        .insertInto('apply_batches')
        .values({ id: batchId, kind, actor_type: actor.type, actor_id: actor.id, actor_version: actor.version, created_at: now })
        .execute();
      await trx
        .insertInto('apply_chunks')
        .values([
          ...first.map((chunk) => ({ id: chunk.id, batch_id: batchId, call: chunk.call, group_key: chunk.groupKey, created_at: now })),
          ...held.map((chunk) => ({
            id: chunk.id,
            batch_id: batchId,
            call: chunk.call,
            group_key: chunk.groupKey,
            created_at: now,
            lease_owner: writer,
            lease_until: new Date(now.getTime() + (this.deps.leaseMs ?? 60_000)),
          })),
        ])
        .execute();
      await this.insertItems(trx, batchId, first, admitted, now);
    });
    await this.deps.queue.enqueue(first.map((chunk) => chunk.id));
    if (held.length > 0) {
      // On the embedded database (one connection, on this thread) the worker's reads before its first call, and the
      // call, would wait for the next statements: the rest is planned and written once that call was made (or after
      // a second, should the worker be busy with another batch).
      if (this.deps.queue.runsHere) await whenSending(smallest.id, 1_000);
      const later = more ? chunksOf(await more()).map((chunk) => ({ ...chunk, id: randomUUID() })) : [];
      all.push(...later.flatMap((chunk) => chunk.items));
      await this.deps.db.transaction().execute(async (raw) => {
        const trx = raw.withTables<ApplyTables>();
        const released = await trx
          .updateTable('apply_chunks')
          .set({ lease_owner: null, lease_until: null })
          .where(
            'id',
            'in',
            held.map((chunk) => chunk.id),
          )
          .where('lease_owner', '=', writer)
          .where('done', '=', false)
          .returning('id')
          .execute();
        if (released.length !== held.length)
          throw new Error(`apply batch ${batchId}: its chunks were closed before their items were written`);
        if (later.length > 0)
          await trx
            .insertInto('apply_chunks')
            .values(
              later.map((chunk) => ({ id: chunk.id, batch_id: batchId, call: chunk.call, group_key: chunk.groupKey, created_at: now })),
            )
            .execute();
        const written = [...held, ...later];
        for (const id of await admit(
          raw as never,
          written.flatMap((chunk) => chunk.items),
        ))
          admitted.add(id);
        await this.insertItems(trx, batchId, written, admitted, now);
      });
      // The holder has no items: a worker closes it (and finishes the batch when it was the last open chunk).
      await this.deps.queue.enqueue([...held, ...later].map((chunk) => chunk.id));
    }
    const lost = all.filter((p) => !admitted.has(p.id)).map((p) => p.id);
    if (admitted.size === 0) {
      // Nothing joined: the empty batch is taken back (no worker touched it: its chunks have no items).
      await this.db.deleteFrom('apply_chunks').where('batch_id', '=', batchId).execute();
      await this.db.deleteFrom('apply_batches').where('id', '=', batchId).execute();
      throw new ConflictError('Every item changed or was queued by someone else meanwhile.', {}, 'Nothing to apply');
    }
    return { batchId, queued: admitted.size, lost };
  }

  /** The admitted items of these chunks, in one multi-row insert per 500. */
  private async insertItems(
    trx: Kysely<Database & ApplyTables>,
    batchId: string,
    chunks: readonly { id: string; items: { id: string; advertiserId: string; plan: StoredPlan; undoOf?: string }[] }[],
    admitted: ReadonlySet<string>,
    now: Date,
  ): Promise<void> {
    const rows = chunks.flatMap((chunk) =>
      chunk.items
        .filter((item) => admitted.has(item.id))
        .map((item) => ({
          id: randomUUID(),
          batch_id: batchId,
          chunk_id: chunk.id,
          recommendation_id: item.id,
          advertiser_id: item.advertiserId,
          state: 'queued',
          call: item.plan.call,
          plan: JSON.stringify(item.plan),
          expected_value: JSON.stringify(item.plan.expectedValue),
          target_value: JSON.stringify(item.plan.targetValue),
          undo_of: item.undoOf ?? null,
          created_at: now,
          updated_at: now,
        })),
    );
    for (let start = 0; start < rows.length; start += 500)
      await trx
        .insertInto('apply_items')
        .values(rows.slice(start, start + 500))
        .execute();
  }

  async batch(batchId: string): Promise<ApplyBatch> {
    const batch = await this.db.selectFrom('apply_batches').selectAll().where('id', '=', batchId).executeTakeFirst();
    if (!batch) throw new NotFoundError('Apply batch', batchId);
    const items = await this.db
      .selectFrom('apply_items')
      .selectAll()
      .where('batch_id', '=', batchId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    const counts: Record<ApplyItemState, number> = { queued: 0, applying: 0, applied: 0, failed: 0, drifted: 0 };
    for (const item of items) counts[item.state as ApplyItemState]++;
    const open = await this.db
      .selectFrom('apply_chunks')
      .select(['call'])
      .where('batch_id', '=', batchId)
      .where('done', '=', false)
      .execute();
    return {
      batchId,
      kind: batch.kind as 'apply' | 'undo',
      createdAt: new Date(batch.created_at).toISOString(),
      createdBy: batch.actor_id,
      // Both: a batch with an item still queued or applying is not finished, whatever its chunks say.
      finished: open.length === 0 && counts.queued + counts.applying === 0,
      counts,
      etaSeconds: open.length === 0 ? null : this.etaOf(open.map((c) => c.call as ApplyPlan['call'])),
      items: items.map((item) => ({
        recommendationId: item.recommendation_id,
        state: item.state as ApplyItemState,
        call: item.call,
        expectedValue: item.expected_value as ApplyValue,
        targetValue: item.target_value as ApplyValue,
        valueBefore: (item.value_before ?? null) as ApplyValue,
        valueAfter: (item.value_after ?? null) as ApplyValue,
        reasonCode: item.reason_code,
        reason: item.reason,
        attempts: item.attempts,
        updatedAt: new Date(item.updated_at).toISOString(),
      })),
    };
  }

  /** Open chunks × their upstream calls (read, write, read back) at the client's current rate for each call. */
  private etaOf(calls: ApplyPlan['call'][]): number {
    const region = this.deps.client.regions[0];
    if (!region) return 0;
    let seconds = 0;
    for (const call of calls) {
      const perChunk = READABLE_CALLS.has(call) ? 3 : call === 'po.apply' ? 3 : 1;
      seconds += perChunk / Math.max(0.01, this.deps.client.currentRate(region, endpointOf(call)));
    }
    return Math.round(seconds * 10) / 10;
  }

  /** Puts the batch's failed items back in the queue (failed → applying); nothing else of the batch is touched. */
  async retryFailed(batchId: string, actor: Actor): Promise<RetryFailedResult> {
    const exists = await this.db.selectFrom('apply_batches').select('id').where('id', '=', batchId).executeTakeFirst();
    if (!exists) throw new NotFoundError('Apply batch', batchId);
    const now = this.deps.now();
    const { chunkIds, requeued } = await this.deps.db.transaction().execute(async (raw) => {
      const trx = raw.withTables<ApplyTables>();
      const failed = await trx
        .selectFrom('apply_items')
        .select(['id', 'recommendation_id', 'chunk_id', 'undo_of'])
        .where('batch_id', '=', batchId)
        .where('state', '=', 'failed')
        .execute();
      const moved = await this.deps.lifecycle.transitionMany(
        raw,
        failed
          .filter((f) => !f.undo_of)
          .map((f) => ({ id: f.recommendation_id, from: 'failed', to: 'applying', reason: `retry of failed items of batch ${batchId}` })),
        actor,
      );
      const retry = failed.filter((f) => f.undo_of || moved.has(f.recommendation_id));
      if (retry.length === 0) return { chunkIds: [], requeued: 0 };
      await trx
        .updateTable('apply_items')
        .set({ state: 'queued', updated_at: now })
        .where(
          'id',
          'in',
          retry.map((f) => f.id),
        )
        .execute();
      const chunkIds = [...new Set(retry.map((f) => f.chunk_id))];
      await trx
        .updateTable('apply_chunks')
        .set({ done: false, lease_owner: null, lease_until: null })
        .where('id', 'in', chunkIds)
        .execute();
      await trx.updateTable('apply_batches').set({ finished_at: null }).where('id', '=', batchId).execute();
      return { chunkIds, requeued: retry.length };
    });
    await this.deps.queue.enqueue(chunkIds);
    return { batchId, requeued };
  }

  /**
   * Applies the values before back, for items whose change RecDesk applied. Checks the live values first: if any
   * changed since (someone else edited it), nothing is undone and the answer carries the three values; only when the
   * person, having seen them, asks to `overwrite` does the undo expect the current value instead (and still drifts,
   * writing nothing, if the value moves again before the write).
   */
  async undo(body: UndoBody, actor: Actor): Promise<UndoAccepted> {
    let query = this.db.selectFrom('apply_items').selectAll().where('state', '=', 'applied').where('undo_of', 'is', null);
    query = 'batchId' in body ? query.where('batch_id', '=', body.batchId) : query.where('recommendation_id', 'in', body.ids);
    const applied = await query.orderBy('updated_at', 'desc').execute();
    const latest = new Map<string, (typeof applied)[number]>();
    for (const item of applied) if (!latest.has(item.recommendation_id)) latest.set(item.recommendation_id, item);
    const cannotUndo: UndoAccepted['cannotUndo'] = [];
    if ('ids' in body)
      for (const id of body.ids)
        if (!latest.has(id)) cannotUndo.push({ id, code: 'not_applied', message: 'RecDesk has not applied a change to this item.' });
    const candidates: { item: (typeof applied)[number]; plan: StoredPlan }[] = [];
    for (const item of latest.values()) {
      const plan = item.plan as StoredPlan;
      const rec = await this.deps.store.getRow(item.recommendation_id);
      // A measured item is still the applied change, its measurement settled: it can be undone like an applied one.
      if (rec?.status !== 'applied' && rec?.status !== 'measured') {
        cannotUndo.push({ id: item.recommendation_id, code: 'not_applied', message: `It is '${rec?.status ?? 'gone'}' now, not applied.` });
        continue;
      }
      if (!READABLE_CALLS.has(plan.call) || item.value_before === null || item.value_before === undefined) {
        cannotUndo.push({
          id: item.recommendation_id,
          code: 'not_undoable',
          message:
            plan.call === 'po.apply'
              ? 'Partner Opportunity applications cannot be undone through the API.'
              : plan.call.endsWith('.create')
                ? 'Created entities are not deleted by undo; pause or archive them instead.'
                : 'This change cannot be read back, so it cannot be undone safely.',
        });
        continue;
      }
      candidates.push({ item, plan });
    }
    if (candidates.length === 0) return { batchId: null, queued: 0, cannotUndo };

    // Nobody may have changed the value since: compare every live value with the one applied.
    const writers = new UpstreamWriters(this.deps.client, this.deps.log);
    const worker = this.createWorker();
    const changed: UndoChangedSince[] = [];
    /** Apply item id → the live value an overwriting undo expects. */
    const overwritten = new Map<string, ApplyValue>();
    const byGroup = new Map<string, typeof candidates>();
    for (const c of candidates) byGroup.set(c.plan.groupKey, [...(byGroup.get(c.plan.groupKey) ?? []), c]);
    for (const group of byGroup.values()) {
      const first = group[0] as (typeof candidates)[number];
      const profile = await worker.profileOf(first.plan.profileId);
      const live = await writers.readLive(
        profile,
        first.plan.call,
        group.map((c) => c.plan.entityId ?? ''),
        first.plan.field,
      );
      for (const c of group) {
        const current = live.get(c.plan.entityId ?? '') ?? null;
        const appliedValue = (c.item.value_after ?? c.plan.targetValue) as ApplyValue;
        if (sameValue(current, appliedValue)) continue;
        // An entity that reads as nothing is never overwritten blindly: the person sees it and decides otherwise.
        if (body.overwrite === true && current !== null) overwritten.set(c.item.id, current);
        else changed.push({ id: c.item.recommendation_id, original: c.item.value_before as ApplyValue, applied: appliedValue, current });
      }
    }
    if (changed.length > 0) throw new UndoChangedSinceError(changed);

    const planned = candidates.map(({ item, plan }) => {
      const undoPlan: ApplyPlan = {
        ...plan,
        expectedValue: overwritten.has(item.id)
          ? (overwritten.get(item.id) as ApplyValue)
          : ((item.value_after ?? plan.targetValue) as ApplyValue),
        targetValue: item.value_before as ApplyValue,
        edited: false,
      };
      const stored: StoredPlan = {
        ...undoPlan,
        spBody: spWriteItem(undoPlan, { entity: { campaignId: null, adGroupId: null, targetText: null, matchType: null } as never }),
      };
      return { id: item.recommendation_id, advertiserId: item.advertiser_id, plan: stored, undoOf: item.id };
    });
    const { batchId, queued, lost } = await this.writeBatch('undo', planned, actor, async () => new Set(planned.map((p) => p.id)));
    for (const id of lost) cannotUndo.push({ id, code: 'already_queued', message: 'It is already being applied or undone.' });
    return { batchId, queued, cannotUndo };
  }
}
