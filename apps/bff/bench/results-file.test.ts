import { describe, expect, it } from 'vitest';
import type { BenchResult } from './bench-report.ts';
import { mergeResults, parseResults } from './results-file.ts';

const run = { at: '2026-12-06T18:00:00.000Z', machine: '2 × test CPU', command: 'pnpm bench apply' };

const applyResult = (seconds: number): BenchResult => ({
  name: 'apply 2000 approved items',
  measurements: [
    { label: 'wall time', value: seconds, unit: 's', floor: 3, ratio: seconds / 3, goal: '≤ 1.15× floor', met: seconds / 3 <= 1.15 },
    { label: 'items applied', value: 2000, unit: 'items' },
  ],
  notes: ['PGlite in memory.'],
});
const listResult: BenchResult = {
  name: 'Queue list at 100k',
  measurements: [{ label: 'p95', value: 40, unit: 'ms', goal: '≤ 50 ms', met: true }],
};

describe('bench/results.md', () => {
  it('re-measuring one benchmark replaces its section and goal rows and keeps the others, hand-written ones too', () => {
    const first = mergeResults(
      '',
      [
        { result: applyResult(4.08), busyAtStart: 0.75 },
        { result: listResult, busyAtStart: 0.04 },
      ],
      run,
    );
    const withNote = `${first}\n## A note written by hand\n\nKept as it is.\n`;

    const second = mergeResults(withNote, [{ result: applyResult(3.2), busyAtStart: 0.02 }], { ...run, at: '2026-12-07T09:00:00.000Z' });

    const { goals, sections } = parseResults(second);
    expect([...sections.keys()]).toEqual(['apply 2000 approved items', 'Queue list at 100k', 'A note written by hand']);
    expect(sections.get('apply 2000 approved items')).toContain('Measured 2026-12-07T09:00:00.000Z by `pnpm bench apply` (CPUs 2 % busy');
    expect(sections.get('apply 2000 approved items')).toContain('| wall time | 3.20 | s | 3.00 | 1.07× | ≤ 1.15× floor | yes |');
    expect(sections.get('Queue list at 100k')).toContain('CPUs 4 % busy');
    expect(sections.get('A note written by hand')).toContain('Kept as it is.');
    expect(goals.get('apply 2000 approved items')).toEqual([
      '| apply 2000 approved items | wall time | 3.20 s | 1.07× | ≤ 1.15× floor | yes |',
    ]);
    expect(second).toContain('2 of 2 goals met, each in its latest run.');
  });

  it('counts a goal not met', () => {
    expect(mergeResults('', [{ result: applyResult(4.08), busyAtStart: 0.1 }], run)).toContain('0 of 1 goals met');
  });
});
