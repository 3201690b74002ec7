/**
 * The apply worker: takes a chunk of a batch (one upstream call's worth of items) under a lease, so that several
 * workers share a batch without taking the same chunk, and applies it exactly once per item:
 * 1. Reconcile first: an item left `applying` by a worker that died between intent and outcome is looked up upstream
 *    (read back the live value, ask applicationStatus, look for the created keyword) and settled as applied, or put
 *    back in the queue when the call never took effect. Nothing is sent for it before that.
 * 2. Re-read the live values: an entity that no longer holds the value the change assumed makes the item `drifted`.
 * 3. Record the intent (apply_attempts) and commit, then call upstream, then read back, then record every outcome and
 *    its lifecycle transition in one transaction. An upstream "success" that left the value unchanged is a failure
 *    with its own reason.
 * Leases expire, so a killed worker's chunk is taken again by the next sweep; the lease is renewed while a chunk runs.
 */
import { randomUUID } from 'node:crypto';
import type { Actor, LifecycleStatus } from '@recdesk/shared-types';
import { sql, type Transaction } from 'kysely';
import type { Logger } from 'pino';
import { AdsApiError, type AdsClient, AdsUncertainOutcomeError } from '../ads-client/ads-client.ts';
import type { AdsProfile } from '../ads-client/profiles.ts';
import type { Db } from '../db/database.ts';
import type { LifecycleService } from '../lifecycle/lifecycle-service.ts';
import { type ApplyPlan, type ApplyValue, READABLE_CALLS, sameValue } from './apply-plan.ts';
import type { ApplyTables } from './apply-tables.ts';
import { ProfileDirectory } from './profile-directory.ts';
import { type ItemResult, regionOfMarketplace, UpstreamWriters } from './upstream-writers.ts';

export interface StoredPlan extends ApplyPlan {
  /** The SP write body of the item, built when it was queued. */
  spBody?: Record<string, unknown>;
}

export interface ApplyWorkerHooks {
  /** Called after the intent is committed and before the upstream call (tests simulate a crash here). */
  beforeCall?: (chunkId: string) => void | Promise<void>;
  /** Called after the upstream call answered and before its outcome is recorded (tests simulate a crash here). */
  afterCall?: (chunkId: string) => void | Promise<void>;
}

export interface ApplyWorkerDeps {
  db: Db;
  client: AdsClient;
  lifecycle: LifecycleService;
  log: Logger;
  now: () => Date;
  workerId?: string;
  leaseMs?: number;
  /** Partner Opportunities status polling: first wait, cap, and how long to keep asking. */
  poPoll?: { firstMs: number; maxMs: number; giveUpMs: number };
  hooks?: ApplyWorkerHooks;
  /** The process's profile list, shared by its workers (default: one of this worker's own). */
  profiles?: ProfileDirectory;
}

interface ItemRow {
  id: string;
  batch_id: string;
  recommendation_id: string;
  state: string;
  call: string;
  plan: StoredPlan;
  undo_of: string | null;
  attempts: number;
  value_before: unknown;
}

type Settle =
  | { state: 'applied'; before: ApplyValue; after: ApplyValue; outcome: string; response?: unknown }
  | { state: 'failed'; code: string; reason: string; before?: ApplyValue; after?: ApplyValue; outcome: string; response?: unknown }
  | { state: 'drifted'; reason: string; live: ApplyValue; outcome?: string }
  | { state: 'queued'; outcome: string };

/** Uncertain outcomes reconciled in a row within one run of a chunk before it is left to the next sweep. */
const UNCERTAIN_ROUNDS = 3;

/** The chunk's lease went to another worker (or the chunk changed under it): this run stops and writes nothing. */
export class LostLeaseError extends Error {
  constructor(chunkId: string, why = 'its lease is held by another worker') {
    super(`apply chunk ${chunkId}: ${why}`);
    this.name = 'LostLeaseError';
  }
}

const APPLY_ACTOR: Actor = { type: 'system', id: 'apply-worker', version: null };

