/**
 * The difference-in-differences estimate of one applied change on one metric, with its uncertainty band. Pure: the
 * same days and seed always give the same answer, so a measurement run is idempotent.
 *
 * Each day of the before and after windows pairs the treated campaign's value with the baseline's (the sum of the
 * advertiser's comparable untouched campaigns). The counterfactual after-level of the treated campaign is its
 * before-level moved by the baseline's growth (proportional trends: campaigns of different sizes rarely move by the
 * same absolute amount, but often by the same share):
 *
 *   effect = L(treated, after) − L(treated, before) × L(baseline, after) / L(baseline, before)
 *
 * where L is the mean per day for a count or an amount (sales, cost...) and the ratio of sums for a rate (ACOS =
 * Σcost / Σsales), so a rate is never averaged over days with a zero denominator. The band is a bootstrap over days
 * (before and after days resampled independently, each day keeping its treated/baseline pair so the shocks they share
 * still cancel), with a seeded generator, widened for small samples (see `smallSampleWidening`).
 */

export type MetricShape = { kind: 'level' } | { kind: 'ratio' };

/** One day: the metric's numerator (and denominator, for a ratio) for the treated campaign and for the baseline. */
export interface DayPair {
  treated: number;
  treatedDenominator?: number;
  baseline: number;
  baselineDenominator?: number;
}

export interface DidInput {
  shape: MetricShape;
  before: readonly DayPair[];
  after: readonly DayPair[];
  /** Seeds the bootstrap; the measurement uses the recommendation id and metric, so reruns agree. */
  seed: string;
  /** Two-sided coverage of the band, 0.9 by default. */
  coverage?: number;
  resamples?: number;
}

export type DidResult =
  | {
      ok: true;
      estimate: number;
      lower: number;
      upper: number;
      relative: number | null;
      beforeLevel: number;
      days: { before: number; after: number };
    }
  | { ok: false; reason: string };

const DEFAULT_RESAMPLES = 1000;

/** 32-bit FNV-1a of a string: the bootstrap's seed. */
export function hashSeed(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** mulberry32: small, fast and good enough for resampling; seeded, so the band is reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** One-sided 95 % quantiles of Student's t for 1..30 degrees of freedom (the 90 % two-sided band). */
const T95 = [
  6.314, 2.92, 2.353, 2.132, 2.015, 1.943, 1.895, 1.86, 1.833, 1.812, 1.796, 1.782, 1.771, 1.761, 1.753, 1.746, 1.74, 1.734, 1.729, 1.725,
  1.721, 1.717, 1.714, 1.711, 1.708, 1.706, 1.703, 1.701, 1.699, 1.697,
];

/** Standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9): enough for band edges. */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const [a0, a1, a2, a3, a4, a5] = a as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = b as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = c as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = d as [number, number, number, number];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) / (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1);
}

/** Student's t quantile: the table at 95 % for small df, else the Cornish–Fisher expansion around the normal. */
export function tQuantile(p: number, df: number): number {
  if (Math.abs(p - 0.95) < 1e-12 && df >= 1 && df <= T95.length) return T95[Math.floor(df) - 1] as number;
  const z = normalQuantile(p);
  const g1 = (z ** 3 + z) / 4;
  const g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96;
  const g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3;
}

/**
 * The percentile bootstrap is too narrow with few days: it sees the sample variance with (n−1)/n, and the sampling
 * distribution of a mean of n noisy days has t-tails, not normal ones. Widening the band around the estimate by
 * sqrt(n/(n−1)) · t(n−1)/z keeps a 90 % band near 90 % at the 7..14 days a window has (×1.08 at 14 days, ×1.9 at 3).
 */
export function smallSampleWidening(days: number, coverage: number): number {
  if (days < 2) return Number.POSITIVE_INFINITY;
  const p = 1 - (1 - coverage) / 2;
  return Math.sqrt(days / (days - 1)) * (tQuantile(p, days - 1) / normalQuantile(p));
}

