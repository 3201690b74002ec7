import { describe, expect, it } from 'vitest';
import { ChangeTracker, SEEN_LIST_LIMIT } from './change-tracker.ts';
import { bidChange, budgetChange } from './recommendation-fixtures.ts';

describe('the change tracker', () => {
  it('records changed items with their entities and campaigns, and sightings apart, per advertiser; a drain forgets them', () => {
    const tracker = new ChangeTracker();
    const keyword = bidChange({ id: 'k', campaignId: 'C1', keywordId: 'K1', from: 1, to: 1.2 });
    const moved = bidChange({ id: 'k', campaignId: 'C2', keywordId: 'K7', from: 1, to: 1.2 });
    tracker.changed('A1', 'i1', keyword.entity);
    tracker.changed('A1', 'i1', moved.entity);
    tracker.seen('A1', 'i2');
    tracker.seen('A2', 'i3');
    expect(tracker.drain()).toEqual([
      {
        advertiserId: 'A1',
        itemIds: ['i1'],
        entityKeys: ['keyword:K1', 'keyword:K7'],
        campaignIds: ['C1', 'C2'],
        unbounded: false,
        seenItemIds: ['i2'],
      },
      { advertiserId: 'A2', itemIds: [], entityKeys: [], campaignIds: [], unbounded: false, seenItemIds: ['i3'] },
    ]);
    expect(tracker.drain()).toEqual([]);
  });

  it('locates an advertiser-wide entity by its key alone, and calls a campaign entity without a campaign unbounded', () => {
    const tracker = new ChangeTracker();
    const product = bidChange({ id: 'p', from: 1, to: 2 });
    tracker.changed('A1', 'p', { ...product.entity, level: 'product', campaignId: null, asin: 'B01' });
    expect(tracker.drain()[0]).toMatchObject({ entityKeys: ['product:B01'], campaignIds: [], unbounded: false });
    const budget = budgetChange({ id: 'b', from: 10, to: 20 });
    tracker.changed('A1', 'b', { ...budget.entity, campaignId: null });
    expect(tracker.drain()[0]).toMatchObject({ entityKeys: ['campaign:?'], campaignIds: [], unbounded: true });
  });

  it('stops listing sightings past the limit: the mark then covers the advertiser', () => {
    const tracker = new ChangeTracker();
    for (let i = 0; i <= SEEN_LIST_LIMIT; i++) tracker.seen('A1', `i${i}`);
    expect(tracker.drain()[0]?.seenItemIds).toBeNull();
  });

  it('takes drained changes back after a failed pass, merged with what was recorded since', () => {
    const tracker = new ChangeTracker();
    tracker.changed('A1', 'i1', bidChange({ id: 'k', campaignId: 'C1', keywordId: 'K1', from: 1, to: 1.2 }).entity);
    tracker.seen('A1', 'i2');
    const failed = tracker.drain();
    tracker.changed('A1', 'i3', bidChange({ id: 'k', campaignId: 'C2', keywordId: 'K2', from: 1, to: 1.2 }).entity);
    tracker.restore(failed);
    expect(tracker.drain()).toEqual([
      {
        advertiserId: 'A1',
        itemIds: ['i3', 'i1'],
        entityKeys: ['keyword:K2', 'keyword:K1'],
        campaignIds: ['C2', 'C1'],
        unbounded: false,
        seenItemIds: ['i2'],
      },
    ]);
  });
});