/** Who waits, in this process, for a chunk's first upstream call to be on its way. */
const sendingWaiters = new Map<string, (() => void)[]>();

/**
 * Resolves when a worker of this process has made the chunk's first upstream call (it was answered), has finished
 * with the chunk, or after `timeoutMs`, whichever comes first. The batch writer waits for it on the embedded
 * database: PGlite is one connection, run on this process's own thread, so the writer's next transaction would
 * otherwise hold back the worker's few reads before that call, and the call itself.
 */
export function whenSending(chunkId: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    function done() {
      clearTimeout(timer);
      const waiting = sendingWaiters.get(chunkId)?.filter((w) => w !== done) ?? [];
      if (waiting.length > 0) sendingWaiters.set(chunkId, waiting);
      else sendingWaiters.delete(chunkId);
      resolve();
    }
    sendingWaiters.set(chunkId, [...(sendingWaiters.get(chunkId) ?? []), done]);
  });
}

function signalSending(chunkId: string): void {
  for (const done of sendingWaiters.get(chunkId) ?? []) done();
}

export class ApplyWorker {
  readonly id: string;
  private readonly db;
  private readonly writers: UpstreamWriters;
  private readonly profiles: ProfileDirectory;
  private readonly running = new Set<string>();
  /** One chunk at a time per worker: the turn of the chunk before (see runChunk). */
  private slot: Promise<unknown> = Promise.resolve();
  private readonly leaseMs: number;
  private readonly poPoll: { firstMs: number; maxMs: number; giveUpMs: number };

  constructor(private readonly deps: ApplyWorkerDeps) {
    this.id = deps.workerId ?? `apply-${randomUUID().slice(0, 8)}`;
    this.db = deps.db.withTables<ApplyTables>();
    this.writers = new UpstreamWriters(deps.client, deps.log);
    this.profiles = deps.profiles ?? new ProfileDirectory(deps.client);
    this.leaseMs = deps.leaseMs ?? 60_000;
    this.poPoll = deps.poPoll ?? { firstMs: 500, maxMs: 10_000, giveUpMs: 10 * 60_000 };
  }

  /** Runs every open chunk whose lease is free or expired; returns how many chunks this worker ran. */
  async sweep(batchId?: string): Promise<number> {
    await this.reopenChunksWithOpenItems();
    let ran = 0;
    for (;;) {
      let query = this.db
        .selectFrom('apply_chunks')
        .select('id')
        .where('done', '=', false)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', this.deps.now())]))
        .orderBy('created_at')
        .limit(20);
      if (batchId) query = query.where('batch_id', '=', batchId);
      const open = await query.execute();
      // One chunk at a time: side by side, the client's limiter and Amazon's window disagree more often (more 429s),
      // and on PGlite (one connection) one chunk's database work waits for the other's anyway.
      let took = 0;
      for (const chunk of open) if (await this.runChunk(chunk.id)) took++;
      ran += took;
      if (took === 0) return ran;
    }
  }

  /**
   * A chunk marked done while an item of it is still queued or applying would leave that item unfinished for ever;
   * the done mark is written so that this cannot happen, and the sweep repairs it (loudly) if it ever does.
   */
  private async reopenChunksWithOpenItems(): Promise<void> {
    const reopened = await sql<{ id: string; batch_id: string }>`
      UPDATE apply_chunks c SET done = false, lease_owner = NULL, lease_until = NULL
      FROM (SELECT DISTINCT chunk_id FROM apply_items WHERE state IN ('queued', 'applying')) o
      WHERE c.id = o.chunk_id AND c.done
      RETURNING c.id, c.batch_id`.execute(this.db);
    if (reopened.rows.length === 0) return;
    this.deps.log.error({ chunks: reopened.rows.map((r) => r.id), worker: this.id }, 'reopened apply chunks marked done with open items');
    await this.db
      .updateTable('apply_batches')
      .set({ finished_at: null })
      .where(
        'id',
        'in',
        reopened.rows.map((r) => r.batch_id),
      )
      .execute();
  }

