/**
 * Marketing Stream ingestion: the BFF side of `POST /api/stream/messages`. Stream pushes (at least once) rather than
 * being polled, so each posted batch is recorded as one ingestion run of the `marketing-stream` source, which is what
 * its freshness is measured from. Every message is recorded in `stream_messages` under its deduplication key first;
 * a key already there is a duplicate and changes nothing, so a message delivered twice creates one item.
 *
 * Campaign names and current budgets are joined from what RecDesk already knows (names from stored
 * recommendations, budgets from the latest budget-usage message) rather than by calling the Ads API inside the
 * request: Stream forwarders expect a quick acknowledgement.
 */
import { randomUUID } from 'node:crypto';
import type { StreamMessageOutcome, StreamMessagesResponse } from '@recdesk/shared-types';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import { type RecommendationStore, recommendationIdOf } from '../lifecycle/recommendation-store.ts';
import { marketplaceOf } from '../sources/marketing-stream/stream-marketplaces.ts';
import {
  normaliseBudgetUsage,
  normaliseCampaignDiagnostics,
  normaliseSpBudgetRecommendation,
  UNNAMED_CAMPAIGN_PREFIX,
} from '../sources/marketing-stream/stream-normalise.ts';
import { type ParsedDelivery, parseDeliveries, parseRawDelivery } from '../sources/marketing-stream/stream-parse.ts';
import type { QuarantineEntry, QuarantineStore } from './quarantine-store.ts';

export interface StreamIngestOptions {
  /** budget-usage at or above this percentage raises an urgent item. */
  budgetUsageAlertPercent: number;
  /** How long a sp-budget-recommendation stays valid after it was pushed. */
  budgetRecommendationValidForMs: number;
  /**
   * How long a claim on a message holds (ms): a redelivery finding it unprocessed and younger is left for later
   * (`deferred`), an older one was abandoned by a consumer that died and is taken over. Default 60 s. The SQS consumer
   * keeps its claims fresh as it keeps its messages invisible (`holdClaims`), so the runtime sets it to the queue's
   * visibility timeout: a dead consumer's message comes back just as its claim can be taken over.
   */
  claimLeaseMs?: number;
  /** Messages about different campaigns stored at once within a delivery (default 4). */
  concurrency?: number;
}

export interface StreamIngestDeps {
  db: Db;
  store: RecommendationStore;
  quarantine: QuarantineStore;
  now: () => Date;
  log: Logger;
  options: StreamIngestOptions;
}

const SUGGESTION_LOOKBACK_MS = 7 * 86_400_000;

function dedupKeysOf(bodies: readonly string[]): (string | null)[] {
  return bodies.map((body, index) => {
    const parsed = parseRawDelivery(body, index);
    return parsed.status === 'valid' ? parsed.dedupKey : null;
  });
}

type Valid = Extract<ParsedDelivery, { status: 'valid' }>;

/** What a delivery's messages share, read once per delivery batch rather than once per message. */
interface BatchContext {
  /** Campaign names by campaign id, from the stored recommendations. */
  campaignNames: Map<string, string>;
  /** Advertiser name and profile by `advertiserId|marketplace` (marketplace '' for any), from the pulls. */
  accounts: Map<string, { advertiserName: string | null; profileId: string | null }>;
}

const accountKey = (advertiserId: string, marketplace: string | null) => `${advertiserId}|${marketplace ?? ''}`;

export class StreamIngest {
  /** The urgent lane (set by the runtime): validation and the rules over just the items a delivery created. */
  private afterIngestHook: ((recommendationIds: string[]) => Promise<void>) | null = null;
  private urgent: Promise<void> = Promise.resolve();
  private readonly pendingUrgent = new Set<string>();
  private draining = false;

  constructor(private readonly deps: StreamIngestDeps) {}

