#!/usr/bin/env node
// `pnpm validate` (what `npm test` runs after installing): every check, in stages, with each stage's time printed at
// the end so that the README's table of stage times can be kept true. The static checks and the build do not depend
// on each other and run side by side (their output is held and printed whole, one after the other). Vitest runs
// alone, since it keeps every core busy. The later stages pair a CPU-bound run with one that mostly waits: the
// clock-shifted unit tests beside the apply fleet (which waits on the upstream's rate limit), the Playwright stories
// (which wait on the browser) beside the Marketing Stream fleet. Stops at the first stage that fails.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const pnpm = fileURLToPath(new URL('./pnpm.mjs', import.meta.url));

/** Each stage is one script, or scripts run side by side. */
const STAGES = [['lint', 'typecheck', 'build'], ['test:unit'], ['test:clock', 'test:fleet'], ['test:e2e', 'test:fleet:stream']];

/** How much of a failed side-by-side script's output is repeated after the stage times. */
const FAILURE_TAIL_LINES = 80;

const seconds = (ms) => `${(ms / 1000).toFixed(0)} s`;

function run(script, { hold }) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [pnpm, 'run', script], { stdio: hold ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    const output = [];
    if (hold) {
      child.stdout.on('data', (chunk) => output.push(chunk));
      child.stderr.on('data', (chunk) => output.push(chunk));
    }
    child.on('close', (code, signal) => {
      if (hold) process.stdout.write(Buffer.concat(output));
      resolve({
        script,
        ok: code === 0,
        code: code ?? signal,
        ms: Date.now() - started,
        output: hold ? Buffer.concat(output).toString() : '',
      });
    });
  });
}

const results = [];
const started = Date.now();
let failed;
for (const stage of STAGES) {
  process.stdout.write(`\n▶ ${stage.join(', ')}\n`);
  const done = await Promise.all(stage.map((script) => run(script, { hold: stage.length > 1 })));
  results.push(...done);
  failed = done.find((result) => !result.ok);
  if (failed) break;
}

process.stdout.write('\nStage times\n');
for (const { script, ok, ms } of results)
  process.stdout.write(`  ${script.padEnd(18)} ${seconds(ms).padStart(7)}  ${ok ? 'passed' : 'FAILED'}\n`);
process.stdout.write(`  ${'total'.padEnd(18)} ${seconds(Date.now() - started).padStart(7)}\n`);
if (failed) {
  // A failing script that ran beside another had its output printed before its partner's: repeat its end here, where
  // a reader of the log (or of its last lines only) looks first.
  if (failed.output) {
    const tail = failed.output.trimEnd().split('\n').slice(-FAILURE_TAIL_LINES).join('\n');
    process.stderr.write(`\nThe last ${FAILURE_TAIL_LINES} lines of ${failed.script}:\n${tail}\n`);
  }
  process.stderr.write(`\n${failed.script} failed (${failed.code}).\n`);
  process.exit(1);
}