  /** Takes the chunk's lease and applies it; false when another worker holds it, it is done, or it runs here already. */
  async runChunk(chunkId: string): Promise<boolean> {
    // The lease lets a worker take its own chunk again (after an error), so the queue's message and the sweep could
    // both run one chunk in this worker at once: the second would reconcile items the first has in flight.
    if (this.running.has(chunkId)) return false;
    this.running.add(chunkId);
    // Fair claiming: a worker leases a chunk only when it is free to run it. Messages delivered while it is busy wait
    // here unleased, so another worker (its queue message or its sweep) takes those chunks meanwhile, instead of the
    // first process to reach a batch leasing all its chunks and running them one after the other.
    const turn = this.slot.then(() => this.runLeased(chunkId));
    this.slot = turn.then(
      () => undefined,
      () => undefined,
    );
    try {
      return await turn;
    } finally {
      this.running.delete(chunkId);
      signalSending(chunkId);
    }
  }

  private async runLeased(chunkId: string): Promise<boolean> {
    const leased = await this.lease(chunkId);
    if (!leased) return false;
    // Renewed at a third of its length while the chunk runs, so a slow upstream call never outlives the lease and
    // lets another worker reconcile items still in flight; a killed worker stops renewing and its lease runs out.
    const heartbeat = setInterval(() => void this.renew(chunkId).catch(() => undefined), Math.max(250, Math.floor(this.leaseMs / 3)));
    heartbeat.unref();
    try {
      for (let round = 1; ; round++) {
        await this.reconcile(chunkId);
        try {
          await this.applyQueued(chunkId);
          break;
        } catch (error) {
          // An uncertain write is settled from what upstream says (the reconcile above) before anything is sent
          // again; a few rounds in a row mean upstream is failing, and the sweep comes back later.
          if (!(error instanceof AdsUncertainOutcomeError) || round >= UNCERTAIN_ROUNDS) throw error;
          this.deps.log.warn({ chunkId, worker: this.id, err: error.message }, 'apply call outcome uncertain; reconciling');
        }
      }
      // One statement: the chunk is done exactly when none of its items is open at that moment.
      const released = await this.db
        .updateTable('apply_chunks')
        .set({
          done: sql<boolean>`NOT EXISTS (SELECT 1 FROM apply_items WHERE chunk_id = ${chunkId} AND state IN ('queued', 'applying'))`,
          lease_owner: null,
          lease_until: null,
        })
        .where('id', '=', chunkId)
        .where('lease_owner', '=', this.id)
        .returning('done')
        .executeTakeFirst();
      if (released?.done) await this.finishBatchIfDone(leased.batch_id);
      return true;
    } catch (error) {
      this.deps.log.warn({ chunkId, worker: this.id, err: error instanceof Error ? error.message : String(error) }, 'apply chunk stopped');
      // Free the lease so that the next sweep (of any worker) takes the chunk up again, reconciling first.
      await this.db
        .updateTable('apply_chunks')
        .set({ lease_owner: null, lease_until: null })
        .where('id', '=', chunkId)
        .where('lease_owner', '=', this.id)
        .execute()
        .catch(() => undefined);
      throw error;
    } finally {
      clearInterval(heartbeat);
    }
  }

