/**
 * Calibration of the impact measurement against the truth (issue 19): over simulated quarters (several seeds) with
 * thousands of applied changes of every kind, each change is measured as the BFF measures it (`measureSubject`, the
 * advertiser's untouched campaigns as baseline, difference-in-differences with a bootstrap band) and compared with the
 * simulator's true effect on its target metric (calibration-world.ts).
 *
 * Reported: coverage of the 90 % band (goal 88–92 %), bias (mean error over the mean absolute true effect), the share
 * of changes that could be measured, the same per kind, and the spread of coverage across seeds.
 */
import { performance } from 'node:perf_hooks';
import type { MeasuredEffect } from '@recdesk/shared-types';
import { measureSubject } from '../src/impact/impact-measurement.ts';
import type { BenchMeasurement, Benchmark } from './bench-report.ts';
import { type CalibrationChange, CHANGE_KINDS, type ChangeKind, calibrationWorld, WINDOW } from './calibration-world.ts';

const SEEDS = [11, 22, 33, 44, 55];
const OPTIONS = { advertisers: 25, campaignsPerProfile: 14, changesPerProfile: 10 };

export interface Outcome {
  seed: number;
  changeKind: ChangeKind;
  /** Where it was measured: on its campaign, on its own keyword or target, or on its campaign as a fallback. */
  level: 'campaign' | 'targeting' | 'fallback';
  measured: boolean;
  covered: boolean;
  error: number;
  truth: number;
}

/** Measures every change of one simulated quarter and compares it with its truth. */
export function calibrate(seed: number, options = OPTIONS): Outcome[] {
  const world = calibrationWorld(seed, options);
  const now = new Date(`${world.today}T06:00:00Z`);
  return world.changes.map((change: CalibrationChange) => {
    const row = measureSubject(change.subject, {
      today: world.today,
      config: WINDOW,
      rows: world.rows.get(change.subject.advertiserId) ?? [],
      targetingRows: world.targetingRows.get(change.subject.advertiserId) ?? [],
      changeDays: world.changeDays,
      now,
    });
    const effect = row.state === 'measured' ? ((JSON.parse(row.effects) as MeasuredEffect[])[0] ?? null) : null;
    // Judged against the truth of the series it was measured on: its own keyword, or its campaign after a fallback.
    const onCampaign = row.measured_level === 'campaign';
    const truth = onCampaign ? change.campaignTruth : change.truth;
    const level = change.subject.targeting ? (onCampaign ? 'fallback' : 'targeting') : 'campaign';
    if (!effect || !Number.isFinite(truth))
      return { seed, changeKind: change.changeKind, level, measured: false, covered: false, error: 0, truth };
    return {
      seed,
      changeKind: change.changeKind,
      level,
      measured: true,
      covered: effect.lower <= truth && truth <= effect.upper,
      error: effect.estimate - truth,
      truth,
    };
  });
}

export interface Summary {
  changes: number;
  measured: number;
  coverage: number;
  bias: number;
}

export function summarise(outcomes: readonly Outcome[]): Summary {
  const measured = outcomes.filter((o) => o.measured);
  const meanAbsTruth = measured.reduce((sum, o) => sum + Math.abs(o.truth), 0) / (measured.length || 1);
  const meanError = measured.reduce((sum, o) => sum + o.error, 0) / (measured.length || 1);
  return {
    changes: outcomes.length,
    measured: measured.length,
    coverage: measured.filter((o) => o.covered).length / (measured.length || 1),
    bias: meanAbsTruth > 0 ? meanError / meanAbsTruth : 0,
  };
}

const pct = (fraction: number) => fraction * 100;

export const benchmark: Benchmark = {
  name: 'Impact calibration against the simulator (issue 19)',
  async run() {
    const start = performance.now();
    const outcomes = SEEDS.flatMap((seed) => calibrate(seed));
    const elapsed = (performance.now() - start) / 1000;
    const all = summarise(outcomes);
    const perSeed = SEEDS.map((seed) => summarise(outcomes.filter((o) => o.seed === seed)));
    const coverages = perSeed.map((s) => pct(s.coverage));
    const mean = coverages.reduce((a, b) => a + b, 0) / coverages.length;
    const sd = Math.sqrt(coverages.reduce((a, c) => a + (c - mean) ** 2, 0) / Math.max(1, coverages.length - 1));
    const measurements: BenchMeasurement[] = [
      {
        label: `90 % band coverage over ${all.measured.toLocaleString('en')} measured changes (${SEEDS.length} seeds)`,
        value: pct(all.coverage),
        unit: '%',
        goal: '88–92 %',
        met: all.coverage >= 0.88 && all.coverage <= 0.92,
      },
      {
        label: 'changes applied (at least 2,000)',
        value: all.changes,
        unit: 'changes',
        goal: '≥ 2,000',
        met: all.changes >= 2000,
      },
      { label: 'share measurable', value: pct(all.measured / all.changes), unit: '%' },
      { label: 'bias (mean error / mean |true effect|)', value: pct(all.bias), unit: '%' },
      { label: 'coverage across seeds: min', value: Math.min(...coverages), unit: '%' },
      { label: 'coverage across seeds: max', value: Math.max(...coverages), unit: '%' },
      { label: 'coverage across seeds: standard deviation', value: sd, unit: 'points' },
    ];
    for (const kind of CHANGE_KINDS) {
      const of = summarise(outcomes.filter((o) => o.changeKind === kind));
      measurements.push(
        { label: `${kind}: coverage (${of.measured} measured of ${of.changes})`, value: pct(of.coverage), unit: '%' },
        { label: `${kind}: bias`, value: pct(of.bias), unit: '%' },
      );
    }
    const keywordChanges = outcomes.filter((o) => o.changeKind.startsWith('keyword'));
    const onTargeting = summarise(keywordChanges.filter((o) => o.level === 'targeting'));
    measurements.push(
      {
        label: `keyword bid changes measured on their own keyword or target (${onTargeting.measured} of ${keywordChanges.length}): coverage`,
        value: pct(onTargeting.coverage),
        unit: '%',
      },
      {
        label: 'keyword bid changes that fell back to their campaign',
        value: keywordChanges.filter((o) => o.level === 'fallback').length,
        unit: 'changes',
      },
    );
    return {
      name: 'Impact calibration against the simulator (issue 19)',
      measurements,
      notes: [
        `Seeds ${SEEDS.join(', ')}; per seed ${OPTIONS.advertisers} advertisers (one to three marketplaces each, one "advertiser" of the measurement per profile), ${OPTIONS.campaignsPerProfile} campaigns per profile, up to ${OPTIONS.changesPerProfile} changes per profile over a 90-day quarter (a campaign at most once in 30 days); windows ${WINDOW.windowDays} days, settle ${WINDOW.settleDays}.`,
        `Per seed: ${perSeed.map((s, i) => `seed ${SEEDS[i]} ${pct(s.coverage).toFixed(1)} % of ${s.measured} (bias ${pct(s.bias).toFixed(1)} %)`).join('; ')}.`,
        "Truth: the simulator is deterministic per campaign and day, so the true effect of a change is its series' after-window days with every change minus the same days with that change taken out of the settings history, on the change's target metric (mean per day; ACOS/ROAS as a ratio of sums). A keyword or target change is measured and judged on its own targeting series (the simulator's split of the campaign day), or on its campaign when it fell back.",
        'Bias per kind is relative to the mean |true effect| of the kind: kinds whose true effects are near zero (budget cuts, judged on ACOS) show a large relative bias from small absolute errors.',
        `Took ${elapsed.toFixed(1)} s.`,
      ],
    };
  },
};
