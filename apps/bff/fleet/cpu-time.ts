/**
 * CPU seconds a process has used (user + system, from /proc on Linux; null elsewhere): on a machine shared with
 * other work, the CPU a scenario's processes used says more about what it costs than the wall-clock time it took.
 */
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

function cpuSecondsOf(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The fields after the command name (which may hold spaces), counted from its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/**
 * CPU used by a changing set of processes since `start()`: sampled (a process that exits keeps its last sample), so
 * a killed worker and the database backends of closed connections still count.
 */
export class CpuMeter {
  private readonly base = new Map<number, number>();
  private readonly last = new Map<number, number>();

  sample(pids: readonly number[]): void {
    for (const pid of pids) {
      const seconds = cpuSecondsOf(pid);
      if (seconds === null) continue;
      this.last.set(pid, seconds);
    }
  }

  /** From now on: what was used before is left out, processes first seen later count from zero. */
  start(pids: readonly number[]): void {
    this.sample(pids);
    for (const [pid, seconds] of this.last) this.base.set(pid, seconds);
  }

  total(): number {
    let sum = 0;
    for (const [pid, seconds] of this.last) sum += seconds - (this.base.get(pid) ?? 0);
    return sum;
  }
}