function levelOf(shape: MetricShape, days: readonly DayPair[], index: ArrayLike<number>, side: 'treated' | 'baseline'): number | null {
  let numerator = 0;
  let denominator = 0;
  for (let i = 0; i < index.length; i++) {
    const day = days[index[i] as number] as DayPair;
    if (side === 'treated') {
      numerator += day.treated;
      denominator += shape.kind === 'ratio' ? (day.treatedDenominator ?? 0) : 1;
    } else {
      numerator += day.baseline;
      denominator += shape.kind === 'ratio' ? (day.baselineDenominator ?? 0) : 1;
    }
  }
  return denominator > 0 ? numerator / denominator : null;
}

function effectOf(
  shape: MetricShape,
  before: readonly DayPair[],
  after: readonly DayPair[],
  beforeIndex: ArrayLike<number>,
  afterIndex: ArrayLike<number>,
): { effect: number; treatedBefore: number } | null {
  const treatedBefore = levelOf(shape, before, beforeIndex, 'treated');
  const treatedAfter = levelOf(shape, after, afterIndex, 'treated');
  const baselineBefore = levelOf(shape, before, beforeIndex, 'baseline');
  const baselineAfter = levelOf(shape, after, afterIndex, 'baseline');
  if (treatedBefore === null || treatedAfter === null || baselineBefore === null || baselineAfter === null || baselineBefore <= 0)
    return null;
  return { effect: treatedAfter - treatedBefore * (baselineAfter / baselineBefore), treatedBefore };
}

function quantileOf(sorted: readonly number[], p: number): number {
  const position = (sorted.length - 1) * p;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sorted[below] as number;
  const high = sorted[above] as number;
  return low + (high - low) * (position - below);
}

export function differenceInDifferences(input: DidInput): DidResult {
  const { shape, before, after } = input;
  const coverage = input.coverage ?? 0.9;
  if (before.length < 2 || after.length < 2) return { ok: false, reason: 'fewer than two days in a window' };
  const identity = (n: number) => Array.from({ length: n }, (_, i) => i);
  const point = effectOf(shape, before, after, identity(before.length), identity(after.length));
  if (!point) return { ok: false, reason: 'the baseline or the treated campaign has no level to compare in a window' };

  const random = seededRandom(hashSeed(input.seed));
  const resamples = input.resamples ?? DEFAULT_RESAMPLES;
  const replicates: number[] = [];
  const beforeIndex = new Uint16Array(before.length);
  const afterIndex = new Uint16Array(after.length);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < before.length; i++) beforeIndex[i] = Math.floor(random() * before.length);
    for (let i = 0; i < after.length; i++) afterIndex[i] = Math.floor(random() * after.length);
    const replicate = effectOf(shape, before, after, beforeIndex, afterIndex);
    // A resample without any denominator (all its days had no sales, say) has no rate: it is left out.
    if (replicate) replicates.push(replicate.effect);
  }
  if (replicates.length < resamples / 2) return { ok: false, reason: 'too few days with a level to resample' };
  replicates.sort((x, y) => x - y);
  const tail = (1 - coverage) / 2;
  const widening = smallSampleWidening(Math.min(before.length, after.length), coverage);
  const lower = point.effect - widening * (point.effect - quantileOf(replicates, tail));
  const upper = point.effect + widening * (quantileOf(replicates, 1 - tail) - point.effect);
  return {
    ok: true,
    estimate: point.effect,
    // The percentile band may sit wholly on one side of a skewed estimate; never report a band that excludes it.
    lower: Math.min(lower, point.effect),
    upper: Math.max(upper, point.effect),
    relative: point.treatedBefore !== 0 ? point.effect / point.treatedBefore : null,
    beforeLevel: point.treatedBefore,
    days: { before: before.length, after: after.length },
  };
}
