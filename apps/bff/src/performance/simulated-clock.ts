/**
 * The BFF's side of the simulated clock (simulated mode only). With the embedded simulator both read one
 * AdvanceableClock object. With a shared simulator process (ADS_SIMULATOR_URL) the BFF keeps its own clock at the
 * simulator's offset: read at start, after every advance, and every `refreshMs`, so every process of a fleet follows
 * an advance made through any of them. The simulator's answers are validated like any upstream answer.
 */

import { AdvanceableClock } from '@recdesk/ads-simulator/clock';
import { type SimulatorClock, SimulatorClockSchema } from '@recdesk/shared-types';

export interface SimulatedClockControl {
  now(): Date;
  read(): Promise<SimulatorClock>;
  advance(by: { days?: number; hours?: number }): Promise<SimulatorClock>;
  stop(): void;
}

export function embeddedClockControl(clock: AdvanceableClock): SimulatedClockControl {
  const snapshot = () => ({ now: clock.now().toISOString(), offsetMs: clock.offsetMs });
  return {
    now: () => clock.now(),
    read: async () => snapshot(),
    advance: async (by) => {
      clock.advance(by);
      return snapshot();
    },
    stop: () => undefined,
  };
}

export class RemoteClockControl implements SimulatedClockControl {
  readonly clock: AdvanceableClock;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly simulatorUrl: string,
    base: () => Date = () => new Date(),
  ) {
    this.clock = new AdvanceableClock(base);
  }

  now(): Date {
    return this.clock.now();
  }

  private async call(init?: RequestInit): Promise<SimulatorClock> {
    const response = await fetch(`${this.simulatorUrl}/_simulator/clock`, { ...init, signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`the simulator's clock answered ${response.status}: ${await response.text()}`);
    const parsed = SimulatorClockSchema.parse(await response.json());
    this.clock.setOffset(parsed.offsetMs);
    return { now: this.clock.now().toISOString(), offsetMs: parsed.offsetMs };
  }

  read(): Promise<SimulatorClock> {
    return this.call();
  }

  advance(by: { days?: number; hours?: number }): Promise<SimulatorClock> {
    return this.call({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advanceDays: by.days, advanceHours: by.hours }),
    });
  }

  /** Follows advances made through other processes. */
  startFollowing(refreshMs: number, onError: (error: unknown) => void): void {
    this.timer = setInterval(() => void this.read().catch(onError), refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
