/**
 * `pnpm bench`: runs every `*.bench.ts` beside this file (or those named on the command line), prints each result
 * and writes them all to bench/results.md at the repository root, with the machine and the date, led by a table of
 * every goal the issues name and whether this run met it.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Benchmark, BenchResult } from './bench-report.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => only.length === 0 || only.some((name) => file.includes(name)))
  .sort();

const results: BenchResult[] = [];
for (const file of files) {
  const { benchmark } = (await import(pathToFileURL(path.join(here, file)).href)) as { benchmark: Benchmark };
  console.info(`\n▶ ${benchmark.name}`);
  const result = await benchmark.run();
  for (const m of result.measurements) {
    console.info(
      `  ${m.label}: ${m.value.toFixed(2)} ${m.unit}${m.floor === undefined ? '' : ` (floor ${m.floor.toFixed(2)} ${m.unit}, ratio ${m.ratio?.toFixed(2)}×)`}${m.goal ? ` goal ${m.goal}: ${m.met ? 'met' : 'NOT MET'}` : ''}`,
    );
  }
  results.push(result);
}

const cell = (value: number | undefined, digits = 2) => (value === undefined ? '' : value.toFixed(digits));
const lines = [
  '# RecDesk benchmarks',
  '',
  `Produced by \`pnpm bench\` on ${new Date().toISOString()}.`,
  `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}, Node.js ${process.version}.`,
  '',
];
// Every goal the issues name, first, each with its ratio and whether this run met it.
const goals = results.flatMap((result) => result.measurements.filter((m) => m.goal).map((m) => ({ result, m })));
lines.push(
  '## Goals',
  '',
  `${goals.filter(({ m }) => m.met).length} of ${goals.length} goals met in this run.`,
  '',
  '| benchmark | measurement | value | ratio | goal | met |',
  '| --- | --- | ---: | ---: | --- | --- |',
  ...goals.map(
    ({ result, m }) =>
      `| ${result.name} | ${m.label} | ${cell(m.value)} ${m.unit} | ${m.ratio === undefined ? '' : `${m.ratio.toFixed(2)}×`} | ${m.goal} | ${m.met ? 'yes' : '**NOT MET**'} |`,
  ),
  '',
);
for (const result of results) {
  lines.push(
    `## ${result.name}`,
    '',
    '| measurement | value | unit | floor | ratio | goal | met |',
    '| --- | ---: | --- | ---: | ---: | --- | --- |',
  );
  for (const m of result.measurements) {
    lines.push(
      `| ${m.label} | ${cell(m.value)} | ${m.unit} | ${cell(m.floor)} | ${m.ratio === undefined ? '' : `${m.ratio.toFixed(2)}×`} | ${m.goal ?? ''} | ${m.met === undefined ? '' : m.met ? 'yes' : '**no**'} |`,
    );
  }
  for (const note of result.notes ?? []) lines.push('', `- ${note}`);
  lines.push('');
}
const out = path.resolve(here, '../../../bench/results.md');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, `${lines.join('\n')}\n`);
console.info(`\nWrote ${out}`);
