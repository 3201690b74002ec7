import { describe, expect, it } from 'vitest';
import { reachAt } from './reach-at.ts';

const curve = [
  { spend: 1000, reach: 30_000 },
  { spend: 250, reach: 10_000 },
  { spend: 2000, reach: 42_000 },
];

describe('reachAt', () => {
  it('reads the curve between its points, and clamps to its ends', () => {
    expect(reachAt(curve, 1000)).toBe(30_000);
    expect(reachAt(curve, 1500)).toBe(36_000);
    expect(reachAt(curve, 625)).toBe(20_000);
    expect(reachAt(curve, 10)).toBe(10_000);
    expect(reachAt(curve, 9999)).toBe(42_000);
    expect(reachAt([], 100)).toBe(0);
  });
});
