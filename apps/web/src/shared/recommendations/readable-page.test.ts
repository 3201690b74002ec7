import { describe, expect, it } from 'vitest';
import { actionsAllowing, aRecommendation } from '../../testing/recommendation-fixture.ts';
import { ReadableRecommendationPageSchema, unreadableRows } from './readable-page.ts';

describe('a page of the queue read row by row', () => {
  it('keeps the rows it can read and counts the ones with values this build does not know', () => {
    const known = { ...aRecommendation(), actions: actionsAllowing(['approve']) };
    const newer = { ...aRecommendation(), actions: actionsAllowing([]), source: 'a-source-added-after-this-build' };
    const page = ReadableRecommendationPageSchema.parse({ items: [known, newer], nextCursor: null, total: 2 });
    expect(page.items.map((item) => item.id)).toEqual([known.id]);
    expect(page.unreadable).toBe(1);
    expect(unreadableRows([page, page])).toBe(2);
  });

  it('still refuses a page whose envelope breaks the contract', () => {
    expect(ReadableRecommendationPageSchema.safeParse({ items: [], total: -1, nextCursor: null }).success).toBe(false);
  });
});
