/**
 * bench/results.md as a set of sections, one per benchmark, each dated by the run that measured it. A run of some
 * benchmarks (`pnpm bench apply`) replaces their sections and their rows of the goals table and keeps every other
 * section as it was: before, it rewrote the file with its own results only, so a re-measured row wiped the others.
 */
import type { BenchResult } from './bench-report.ts';

export interface RunContext {
  /** When the run started (ISO). */
  at: string;
  /** The machine, as one line (cores, CPU, memory, OS, Node.js). */
  machine: string;
  /** The command that ran, e.g. `pnpm bench apply`. */
  command: string;
}

export interface MeasuredResult {
  result: BenchResult;
  /** How busy the CPUs were (0–1) as the benchmark started: a busy machine's figures are not an idle machine's. */
  busyAtStart: number;
}

const GOALS_HEADING = '## Goals';
const GOALS_HEADER = ['| benchmark | measurement | value | ratio | goal | met |', '| --- | --- | ---: | ---: | --- | --- |'];

const cell = (value: number | undefined, digits = 2) => (value === undefined ? '' : value.toFixed(digits));

function goalRows({ result }: MeasuredResult): string[] {
  return result.measurements
    .filter((m) => m.goal)
    .map(
      (m) =>
        `| ${result.name} | ${m.label} | ${cell(m.value)} ${m.unit} | ${m.ratio === undefined ? '' : `${m.ratio.toFixed(2)}×`} | ${m.goal} | ${m.met ? 'yes' : '**NOT MET**'} |`,
    );
}

function section({ result, busyAtStart }: MeasuredResult, run: RunContext): string {
  const lines = [
    `## ${result.name}`,
    '',
    `Measured ${run.at} by \`${run.command}\` (CPUs ${(busyAtStart * 100).toFixed(0)} % busy as it started). ${run.machine}.`,
    '',
    '| measurement | value | unit | floor | ratio | goal | met |',
    '| --- | ---: | --- | ---: | ---: | --- | --- |',
  ];
  for (const m of result.measurements) {
    lines.push(
      `| ${m.label} | ${cell(m.value)} | ${m.unit} | ${cell(m.floor)} | ${m.ratio === undefined ? '' : `${m.ratio.toFixed(2)}×`} | ${m.goal ?? ''} | ${m.met === undefined ? '' : m.met ? 'yes' : '**no**'} |`,
    );
  }
  for (const note of result.notes ?? []) lines.push('', `- ${note}`);
  return lines.join('\n');
}

interface ParsedFile {
  /** Goal rows by benchmark name (the first cell), in file order. */
  goals: Map<string, string[]>;
  /** Sections other than the goals, by heading (without `## `), in file order, each with its heading. */
  sections: Map<string, string>;
}

/** Reads a results file this module (or an earlier `pnpm bench`) wrote; text outside the sections is dropped. */
export function parseResults(markdown: string): ParsedFile {
  const goals = new Map<string, string[]>();
  const sections = new Map<string, string>();
  const chunks = markdown.split(/^(?=## )/m).filter((chunk) => chunk.startsWith('## '));
  for (const chunk of chunks) {
    const heading = (chunk.split('\n', 1)[0] ?? '').slice(3).trim();
    if (`## ${heading}` === GOALS_HEADING) {
      for (const line of chunk.split('\n')) {
        const name = /^\| ([^|]+?) \|/.exec(line)?.[1];
        if (!name || line.startsWith(GOALS_HEADER[0] ?? '') || line.startsWith('| ---')) continue;
        goals.set(name, [...(goals.get(name) ?? []), line]);
      }
    } else sections.set(heading, chunk.trimEnd());
  }
  return { goals, sections };
}

/** The file with these results in place of their earlier sections and goal rows; every other section kept. */
export function mergeResults(existing: string, measured: readonly MeasuredResult[], run: RunContext): string {
  const { goals, sections } = parseResults(existing);
  for (const entry of measured) {
    goals.set(entry.result.name, goalRows(entry));
    sections.set(entry.result.name, section(entry, run));
  }
  const rows = [...goals.values()].flat();
  const met = rows.filter((row) => /\| yes \|\s*$/.test(row)).length;
  return `${[
    '# RecDesk benchmarks',
    '',
    'Written by `pnpm bench` (`pnpm bench <name>` re-measures some and keeps the rest). Each section says when it was',
    'measured, on what, and how busy the machine was; the goals table gathers the latest figure of every goal.',
    '',
    GOALS_HEADING,
    '',
    `${met} of ${rows.length} goals met, each in its latest run.`,
    '',
    ...GOALS_HEADER,
    ...rows,
    '',
    [...sections.values()].join('\n\n'),
  ].join('\n')}\n`;
}
