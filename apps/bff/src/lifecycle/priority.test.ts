import { describe, expect, it } from 'vitest';
import { normalisedImpact, type PrioritySubject, priorityOf, urgencyOf } from './priority.ts';

const now = new Date('2026-06-01T12:00:00Z');
const HOUR = 3_600_000;
const base: PrioritySubject = {
  source: 'partner-opportunities',
  kind: 'bid',
  confidence: null,
  impactScore: null,
  estimatedImpact: [],
  expiresAt: null,
};

describe('priorityOf', () => {
  it('gives an item without any signal the neutral prior', () => {
    // 100 × 0.8 × 0.3 × (0.5 + 0.5 × 0.6)
    expect(priorityOf(base, now)).toBe(19.2);
  });

  it('ranks higher impact, higher confidence and sooner expiry higher', () => {
    const low = priorityOf({ ...base, impactScore: 3, confidence: 0.9 }, now);
    const high = priorityOf({ ...base, impactScore: 8, confidence: 0.9 }, now);
    expect(high).toBeGreaterThan(low);
    const unsure = priorityOf({ ...base, impactScore: 8, confidence: 0.4 }, now);
    expect(high).toBeGreaterThan(unsure);
    const soon = priorityOf({ ...base, impactScore: 8, confidence: 0.9, expiresAt: new Date(now.getTime() + 6 * HOUR) }, now);
    const later = priorityOf({ ...base, impactScore: 8, confidence: 0.9, expiresAt: new Date(now.getTime() + 14 * 24 * HOUR) }, now);
    expect(soon).toBeGreaterThan(later);
    expect(later).toBeGreaterThan(high);
  });

  it('makes sources comparable: an impact range and an impact score of the same strength land close', () => {
    const range = priorityOf(
      { ...base, estimatedImpact: [{ metric: 'missed clicks', lower: 60, upper: 80, unit: 'count', periodDays: 7 }] },
      now,
    );
    const score = priorityOf({ ...base, impactScore: 5 }, now);
    expect(Math.abs(range - score)).toBeLessThan(5);
  });

  it('stays within 0..100 and applies the effectiveness hook, clamped', () => {
    const max = priorityOf({ ...base, impactScore: 10, confidence: 1, expiresAt: now }, now);
    expect(max).toBe(100);
    expect(priorityOf({ ...base, impactScore: 5 }, now, () => 1.2)).toBeCloseTo(priorityOf({ ...base, impactScore: 5 }, now) * 1.2, 1);
    expect(priorityOf({ ...base, impactScore: 5 }, now, () => 99)).toBeCloseTo(priorityOf({ ...base, impactScore: 5 }, now) * 1.5, 1);
  });
});

describe('normalisedImpact and urgencyOf', () => {
  it('normalises per metric family and per week, taking the strongest estimate', () => {
    expect(normalisedImpact([])).toBeNull();
    const clicks = normalisedImpact([{ metric: 'missed clicks', lower: 100, upper: 100, unit: 'count', periodDays: 7 }]);
    expect(clicks).toBeCloseTo(1 - Math.exp(-1), 5);
    const daily = normalisedImpact([{ metric: 'missed clicks', lower: 100 / 7, upper: 100 / 7, unit: 'count', periodDays: 1 }]);
    expect(daily).toBeCloseTo(clicks ?? 0, 5);
    const both = normalisedImpact([
      { metric: 'missed impressions', lower: 100, upper: 200, unit: 'count', periodDays: 7 },
      { metric: 'missed clicks', lower: 100, upper: 100, unit: 'count', periodDays: 7 },
    ]);
    expect(both).toBeCloseTo(clicks ?? 0, 5);
  });

  it('ignores a ratio (an audience affinity): a signal about the item, not an effect of acting on it', () => {
    expect(normalisedImpact([{ metric: 'affinity', lower: 3.2, upper: 3.2, unit: 'ratio', periodDays: null }])).toBeNull();
  });

  it('is 1 when due, decays with the hours left, and 0 without expiry', () => {
    expect(urgencyOf(now, now)).toBe(1);
    expect(urgencyOf(new Date(now.getTime() + 72 * HOUR), now)).toBeCloseTo(Math.exp(-1), 5);
    expect(urgencyOf(null, now)).toBe(0);
  });
});
