/**
 * The simulated clock: a base clock (the wall clock, or a test's) plus an offset that only grows. The simulator and,
 * in simulated mode, the BFF read the same instance (or, across processes, the same offset through
 * `/_simulator/clock`), so advancing it makes new days of performance exist upstream while the BFF's expiry,
 * freshness and token logic see the same new time. The offset lives as long as the process.
 */
import type { SimulatorClock } from './state.ts';

const HOUR_MS = 3_600_000;

export class AdvanceableClock implements SimulatorClock {
  private offset: number;
  private readonly listeners = new Set<(offsetMs: number) => void>();

  constructor(
    private readonly base: () => Date = () => new Date(),
    offsetMs = 0,
  ) {
    this.offset = Math.max(0, offsetMs);
  }

  now(): Date {
    return new Date(this.base().getTime() + this.offset);
  }

  get offsetMs(): number {
    return this.offset;
  }

  /** Moves the clock forward (never back: the world's history would no longer be the one already reported). */
  advance(by: { days?: number; hours?: number }): Date {
    const ms = ((by.days ?? 0) * 24 + (by.hours ?? 0)) * HOUR_MS;
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the simulated clock only moves forward');
    this.setOffset(this.offset + ms);
    return this.now();
  }

  /** Follows another process's clock (the BFF reading the shared simulator's offset). */
  setOffset(offsetMs: number): void {
    if (!Number.isFinite(offsetMs) || offsetMs < 0) throw new RangeError('the offset must be a non-negative number of ms');
    if (offsetMs === this.offset) return;
    // Listeners run while the old time still holds: the simulator records the settings in force before the jump.
    for (const listener of this.listeners) listener(offsetMs);
    this.offset = offsetMs;
  }

  /** Called before every change of the offset, with the new offset. */
  onBeforeAdvance(listener: (offsetMs: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export function isAdvanceable(clock: SimulatorClock): clock is AdvanceableClock {
  return clock instanceof AdvanceableClock;
}
