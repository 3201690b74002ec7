import { describe, expect, it } from 'vitest';
import { type DayPair, differenceInDifferences, normalQuantile, seededRandom, smallSampleWidening, tQuantile } from './did-estimator.ts';

/** Gaussian noise from the seeded generator (Box–Muller), so the synthetic series are the same on every run. */
function gaussian(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/**
 * A treated campaign at `treatedLevel` per day and a baseline at `baselineLevel`, sharing a day-to-day market shock
 * (which difference-in-differences must cancel) and a trend, each with its own noise (`noise`, a share of its level);
 * the treated campaign gains `effect` per day in the after window.
 */
function series(options: { days: number; effect: number; noise: number; seed: number; trend?: number }) {
  const normal = gaussian(seededRandom(options.seed));
  const treatedLevel = 200;
  const baselineLevel = 1000;
  const make = (offset: number, effect: number): DayPair[] =>
    Array.from({ length: options.days }, (_, i) => {
      const day = offset + i;
      const market = (1 + (options.trend ?? 0) * day) * (1 + 0.15 * normal());
      return {
        treated: Math.max(0, treatedLevel * market * (1 + options.noise * normal()) + effect),
        baseline: Math.max(0, baselineLevel * market * (1 + options.noise * normal())),
      };
    });
  return { before: make(0, 0), after: make(options.days + 1, options.effect) };
}

describe('differenceInDifferences', () => {
  it('recovers a known effect within its band, through a shared market shock and a trend', () => {
    const { before, after } = series({ days: 14, effect: 40, noise: 0.05, seed: 7, trend: 0.01 });
    const result = differenceInDifferences({ shape: { kind: 'level' }, before, after, seed: 'known-effect' });
    if (!result.ok) throw new Error(result.reason);
    expect(result.lower).toBeLessThanOrEqual(40);
    expect(result.upper).toBeGreaterThanOrEqual(40);
    expect(result.lower).toBeGreaterThan(0);
    expect(result.estimate).toBeGreaterThan(25);
    expect(result.estimate).toBeLessThan(55);
    expect(result.relative).toBeCloseTo(result.estimate / result.beforeLevel, 10);
  });

  it('recovers a known effect in most of 40 independent worlds (the band is a 90 % band, not a promise)', () => {
    let covered = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const { before, after } = series({ days: 14, effect: 30, noise: 0.08, seed });
      const result = differenceInDifferences({ shape: { kind: 'level' }, before, after, seed: `world-${seed}`, resamples: 400 });
      if (result.ok && result.lower <= 30 && result.upper >= 30) covered++;
    }
    expect(covered).toBeGreaterThanOrEqual(32);
  });

  it('with no effect, the band includes zero', () => {
    const { before, after } = series({ days: 14, effect: 0, noise: 0.05, seed: 11, trend: -0.01 });
    const result = differenceInDifferences({ shape: { kind: 'level' }, before, after, seed: 'no-effect' });
    if (!result.ok) throw new Error(result.reason);
    expect(result.lower).toBeLessThanOrEqual(0);
    expect(result.upper).toBeGreaterThanOrEqual(0);
    expect(Math.abs(result.estimate)).toBeLessThan(20);
  });

  it('gives noisy small samples a wide band, wider than the same world over two weeks', () => {
    const noisy = series({ days: 3, effect: 40, noise: 0.4, seed: 5 });
    const small = differenceInDifferences({ shape: { kind: 'level' }, ...noisy, seed: 'small' });
    const calm = series({ days: 14, effect: 40, noise: 0.05, seed: 5 });
    const large = differenceInDifferences({ shape: { kind: 'level' }, ...calm, seed: 'large' });
    if (!small.ok || !large.ok) throw new Error('both should be estimable');
    expect(small.upper - small.lower).toBeGreaterThan(3 * (large.upper - large.lower));
    // 40 a day on a level of 200 is 20 %: a three-day window with 40 % noise cannot tell it from nothing.
    expect(small.lower).toBeLessThan(0);
  });

  it('is reproducible for a seed, and another seed moves the band only a little', () => {
    const { before, after } = series({ days: 14, effect: 20, noise: 0.1, seed: 3 });
    const a = differenceInDifferences({ shape: { kind: 'level' }, before, after, seed: 'item-1:sales' });
    const b = differenceInDifferences({ shape: { kind: 'level' }, before, after, seed: 'item-1:sales' });
    const c = differenceInDifferences({ shape: { kind: 'level' }, before, after, seed: 'item-2:sales' });
    expect(a).toEqual(b);
    if (!a.ok || !c.ok) throw new Error('estimable');
    expect(c.estimate).toBe(a.estimate);
    expect(Math.abs(c.lower - a.lower)).toBeLessThan(0.25 * (a.upper - a.lower));
  });

  it('measures a rate as a ratio of sums, and a cut in ACOS as a negative effect', () => {
    const day = (cost: number, sales: number, baseCost: number, baseSales: number): DayPair => ({
      treated: cost,
      treatedDenominator: sales,
      baseline: baseCost,
      baselineDenominator: baseSales,
    });
    const before = [day(30, 100, 300, 1000), day(33, 100, 310, 1000), day(27, 90, 290, 1000), day(30, 110, 300, 1000)];
    // ACOS 0.30 → 0.20 while the baseline stays at 0.30; one day without sales is no division by zero.
    const after = [day(20, 100, 300, 1000), day(22, 110, 305, 1000), day(0, 0, 295, 1000), day(18, 90, 300, 1000)];
    const result = differenceInDifferences({ shape: { kind: 'ratio' }, before, after, seed: 'acos' });
    if (!result.ok) throw new Error(result.reason);
    expect(result.estimate).toBeCloseTo(-0.1, 1);
    expect(result.upper).toBeLessThan(0);
  });

  it('refuses what it cannot estimate: one day, or a baseline with nothing before', () => {
    const pair = { treated: 1, baseline: 1 };
    expect(differenceInDifferences({ shape: { kind: 'level' }, before: [pair], after: [pair, pair], seed: 's' }).ok).toBe(false);
    const empty = { treated: 5, baseline: 0 };
    expect(differenceInDifferences({ shape: { kind: 'level' }, before: [empty, empty], after: [pair, pair], seed: 's' }).ok).toBe(false);
  });
});

describe('quantiles', () => {
  it('match the tables', () => {
    expect(normalQuantile(0.95)).toBeCloseTo(1.6449, 4);
    expect(normalQuantile(0.025)).toBeCloseTo(-1.96, 3);
    expect(tQuantile(0.95, 13)).toBeCloseTo(1.771, 3);
    expect(tQuantile(0.95, 60)).toBeCloseTo(1.671, 2);
    expect(tQuantile(0.975, 40)).toBeCloseTo(2.021, 2);
  });

  it('widen small samples more than large ones', () => {
    expect(smallSampleWidening(3, 0.9)).toBeGreaterThan(1.8);
    expect(smallSampleWidening(14, 0.9)).toBeGreaterThan(1);
    expect(smallSampleWidening(14, 0.9)).toBeLessThan(1.15);
    expect(smallSampleWidening(1, 0.9)).toBe(Number.POSITIVE_INFINITY);
  });
});