  /**
   * Stream items are urgent (a budget about to run out, a campaign out of budget): they go through the rules within
   * seconds of arrival, not at the next scheduled sync. The hook runs after the acknowledgement is ready, one
   * delivery after the other, so a forwarder never waits for it.
   */
  afterIngest(hook: (recommendationIds: string[]) => Promise<void>): void {
    this.afterIngestHook = hook;
  }

  /** Resolves when the urgent lane has handled every delivery received so far (tests, shutdown). */
  settled(): Promise<void> {
    return this.urgent;
  }

  /**
   * Stream items stored before the pulls knew their advertiser or campaign (the first start) take the advertiser's
   * name and profile in their marketplace, and the campaign's name in their entity, title and description, once a
   * pull has stored them: one set statement each, run after each source of a sync.
   */
  async nameFromPulls(): Promise<void> {
    const { db } = this.deps;
    // Each starts from the Stream items still unnamed (none, once the first sync is in) and looks up one pulled row
    // for each (the lookups of contextOf), so that running after every source costs nothing when there is nothing to do.
    await sql`
      update recommendations as r
      set advertiser_name = known.advertiser_name, profile_id = coalesce(r.profile_id, known.profile_id)
      from recommendations as s
      cross join lateral (
        select advertiser_name, profile_id from recommendations p
        where p.advertiser_id = s.advertiser_id and p.marketplace is not distinct from s.marketplace
          and p.source <> 'marketing-stream' and p.advertiser_name is not null
        limit 1
      ) as known
      where s.source = 'marketing-stream' and s.advertiser_name is null and r.id = s.id`.execute(db);
    await sql`
      update recommendations as r
      set entity = jsonb_set(r.entity, '{campaignName}', to_jsonb(known.name)),
        title = replace(r.title, ${UNNAMED_CAMPAIGN_PREFIX} || r.campaign_id, known.name),
        description = replace(r.description, ${UNNAMED_CAMPAIGN_PREFIX} || r.campaign_id, known.name)
      from recommendations as s
      cross join lateral (
        select entity->>'campaignName' as name from recommendations p
        where p.campaign_id = s.campaign_id and p.source <> 'marketing-stream' and p.entity->>'campaignName' is not null
        limit 1
      ) as known
      where s.source = 'marketing-stream' and s.entity->>'level' = 'campaign' and s.entity->>'campaignName' is null
        and r.id = s.id`.execute(db);
  }

  async receive(body: unknown, trigger = 'stream'): Promise<StreamMessagesResponse> {
    return this.ingest(parseDeliveries(body), trigger);
  }

  /**
   * SQS message bodies as they came off the queue: one that is not JSON is quarantined like any malformed one.
   * `locations` name each body where it came from (`sqs message <id>`): a malformed message's quarantine entry is
   * recorded under it, so the same message received again (after a consumer died) is one entry, not one per receive.
   */
  async receiveRaw(bodies: readonly string[], trigger = 'sqs', locations?: readonly string[]): Promise<StreamMessagesResponse> {
    return this.ingest(
      bodies.map((body, index) => parseRawDelivery(body, index)),
      trigger,
      locations,
    );
  }

  /**
   * Keeps the claims on these bodies' messages fresh while they are being stored (the SQS consumer calls it as it
   * extends their visibility): a slow batch is not taken over by a consumer holding a duplicate. Processed ones stay.
   */
  async holdClaims(bodies: readonly string[]): Promise<void> {
    const keys = dedupKeysOf(bodies).filter((key): key is string => key !== null);
    if (keys.length === 0) return;
    await this.deps.db
      .updateTable('stream_messages')
      .set({ received_at: this.deps.now() })
      .where('dedup_key', 'in', keys)
      .where('processed_at', 'is', null)
      .execute();
  }

