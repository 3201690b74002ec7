import { describe, expect, it } from 'vitest';
import { rateHolds, staleHolds, staleMessage } from './alert-checks.ts';
import type { SourceFreshness } from './source-freshness.ts';

const HOUR = 3_600_000;
const freshness = (over: Partial<SourceFreshness>): SourceFreshness => ({
  source: 'partner-opportunities',
  runs: 3,
  lastSuccessAt: new Date('2026-11-20T00:00:00Z'),
  ageMs: 10 * HOUR,
  stale: false,
  policy: { freshForMs: 24 * HOUR, staleAfterMs: 48 * HOUR },
  lagMs: 0,
  lastError: null,
  ...over,
});

describe('alert checks', () => {
  it('holds a source stale once it is past its policy plus the grace hours, and not before it ever ran', () => {
    expect(staleHolds(freshness({ ageMs: 47 * HOUR }), 0)).toBe(false);
    expect(staleHolds(freshness({ ageMs: 48 * HOUR }), 0)).toBe(true);
    expect(staleHolds(freshness({ ageMs: 49 * HOUR }), 2)).toBe(false);
    expect(staleHolds(freshness({ ageMs: 50 * HOUR }), 2)).toBe(true);
    expect(staleHolds(freshness({ ageMs: null }), 0)).toBe(true);
    expect(staleHolds(freshness({ ageMs: null, runs: 0 }), 0)).toBe(false);
  });

  it('says what is wrong, against which policy, with the last error', () => {
    expect(staleMessage(freshness({ ageMs: 49 * HOUR, lastError: 'partnerOpportunities.list answered 503' }))).toBe(
      'Partner Opportunities stale for 49 h (policy: stale after 48 h); last error: partnerOpportunities.list answered 503',
    );
    expect(staleMessage(freshness({ ageMs: null, runs: 1 }))).toBe(
      'Partner Opportunities has never synced successfully (1 run; policy: stale after 48 h)',
    );
  });

  it('holds a rate above its threshold over at least the minimum count only', () => {
    expect(rateHolds(3, 10, 0.2, 10)).toBe(true);
    expect(rateHolds(2, 10, 0.2, 10)).toBe(false); // at the threshold is not above it
    expect(rateHolds(5, 9, 0.2, 10)).toBe(false); // too few items to call it a rate
    expect(rateHolds(0, 0, 0, 0)).toBe(false);
  });
});
