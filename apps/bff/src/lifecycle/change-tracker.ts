/**
 * What changed since the after-ingest step last looked, per advertiser, so that validation and conflict detection
 * re-examine the neighbourhood of a change instead of the advertiser's whole store (issue 18, item 2). Ingestion
 * records items that are new or changed (not those merely seen again: those only mark their advertiser), and the
 * lifecycle records items a decision moved in or out of the live queue; each with the entity it is about (before and
 * after a change), located by its campaign (entity-keys.ts, neighbourhoodOf).
 *
 * In memory and per process, like the set of touched advertisers it replaces: a process that dies loses what it had
 * not drained, which the nightly full pass (or any later change on the same entities) makes good.
 */
import type { EntityRef } from '@recdesk/shared-types';
import { neighbourhoodOf } from './entity-keys.ts';

/** One advertiser's changes: the contract between the store and the incremental passes. */
export interface TouchedAdvertiser {
  advertiserId: string;
  /** Items new, changed upstream, or moved by a decision. */
  itemIds: string[];
  /** Their entities' keys (entityKeyOf), before and after a change. */
  entityKeys: string[];
  /** The campaigns holding those entities (every item of such a key is in one of them, or unscoped). */
  campaignIds: string[];
  /** A changed entity could not be located in a campaign: only a pass over the whole advertiser is exact. */
  unbounded: boolean;
  /**
   * Items sent again (changed or not), whose sighting needs its validation mark; null when more were seen than are
   * worth listing (a sync): then every sighted item of the advertiser is marked, in one statement.
   */
  seenItemIds: string[] | null;
}

/** Beyond this many sightings per advertiser, the mark is one statement over the advertiser rather than by id. */
export const SEEN_LIST_LIMIT = 10_000;

interface Pending {
  itemIds: Set<string>;
  entityKeys: Set<string>;
  campaignIds: Set<string>;
  unbounded: boolean;
  /** null: more than SEEN_LIST_LIMIT. */
  seenItemIds: Set<string> | null;
}

export class ChangeTracker {
  private readonly pending = new Map<string, Pending>();

  private of(advertiserId: string): Pending {
    let entry = this.pending.get(advertiserId);
    if (!entry) {
      entry = { itemIds: new Set(), entityKeys: new Set(), campaignIds: new Set(), unbounded: false, seenItemIds: new Set() };
      this.pending.set(advertiserId, entry);
    }
    return entry;
  }

  /** An item of the advertiser was sent again (perhaps unchanged): its sighting needs its validation mark. */
  seen(advertiserId: string, itemId: string): void {
    const entry = this.of(advertiserId);
    if (!entry.seenItemIds) return;
    entry.seenItemIds.add(itemId);
    if (entry.seenItemIds.size > SEEN_LIST_LIMIT) entry.seenItemIds = null;
  }

  /** An item changed (or was moved by a decision), about this entity. */
  changed(advertiserId: string, itemId: string, entity: EntityRef): void {
    const entry = this.of(advertiserId);
    entry.itemIds.add(itemId);
    const where = neighbourhoodOf(entity);
    entry.entityKeys.add(where.key);
    if (where.campaignId) entry.campaignIds.add(where.campaignId);
    if (!where.bounded) entry.unbounded = true;
  }

  /** Puts drained changes back (a pass over them failed), merged with whatever was recorded since. */
  restore(changes: readonly TouchedAdvertiser[]): void {
    for (const change of changes) {
      const entry = this.of(change.advertiserId);
      for (const id of change.itemIds) entry.itemIds.add(id);
      for (const key of change.entityKeys) entry.entityKeys.add(key);
      for (const id of change.campaignIds) entry.campaignIds.add(id);
      if (change.unbounded) entry.unbounded = true;
      if (change.seenItemIds === null) entry.seenItemIds = null;
      else for (const id of change.seenItemIds) this.seen(change.advertiserId, id);
    }
  }

  /** Everything recorded since the last drain, and forgets it. */
  drain(): TouchedAdvertiser[] {
    const drained = [...this.pending].map(([advertiserId, entry]) => ({
      advertiserId,
      itemIds: [...entry.itemIds],
      entityKeys: [...entry.entityKeys],
      campaignIds: [...entry.campaignIds],
      unbounded: entry.unbounded,
      seenItemIds: entry.seenItemIds ? [...entry.seenItemIds] : null,
    }));
    this.pending.clear();
    return drained;
  }
}

/** The changes of a few items as one drained set would carry them (a decision's immediate conflict pass). */
export function changesOf(items: readonly { id: string; advertiserId: string; entity: EntityRef }[]): TouchedAdvertiser[] {
  const tracker = new ChangeTracker();
  for (const item of items) tracker.changed(item.advertiserId, item.id, item.entity);
  return tracker.drain();
}
