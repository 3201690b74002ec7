import { describe, expect, it } from 'vitest';
import { fitToWidth } from './QueueTable.tsx';
import { DEFAULT_HIDDEN } from './queue-preferences-store.ts';

/** The columns a new person sees: the store's own defaults, so a column added hidden is hidden here too. */
const DEFAULT_VISIBLE = DEFAULT_HIDDEN;
const total = (sizes: Record<string, number>) =>
  40 + (sizes.advertiser ?? 170) + (sizes.what ?? 380) + (sizes.state ?? 250) + (sizes.priority ?? 95) + (sizes.actions ?? 290);

describe('fitToWidth', () => {
  it('leaves the columns as they are where they fit (1280 px and wider)', () => {
    expect(fitToWidth({}, DEFAULT_VISIBLE, 1230)).toEqual({});
  });

  it('narrows the text columns at 1024 px so every column stays on screen', () => {
    const fitted = fitToWidth({}, DEFAULT_VISIBLE, 998);
    expect(total(fitted)).toBeLessThanOrEqual(998);
    expect(fitted.what).toBeGreaterThanOrEqual(200);
  });

  it('keeps a width the person set', () => {
    expect(fitToWidth({ what: 500 }, DEFAULT_VISIBLE, 998).what).toBe(500);
  });
});
