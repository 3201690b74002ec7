/**
 * `pnpm bench`: runs every `*.bench.ts` beside this file (or those named on the command line), prints each result
 * and puts them in bench/results.md at the repository root (results-file.ts: their sections replaced, the others
 * kept), led by a table of every goal the issues name and whether its latest run met it.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Benchmark } from './bench-report.ts';
import { type MeasuredResult, mergeResults } from './results-file.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => only.length === 0 || only.some((name) => file.includes(name)))
  .sort();

const run = {
  at: new Date().toISOString(),
  machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}, Node.js ${process.version}`,
  command: ['pnpm bench', ...only].join(' '),
};
/**
 * How busy the CPUs are now, over one second (0–1). Not the load average: on this kind of machine tasks waiting on
 * I/O keep it near 5 with the CPUs idle, so it says little about what a benchmark competes with.
 */
async function cpuBusy(): Promise<number> {
  const times = () =>
    os
      .cpus()
      .reduce((sum, cpu) => ({ idle: sum.idle + cpu.times.idle, total: sum.total + Object.values(cpu.times).reduce((a, b) => a + b, 0) }), {
        idle: 0,
        total: 0,
      });
  const before = times();
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const after = times();
  return 1 - (after.idle - before.idle) / Math.max(1, after.total - before.total);
}

const measured: MeasuredResult[] = [];
for (const file of files) {
  const { benchmark } = (await import(pathToFileURL(path.join(here, file)).href)) as { benchmark: Benchmark };
  const busyAtStart = await cpuBusy();
  console.info(`\n▶ ${benchmark.name} (CPUs ${(busyAtStart * 100).toFixed(0)} % busy)`);
  const result = await benchmark.run();
  for (const m of result.measurements) {
    console.info(
      `  ${m.label}: ${m.value.toFixed(2)} ${m.unit}${m.floor === undefined ? '' : ` (floor ${m.floor.toFixed(2)} ${m.unit}, ratio ${m.ratio?.toFixed(2)}×)`}${m.goal ? ` goal ${m.goal}: ${m.met ? 'met' : 'NOT MET'}` : ''}`,
    );
  }
  measured.push({ result, busyAtStart });
}

const out = path.resolve(here, '../../../bench/results.md');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, mergeResults(existsSync(out) ? readFileSync(out, 'utf8') : '', measured, run));
console.info(`\nWrote ${out} (${measured.length} benchmark(s) re-measured, the other sections kept)`);