  /**
   * Where each body's message stands, without claiming it: `processed` (stored already), `held` (claimed by a
   * consumer within the lease), `none` (not claimed, abandoned, or not a valid message). The SQS consumer asks before
   * it gives up on a message received too often: one stored or being stored is not poison.
   */
  async claimStates(bodies: readonly string[]): Promise<('processed' | 'held' | 'none')[]> {
    const keys = dedupKeysOf(bodies);
    const wanted = keys.filter((key): key is string => key !== null);
    if (wanted.length === 0) return keys.map(() => 'none');
    const rows = await this.deps.db
      .selectFrom('stream_messages')
      .select(['dedup_key', 'received_at', 'processed_at'])
      .where('dedup_key', 'in', wanted)
      .execute();
    const at = this.deps.now().getTime();
    const lease = this.deps.options.claimLeaseMs ?? 60_000;
    const state = new Map(
      rows.map((row) => [
        row.dedup_key,
        row.processed_at ? 'processed' : at - new Date(row.received_at).getTime() < lease ? 'held' : 'none',
      ]),
    );
    return keys.map((key) => (key === null ? 'none' : ((state.get(key) as 'processed' | 'held' | undefined) ?? 'none')));
  }

  private async ingest(deliveries: ParsedDelivery[], trigger: string, locations?: readonly string[]): Promise<StreamMessagesResponse> {
    const { db, now, quarantine, log } = this.deps;
    const runId = randomUUID();
    await db
      .insertInto('ingestion_runs')
      .values({
        id: runId,
        trigger,
        source: 'marketing-stream',
        status: 'running',
        started_at: now(),
        fetched: 0,
        stored: 0,
        unchanged: 0,
        quarantined: 0,
        errors: '[]',
      })
      .execute();
    // Outcomes stay in delivery order; valid messages about different campaigns are stored concurrently (a batch of
    // ten from SQS would otherwise wait on ten round trips each), those about the same one in order.
    const outcomes: StreamMessageOutcome[] = new Array(deliveries.length);
    const quarantined: QuarantineEntry[] = [];
    const counts = { stored: 0, unchanged: 0 };
    const byScope = new Map<string, Valid[]>();
    deliveries.forEach((delivery, position) => {
      const base = { index: delivery.index, datasetId: delivery.datasetId, dedupKey: null, recommendationId: null, reason: null };
      if (delivery.status === 'invalid') {
        quarantined.push({
          source: 'marketing-stream',
          runId,
          reason: delivery.reason,
          location: locations?.[position] ?? `delivery ${delivery.index}`,
          raw: delivery.raw,
        });
        outcomes[position] = { ...base, status: 'quarantined', reason: delivery.reason };
      } else if (delivery.status === 'other-dataset') {
        outcomes[position] = {
          ...base,
          status: 'ignored',
          reason: delivery.reason ?? `dataset ${delivery.datasetId} is not one RecDesk uses`,
        };
      } else {
        const scope = `${delivery.marketplaceId}|${delivery.scopeId}`;
        byScope.set(scope, [...(byScope.get(scope) ?? []), delivery]);
      }
    });
    const positionOf = new Map(deliveries.map((delivery, position) => [delivery, position]));
    const lanes = [...byScope.values()];
    const context = await this.contextOf(lanes.flat());
    const worker = async () => {
      for (let lane = lanes.shift(); lane; lane = lanes.shift()) {
        for (const delivery of lane) {
          try {
            outcomes[positionOf.get(delivery) ?? 0] = await this.accept(delivery, counts, context);
          } catch (error) {
            lanes.length = 0;
            throw Object.assign(error as Error, { deliveryIndex: delivery.index });
          }
        }
      }
    };
    const settled = await Promise.allSettled(Array.from({ length: Math.max(1, this.deps.options.concurrency ?? 4) }, worker));
    const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) {
      // A storage failure must not be acknowledged as processed: the run is recorded as failed and the request
      // fails, so the forwarder redelivers; messages already stored are then recognised as duplicates.
      const error = failure.reason as Error & { deliveryIndex?: number };
      log.error({ err: error, index: error.deliveryIndex }, 'stream message could not be stored');
      await db
        .updateTable('ingestion_runs')
        .set({
          status: 'failed',
          finished_at: now(),
          fetched: deliveries.length,
          ...counts,
          errors: JSON.stringify([`delivery ${error.deliveryIndex}: ${error.message}`]),
        })
        .where('id', '=', runId)
        .execute()
        .catch(() => undefined);
      throw error;
    }
    await quarantine.add(quarantined);
    const summary = {
      received: deliveries.length,
      accepted: outcomes.filter((o) => o.status === 'accepted').length,
      duplicates: outcomes.filter((o) => o.status === 'duplicate').length,
      ignored: outcomes.filter((o) => o.status === 'ignored').length,
      quarantined: quarantined.length,
      deferred: outcomes.filter((o) => o.status === 'deferred').length,
    };
    await db
      .updateTable('ingestion_runs')
      .set({
        status: 'succeeded',
        finished_at: now(),
        fetched: summary.received,
        stored: counts.stored,
        unchanged: counts.unchanged,
        quarantined: summary.quarantined,
        errors: '[]',
      })
      .where('id', '=', runId)
      .execute();
    const created = outcomes.flatMap((o) => (o.status === 'accepted' && o.recommendationId ? [o.recommendationId] : []));
    const hook = this.afterIngestHook;
    if (hook && created.length > 0) {
      for (const id of created) this.pendingUrgent.add(id);
      // Deliveries arriving while the lane runs join its next round instead of queueing a round each: validation and
      // conflict detection cover a whole advertiser, so one round per SQS batch would fall behind a busy queue.
      if (!this.draining) {
        this.draining = true;
        this.urgent = this.urgent.then(() => this.drainUrgent(hook));
      }
    }
    return { runId, ...summary, outcomes };
  }

  private async drainUrgent(hook: (recommendationIds: string[]) => Promise<void>): Promise<void> {
    try {
      while (this.pendingUrgent.size > 0) {
        const ids = [...this.pendingUrgent];
        this.pendingUrgent.clear();
        await hook(ids).catch((error: unknown) =>
          this.deps.log.error({ err: error }, 'the urgent lane after a Stream delivery failed; the next sync runs the rules'),
        );
      }
    } finally {
      this.draining = false;
    }
  }

  private async accept(
    delivery: Valid,
    counts: { stored: number; unchanged: number },
    context: BatchContext,
  ): Promise<StreamMessageOutcome> {
    const base = {
      index: delivery.index,
      datasetId: delivery.datasetId,
      dedupKey: delivery.dedupKey,
      recommendationId: null,
      reason: null,
    };
    const claim = await this.claim(delivery);
    if (claim === 'processed') return { ...base, status: 'duplicate', reason: 'already received (Stream delivers at least once)' };
    if (claim === 'busy') return { ...base, status: 'deferred', reason: 'another consumer is processing the same message' };
    const outcome = await this.process(delivery, counts, context);
    // Processed only once its item is stored: a consumer dying before this line leaves a claim to be taken over.
    await this.deps.db
      .updateTable('stream_messages')
      .set({ processed_at: this.deps.now(), recommendation_id: outcome.recommendationId })
      .where('dedup_key', '=', delivery.dedupKey)
      .execute();
    return outcome;
  }

  /**
   * Records the message under its deduplication key as claimed. `processed`: a duplicate of one already handled;
   * `busy`: claimed by another consumer within the lease; `claimed`: ours to process (new, or abandoned).
   */
  private async claim(delivery: Valid): Promise<'claimed' | 'processed' | 'busy'> {
    const { db, now, options } = this.deps;
    const at = now();
    const inserted = await db
      .insertInto('stream_messages')
      .values({
        dedup_key: delivery.dedupKey,
        dataset_id: delivery.datasetId,
        advertiser_id: delivery.advertiserId,
        marketplace_id: delivery.marketplaceId,
        scope_id: delivery.scopeId,
        event_at: delivery.eventAt,
        payload: JSON.stringify(delivery.record),
        recommendation_id: null,
        received_at: at,
        processed_at: null,
      })
      .onConflict((oc) => oc.column('dedup_key').doNothing())
      .returning('dedup_key')
      .executeTakeFirst();
    if (inserted) return 'claimed';
    const row = await db
      .selectFrom('stream_messages')
      .select(['received_at', 'processed_at'])
      .where('dedup_key', '=', delivery.dedupKey)
      .executeTakeFirst();
    if (!row) return 'busy';
    if (row.processed_at) return 'processed';
    const claimedAt = new Date(row.received_at);
    if (at.getTime() - claimedAt.getTime() < (options.claimLeaseMs ?? 60_000)) return 'busy';
    const taken = await db
      .updateTable('stream_messages')
      .set({ received_at: at })
      .where('dedup_key', '=', delivery.dedupKey)
      .where('processed_at', 'is', null)
      .where('received_at', '=', claimedAt)
      .returning('dedup_key')
      .executeTakeFirst();
    return taken ? 'claimed' : 'busy';
  }

  private async process(
    delivery: Valid,
    counts: { stored: number; unchanged: number },
    context: BatchContext,
  ): Promise<StreamMessageOutcome> {
    const { store, options } = this.deps;
    const base = {
      index: delivery.index,
      datasetId: delivery.datasetId,
      dedupKey: delivery.dedupKey,
      recommendationId: null,
      reason: null,
    };
    const campaignName = context.campaignNames.get(delivery.scopeId) ?? null;
    let item: Parameters<RecommendationStore['upsertMany']>[0][number] | null;
    if (delivery.datasetId === 'budget-usage') {
      if (await this.newerUsageKnown(delivery))
        return { ...base, status: 'ignored', reason: 'a newer budget-usage update for this budget is already known' };
      item = normaliseBudgetUsage(delivery.record, {
        eventAt: delivery.eventAt,
        thresholdPercent: options.budgetUsageAlertPercent,
        campaignName,
        suggestedBudget: await this.latestSuggestedBudget(delivery.scopeId, delivery.eventAt),
      });
      if (!item) {
        return {
          ...base,
          status: 'ignored',
          reason: `usage ${delivery.record.budget_usage_percentage}% is under the ${options.budgetUsageAlertPercent}% alert threshold`,
        };
      }
    } else if (delivery.datasetId === 'sponsored-ads-campaign-diagnostics-recommendations') {
      item = normaliseCampaignDiagnostics(delivery.record, { eventAt: delivery.eventAt });
    } else {
      item = normaliseSpBudgetRecommendation(delivery.record, {
        eventAt: delivery.eventAt,
        campaignName,
        currentBudget: await this.latestBudget(delivery.scopeId),
        validForMs: options.budgetRecommendationValidForMs,
      });
    }
    item = withAccountOf(item, context);
    const result = await store.upsertMany([item]);
    counts.stored += result.stored;
    counts.unchanged += result.unchanged;
    // The store's ids are derived from the source's own id: the stored item's is known without reading it back.
    return { ...base, status: 'accepted', recommendationId: recommendationIdOf('marketing-stream', item.sourceRecommendationId) };
  }

  /** Messages can arrive out of order: an older usage step must not overwrite a newer one of the same budget. */
  private async newerUsageKnown(delivery: Valid): Promise<boolean> {
    const newer = await this.deps.db
      .selectFrom('stream_messages')
      .select('dedup_key')
      .where('dataset_id', '=', 'budget-usage')
      .where('scope_id', '=', delivery.scopeId)
      .where('marketplace_id', '=', delivery.marketplaceId)
      .where('event_at', '>', delivery.eventAt)
      .where('recommendation_id', 'is not', null)
      .limit(1)
      .execute();
    return newer.length > 0;
  }

  /**
   * A Stream message names the advertiser by id and marketplace only: the name and the Ads profile come from what the
   * pulls stored for the same advertiser in the same marketplace, and the campaign's name from any stored item of it,
   * so the queue shows who and what it is about, not entity ids. One statement each per delivery batch (a lateral
   * LIMIT 1 per advertiser and marketplace, or campaign; migration 0035 indexes the pulls' accounts).
   */
  private async contextOf(deliveries: readonly Valid[]): Promise<BatchContext> {
    const context: BatchContext = { campaignNames: new Map(), accounts: new Map() };
    if (deliveries.length === 0) return context;
    const { db } = this.deps;
    const campaigns = [...new Set(deliveries.map((d) => d.scopeId))];
    // The marketplace as the normalisers name it on the item (its country code).
    const marketplace = (d: Valid) => marketplaceOf(d.marketplaceId)?.country ?? d.marketplaceId;
    const pairs = [...new Map(deliveries.map((d) => [accountKey(d.advertiserId, marketplace(d)), d])).values()];
    const [names, accounts] = await Promise.all([
      sql<{ campaign_id: string; name: string }>`
        select k.campaign_id, n.name
        from unnest(${campaigns}::text[]) as k(campaign_id)
        cross join lateral (
          select entity->>'campaignName' as name from recommendations r
          where r.campaign_id = k.campaign_id and r.entity->>'campaignName' is not null limit 1
        ) as n`.execute(db),
      sql<{ advertiser_id: string; marketplace: string; advertiser_name: string | null; profile_id: string | null }>`
        select k.advertiser_id, k.marketplace, a.advertiser_name, a.profile_id
        from unnest(${pairs.map((d) => d.advertiserId)}::text[], ${pairs.map(marketplace)}::text[]) as k(advertiser_id, marketplace)
        cross join lateral (
          select advertiser_name, profile_id from recommendations r
          where r.advertiser_id = k.advertiser_id and r.source <> 'marketing-stream' and r.advertiser_name is not null
            and (k.marketplace = '' or r.marketplace = k.marketplace)
          limit 1
        ) as a`.execute(db),
    ]);
    for (const row of names.rows) context.campaignNames.set(row.campaign_id, row.name);
    for (const row of accounts.rows)
      context.accounts.set(`${row.advertiser_id}|${row.marketplace}`, { advertiserName: row.advertiser_name, profileId: row.profile_id });
    return context;
  }

  private async latestBudget(campaignId: string): Promise<number | null> {
    const row = await this.deps.db
      .selectFrom('stream_messages')
      .select(sql<string>`payload->>'budget'`.as('budget'))
      .where('dataset_id', '=', 'budget-usage')
      .where('scope_id', '=', campaignId)
      .orderBy('event_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    const budget = row ? Number(row.budget) : Number.NaN;
    return Number.isFinite(budget) ? budget : null;
  }

  private async latestSuggestedBudget(campaignId: string, at: Date): Promise<number | null> {
    const row = await this.deps.db
      .selectFrom('stream_messages')
      .select(sql<string>`payload->>'suggested_budget'`.as('suggested'))
      .where('dataset_id', '=', 'sp-budget-recommendations')
      .where('scope_id', '=', campaignId)
      .where('event_at', '>', new Date(at.getTime() - SUGGESTION_LOOKBACK_MS))
      .orderBy('event_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    const suggested = row ? Number(row.suggested) : Number.NaN;
    return Number.isFinite(suggested) ? suggested : null;
  }
}

/** The item with the advertiser's name and profile the pulls know (BatchContext), where the message gave none. */
function withAccountOf<
  T extends { advertiserId: string; marketplace: string | null; advertiserName: string | null; profileId: string | null },
>(item: T, context: BatchContext): T {
  if (item.advertiserName !== null && item.profileId !== null) return item;
  const known = context.accounts.get(accountKey(item.advertiserId, item.marketplace));
  if (!known) return item;
  return { ...item, advertiserName: item.advertiserName ?? known.advertiserName, profileId: item.profileId ?? known.profileId };
}