  private async lease(chunkId: string): Promise<{ batch_id: string } | undefined> {
    const now = this.deps.now();
    return this.db
      .updateTable('apply_chunks')
      .set({ lease_owner: this.id, lease_until: new Date(now.getTime() + this.leaseMs) })
      .where('id', '=', chunkId)
      .where('done', '=', false)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now), eb('lease_owner', '=', this.id)]))
      .returning('batch_id')
      .executeTakeFirst();
  }

  private async renew(chunkId: string): Promise<void> {
    const renewed = await this.db
      .updateTable('apply_chunks')
      .set({ lease_until: new Date(this.deps.now().getTime() + this.leaseMs) })
      .where('id', '=', chunkId)
      .where('lease_owner', '=', this.id)
      .returning('id')
      .executeTakeFirst();
    if (!renewed) throw new Error(`lost the lease of chunk ${chunkId}`);
  }

  private async finishBatchIfDone(batchId: string): Promise<void> {
    const open = await this.db
      .selectFrom('apply_chunks')
      .select('id')
      .where('batch_id', '=', batchId)
      .where('done', '=', false)
      .executeTakeFirst();
    if (!open) await this.db.updateTable('apply_batches').set({ finished_at: this.deps.now() }).where('id', '=', batchId).execute();
  }

  private async itemsOf(chunkId: string, state: string): Promise<ItemRow[]> {
    const rows = await this.db
      .selectFrom('apply_items')
      .select(['id', 'batch_id', 'recommendation_id', 'state', 'call', 'plan', 'undo_of', 'attempts', 'value_before'])
      .where('chunk_id', '=', chunkId)
      .where('state', '=', state)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows as unknown as ItemRow[];
  }

  profileOf(profileId: string | null): Promise<AdsProfile> {
    return this.profiles.get(profileId);
  }

  // ---- 1. reconcile -------------------------------------------------------------------------------------------

  /** Settles items a dead worker left `applying`, from what upstream says, before anything is sent again. */
  private async reconcile(chunkId: string): Promise<void> {
    const uncertain = await this.itemsOf(chunkId, 'applying');
    if (uncertain.length === 0) return;
    this.deps.log.info({ chunkId, items: uncertain.length, worker: this.id }, 'reconciling items left applying');
    const first = uncertain[0] as ItemRow;
    const plan = first.plan;
    const settled = new Map<string, Settle>();
    if (READABLE_CALLS.has(plan.call)) {
      const profile = await this.profileOf(plan.profileId);
      const live = await this.writers.readLive(
        profile,
        plan.call,
        uncertain.map((i) => i.plan.entityId ?? ''),
        plan.field,
      );
      for (const item of uncertain) {
        const value = live.get(item.plan.entityId ?? '');
        if (value === undefined)
          settled.set(item.id, {
            state: 'failed',
            code: 'ENTITY_NOT_FOUND',
            reason: 'The entity no longer exists upstream.',
            outcome: 'reconciled_not_applied',
          });
        else if (sameValue(value, item.plan.targetValue))
          settled.set(item.id, { state: 'applied', before: item.plan.expectedValue, after: value, outcome: 'reconciled_applied' });
        else if (sameValue(value, item.plan.expectedValue)) settled.set(item.id, { state: 'queued', outcome: 'reconciled_not_applied' });
        else
          settled.set(item.id, {
            state: 'drifted',
            reason: `The live value is ${value}, neither the value before (${item.plan.expectedValue}) nor the one applied (${item.plan.targetValue}).`,
            live: value,
            outcome: 'reconciled_not_applied',
          });
      }
    } else if (plan.call === 'sp.keywords.create') {
      const profile = await this.profileOf(plan.profileId);
      for (const item of uncertain) {
        const body = item.plan.spBody ?? {};
        const exists = await this.writers.keywordExists(profile, String(body.adGroupId), String(body.keywordText), String(body.matchType));
        settled.set(
          item.id,
          exists
            ? { state: 'applied', before: null, after: item.plan.targetValue, outcome: 'reconciled_applied' }
            : { state: 'queued', outcome: 'reconciled_not_applied' },
        );
      }
    } else if (plan.call === 'po.apply') {
      const statuses = await this.writers.poStatus(
        regionOfMarketplace(plan.upstream.marketplace ?? '', this.deps.client.regions),
        plan.upstream as { partnerOpportunityId: string },
        uncertain.map((i) => i.plan.upstream.recommendationId ?? ''),
      );
      for (const item of uncertain) {
        const status = statuses.get(item.plan.upstream.recommendationId ?? '') ?? 'UNKNOWN';
        if (status === 'SUCCESS' || status === 'IN_PROGRESS')
          settled.set(item.id, { state: 'applied', before: null, after: null, outcome: 'reconciled_applied', response: { status } });
        else if (status === 'FAILED' || status === 'REJECTED')
          settled.set(item.id, {
            state: 'failed',
            code: `PO_${status}`,
            reason: `applicationStatus says ${status}`,
            outcome: 'reconciled_applied',
          });
        else settled.set(item.id, { state: 'queued', outcome: 'reconciled_not_applied' });
      }
    } else {
      // The Recommendations API refuses to apply an applied recommendation again (status APPLY_SUCCESS), so sending
      // it again cannot apply it twice; its answer then tells which it was.
      for (const item of uncertain) settled.set(item.id, { state: 'queued', outcome: 'reconciled_not_applied' });
    }
    await this.record(chunkId, 'applying', uncertain, settled);
  }

  // ---- 2.-3. apply ---------------------------------------------------------------------------------------------

  private async applyQueued(chunkId: string): Promise<void> {
    let items = await this.itemsOf(chunkId, 'queued');
    if (items.length === 0) return;
    const plan = (items[0] as ItemRow).plan;
    const settled = new Map<string, Settle>();
    const before = new Map<string, ApplyValue>();

    // Drift: the live value must still be the one the change assumed.
    if (READABLE_CALLS.has(plan.call)) {
      const profile = await this.profileOf(plan.profileId);
      const live = await this.writers.readLive(
        profile,
        plan.call,
        items.map((i) => i.plan.entityId ?? ''),
        plan.field,
      );
      signalSending(chunkId);
      for (const item of items) {
        const value = live.get(item.plan.entityId ?? '');
        if (value === undefined) continue; // upstream answers ENTITY_NOT_FOUND per item
        before.set(item.id, value);
        if (item.plan.expectedValue !== null && !sameValue(value, item.plan.expectedValue))
          settled.set(item.id, {
            state: 'drifted',
            reason: `The live value is ${value}, not the ${item.plan.expectedValue} the recommendation assumed: it needs a new approval.`,
            live: value,
          });
      }
      if (settled.size > 0) {
        await this.record(
          chunkId,
          'queued',
          items.filter((i) => settled.has(i.id)),
          settled,
        );
        items = items.filter((i) => !settled.has(i.id));
        settled.clear();
      }
      if (items.length === 0) return;
    }

    // Intent, committed before anything is sent.
    const now = this.deps.now();
    await this.db.transaction().execute(async (trx) => {
      await this.holdLease(trx, chunkId);
      await trx
        .insertInto('apply_attempts')
        .values(
          items.map((item) => ({
            item_id: item.id,
            idempotency_key: `${item.id}:${item.attempts + 1}`,
            worker: this.id,
            call: item.call,
            request: JSON.stringify(item.plan.spBody ?? item.plan.upstream),
            intent_at: now,
          })),
        )
        .execute();
      const moved = await trx
        .updateTable('apply_items')
        .set((eb) => ({ state: 'applying', attempts: eb(eb.ref('attempts'), '+', 1), updated_at: now }))
        .where(
          'id',
          'in',
          items.map((i) => i.id),
        )
        .where('state', '=', 'queued')
        .executeTakeFirst();
      if (Number(moved.numUpdatedRows) !== items.length) throw new LostLeaseError(chunkId, 'some of its items are no longer queued');
    });
    await this.deps.hooks?.beforeCall?.(chunkId);

    let results: ItemResult[];
    try {
      results = await this.call(plan, items);
    } catch (error) {
      if (error instanceof AdsApiError && !(error instanceof AdsUncertainOutcomeError) && error.status >= 400 && error.status !== 429) {
        // Upstream refused the whole call (a 4xx other than 429): nothing was applied, each item fails with its reason.
        const refused = new Map<string, Settle>();
        for (const item of items)
          refused.set(item.id, {
            state: 'failed',
            code: error.code || `HTTP_${error.status}`,
            reason: error.details || error.message,
            outcome: 'failed',
            response: error.body ?? null,
          });
        await this.record(chunkId, 'applying', items, refused);
        return;
      }
      // Otherwise whether it took effect is unknown (an uncertain outcome), or it was never answered after its
      // retries: the items stay `applying`, and are reconciled from upstream before anything is sent again.
      this.deps.log.warn(
        { chunkId, err: error instanceof Error ? error.message : String(error) },
        'apply call failed; items will be reconciled',
      );
      throw error;
    }
    signalSending(chunkId);
    await this.deps.hooks?.afterCall?.(chunkId);
    await this.renew(chunkId);

    // Read back what upstream says succeeded.
    const succeeded = items.filter((_, index) => results[index]?.ok);
    const after = new Map<string, ApplyValue>();
    if (READABLE_CALLS.has(plan.call) && succeeded.length > 0) {
      const profile = await this.profileOf(plan.profileId);
      const live = await this.writers.readLive(
        profile,
        plan.call,
        succeeded.map((i) => i.plan.entityId ?? ''),
        plan.field,
      );
      for (const item of succeeded) after.set(item.id, live.get(item.plan.entityId ?? '') ?? null);
    }
    const poStatuses = plan.call === 'po.apply' && succeeded.length > 0 ? await this.pollPo(chunkId, plan, succeeded) : null;

    items.forEach((item, index) => {
      const result = results[index] ?? { ok: false, code: 'MISSING_IN_ANSWER', message: 'no answer for this item' };
      const valueBefore = before.get(item.id) ?? item.plan.expectedValue;
      if (!result.ok) {
        // The Recommendations API and Partner Opportunities refuse to apply twice: a reconciled resend lands here.
        if (/APPLY_SUCCESS|ALREADY_APPLIED/.test(`${result.code} ${result.message}`)) {
          settled.set(item.id, {
            state: 'applied',
            before: valueBefore,
            after: item.plan.targetValue,
            outcome: 'reconciled_applied',
            response: result,
          });
        } else {
          settled.set(item.id, {
            state: 'failed',
            code: result.code,
            reason: result.message,
            before: valueBefore,
            outcome: 'failed',
            response: result,
          });
        }
        return;
      }
      if (READABLE_CALLS.has(plan.call)) {
        const value = after.get(item.id) ?? null;
        if (sameValue(value, item.plan.targetValue))
          settled.set(item.id, { state: 'applied', before: valueBefore, after: value, outcome: 'success' });
        else
          settled.set(item.id, {
            state: 'failed',
            code: 'UPSTREAM_SUCCESS_WITHOUT_EFFECT',
            reason: `Upstream reported success, but the value read back is ${value}, not ${item.plan.targetValue}.`,
            before: valueBefore,
            after: value,
            outcome: 'success',
          });
        return;
      }
      if (poStatuses) {
        const status = poStatuses.get(item.plan.upstream.recommendationId ?? '') ?? 'UNKNOWN';
        if (status === 'SUCCESS')
          settled.set(item.id, {
            state: 'applied',
            before: valueBefore,
            after: item.plan.targetValue,
            outcome: 'success',
            response: { status },
          });
        else
          settled.set(item.id, {
            state: 'failed',
            code: `PO_${status}`,
            reason: `applicationStatus ended ${status}`,
            before: valueBefore,
            outcome: 'success',
            response: { status },
          });
        return;
      }
      settled.set(item.id, { state: 'applied', before: valueBefore, after: item.plan.targetValue, outcome: 'success' });
    });
    await this.record(chunkId, 'applying', items, settled);
  }

  private async call(plan: StoredPlan, items: readonly ItemRow[]): Promise<ItemResult[]> {
    if (plan.call === 'po.apply') {
      const region = regionOfMarketplace(plan.upstream.marketplace ?? '', this.deps.client.regions);
      return this.writers.applyPo(
        region,
        plan.upstream as { partnerOpportunityId: string },
        items.map((i) => i.plan.upstream.recommendationId ?? ''),
      );
    }
    const profile = await this.profileOf(plan.profileId);
    if (plan.call === 'recs.apply') {
      const results: ItemResult[] = items.map(() => ({ ok: true }));
      const toApply: number[] = [];
      for (const [index, item] of items.entries()) {
        if (item.plan.edited) {
          const edit = await this.writers.editRecommendation(profile, item.plan.upstream.recommendationId ?? '', item.plan.targetValue);
          if (!edit.ok) {
            results[index] = edit;
            continue;
          }
        }
        toApply.push(index);
      }
      if (toApply.length > 0) {
        const applied = await this.writers.applyRecs(
          profile,
          toApply.map((index) => items[index]?.plan.upstream.recommendationId ?? ''),
        );
        toApply.forEach((index, position) => {
          results[index] = applied[position] ?? { ok: false, code: 'MISSING_IN_ANSWER', message: 'no answer for this item' };
        });
      }
      return results;
    }
    return this.writers.writeSp(
      profile,
      plan.call,
      items.map((i) => i.plan.spBody ?? {}),
    );
  }

  /** Polls applicationStatus with backoff until every applied id is SUCCESS, FAILED or REJECTED (or it gives up). */
  private async pollPo(chunkId: string, plan: StoredPlan, items: readonly ItemRow[]): Promise<Map<string, string>> {
    const region = regionOfMarketplace(plan.upstream.marketplace ?? '', this.deps.client.regions);
    const ids = items.map((i) => i.plan.upstream.recommendationId ?? '');
    const final = new Map<string, string>();
    const started = Date.now();
    let wait = this.poPoll.firstMs;
    for (;;) {
      const pending = ids.filter((id) => !final.has(id));
      const statuses = await this.writers.poStatus(region, plan.upstream as { partnerOpportunityId: string }, pending);
      for (const [id, status] of statuses) if (['SUCCESS', 'FAILED', 'REJECTED'].includes(status)) final.set(id, status);
      if (final.size === ids.length || Date.now() - started > this.poPoll.giveUpMs) return final;
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait = Math.min(wait * 2, this.poPoll.maxMs);
      await this.renew(chunkId);
    }
  }

  /**
   * Fencing: every write of a chunk's state happens in a transaction that first locks the chunk and checks this worker
   * still holds its lease. A worker that lost it (paused, cut off from the database while another took over) then
   * writes nothing, instead of overwriting what the new holder recorded.
   */
  private async holdLease(trx: Transaction<ApplyTables>, chunkId: string): Promise<void> {
    const held = await trx
      .selectFrom('apply_chunks')
      .select('id')
      .where('id', '=', chunkId)
      .where('lease_owner', '=', this.id)
      .where('done', '=', false)
      .forUpdate()
      .executeTakeFirst();
    if (!held) throw new LostLeaseError(chunkId);
  }

  /**
   * Writes the outcomes, the attempts' outcomes and the lifecycle transitions in one transaction (set-wise), under the
   * lease, and only over items still in the state `from` they were read in: any other change rolls it all back.
   */
  private async record(
    chunkId: string,
    from: 'queued' | 'applying',
    items: readonly ItemRow[],
    settled: Map<string, Settle>,
  ): Promise<void> {
    const now = this.deps.now();
    const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));
    const rows: { id: string; state: string; before: string | null; after: string | null; code: string | null; reason: string | null }[] =
      [];
    const attempts: { itemId: string; outcome: string; response: string | null }[] = [];
    const transitions: { id: string; from: LifecycleStatus; to: LifecycleStatus; reason: string; before?: unknown; after?: unknown }[] = [];
    for (const item of items) {
      const s = settled.get(item.id);
      if (!s) continue;
      const field = item.plan.field ?? 'value';
      if (s.state === 'applied') {
        rows.push({ id: item.id, state: 'applied', before: json(s.before), after: json(s.after), code: null, reason: null });
        transitions.push(
          item.undo_of
            ? {
                id: item.recommendation_id,
                from: 'applied',
                to: 'rolled_back',
                reason: 'undone: the value before was applied back',
                before: { [field]: s.before },
                after: { [field]: s.after },
              }
            : {
                id: item.recommendation_id,
                from: 'applying',
                to: 'applied',
                reason: `applied upstream (${item.call})`,
                before: { [field]: s.before },
                after: { [field]: s.after },
              },
        );
      } else if (s.state === 'failed') {
        rows.push({ id: item.id, state: 'failed', before: json(s.before), after: json(s.after), code: s.code, reason: s.reason });
        if (!item.undo_of)
          transitions.push({ id: item.recommendation_id, from: 'applying', to: 'failed', reason: `${s.code}: ${s.reason}` });
      } else if (s.state === 'drifted') {
        rows.push({ id: item.id, state: 'drifted', before: json(s.live), after: null, code: 'DRIFTED', reason: s.reason });
        if (!item.undo_of)
          transitions.push({
            id: item.recommendation_id,
            from: 'applying',
            to: 'drifted',
            reason: s.reason,
            before: { [field]: item.plan.expectedValue },
            after: { [field]: s.live },
          });
      } else {
        rows.push({ id: item.id, state: 'queued', before: null, after: null, code: null, reason: null });
      }
      if (s.outcome) attempts.push({ itemId: item.id, outcome: s.outcome, response: json('response' in s ? (s.response ?? null) : null) });
    }
    await this.deps.db.transaction().execute(async (raw) => {
      const trx = raw.withTables<ApplyTables>();
      await this.holdLease(trx, chunkId);
      for (let start = 0; start < rows.length; start += 500) {
        const values = rows
          .slice(start, start + 500)
          .map((r) => sql`(${r.id}::uuid, ${r.state}, ${r.before}::jsonb, ${r.after}::jsonb, ${r.code}::text, ${r.reason}::text)`);
        const updated = await sql`
          UPDATE apply_items i SET state = v.state, value_before = COALESCE(v.before, i.value_before),
            value_after = COALESCE(v.after, i.value_after), reason_code = v.code, reason = v.reason, updated_at = ${now}
          FROM (VALUES ${sql.join(values)}) AS v(id, state, before, after, code, reason)
          WHERE i.id = v.id AND i.state = ${from}`.execute(trx);
        if (Number(updated.numAffectedRows ?? 0) !== values.length)
          throw new LostLeaseError(chunkId, `some of its items are no longer ${from}`);
      }
      for (let start = 0; start < attempts.length; start += 500) {
        const values = attempts.slice(start, start + 500).map((a) => sql`(${a.itemId}::uuid, ${a.outcome}, ${a.response}::jsonb)`);
        await sql`
          UPDATE apply_attempts a SET outcome = v.outcome, outcome_at = ${now}, response = v.response
          FROM (VALUES ${sql.join(values)}) AS v(item_id, outcome, response)
          WHERE a.item_id = v.item_id AND a.outcome IS NULL`.execute(trx);
      }
      // An undo rolls back an applied item or one whose measurement already settled (`measured`): from where it is.
      const undone = transitions.filter((t) => t.to === 'rolled_back').map((t) => t.id);
      if (undone.length > 0) {
        const measured = new Set(
          (await raw.selectFrom('recommendations').select('id').where('id', 'in', undone).where('status', '=', 'measured').execute()).map(
            (r) => r.id,
          ),
        );
        for (const t of transitions) if (t.to === 'rolled_back' && measured.has(t.id)) t.from = 'measured';
      }
      const moved = await this.deps.lifecycle.transitionMany(raw, transitions, APPLY_ACTOR);
      // The value read back is the item's live value now: the screen's "current" shows it, not the proposal's start.
      const readBack = items.flatMap((item) => {
        const s = settled.get(item.id);
        return s?.state === 'applied' && moved.has(item.recommendation_id) && (typeof s.after === 'number' || typeof s.after === 'string')
          ? [sql`(${item.recommendation_id}::uuid, ${JSON.stringify(s.after)}::jsonb)`]
          : [];
      });
      for (let start = 0; start < readBack.length; start += 500)
        await sql`
          UPDATE recommendations r SET live_value = v.value, live_value_at = ${now}
          FROM (VALUES ${sql.join(readBack.slice(start, start + 500))}) AS v(id, value)
          WHERE r.id = v.id`.execute(raw);
    });
  }
}
