/**
 * Builds the performance feature from the configuration: the simulated clock (simulated mode only: shared with the
 * embedded simulator, or following a shared simulator process's offset), the store, the reporting ingest, and what
 * an advance of the clock sets off (a performance sync, which measures impact after it, and the expiry of what the
 * new time makes due).
 */
import { AdvanceableClock } from '@recdesk/ads-simulator/clock';
import type { Logger } from 'pino';
import type { AdsClient } from '../ads-client/ads-client.ts';
import type { Env } from '../config/env.ts';
import type { Db } from '../db/database.ts';
import { PerformanceIngest } from './performance-ingest.ts';
import type { PerformanceFeature } from './performance-routes.ts';
import { PerformanceStore } from './performance-store.ts';
import { embeddedClockControl, RemoteClockControl, type SimulatedClockControl } from './simulated-clock.ts';

/** How often a BFF process reads a shared simulator's clock, to follow advances made through another process. */
const FOLLOW_SHARED_CLOCK_MS = 15_000;

export interface SimulatedClock {
  control: SimulatedClockControl;
  /** What the embedded simulator runs on. */
  clock: AdvanceableClock;
}

export async function simulatedClockFor(env: Env, base: () => Date, log: Logger): Promise<SimulatedClock | null> {
  if (env.ADS_API_MODE !== 'simulated') return null;
  if (env.ADS_SIMULATOR_URL) {
    const remote = new RemoteClockControl(env.ADS_SIMULATOR_URL.replace(/\/$/, ''), base);
    const warn = (error: unknown) => log.warn({ err: error }, "the shared simulator's clock could not be read");
    await remote.read().catch(warn);
    remote.startFollowing(FOLLOW_SHARED_CLOCK_MS, warn);
    return { control: remote, clock: remote.clock };
  }
  const clock = new AdvanceableClock(base);
  return { control: embeddedClockControl(clock), clock };
}

export function createPerformance(deps: {
  db: Db;
  client: AdsClient;
  now: () => Date;
  log: Logger;
  env: Env;
  clock: SimulatedClockControl | null;
  /** Moves what the new time makes due to expired. */
  expireDue: () => Promise<unknown>;
}): PerformanceFeature {
  const log = deps.log.child({ component: 'performance' });
  const ingest = new PerformanceIngest({
    db: deps.db,
    client: deps.client,
    now: deps.now,
    log,
    config: {
      lookbackDays: deps.env.PERFORMANCE_LOOKBACK_DAYS,
      pollIntervalMs: deps.env.PERFORMANCE_REPORT_POLL_INTERVAL_MS ?? (deps.env.ADS_API_MODE === 'simulated' ? 250 : 5_000),
      maxPollIntervalMs: 60_000,
      maxWaitMs: deps.env.PERFORMANCE_REPORT_MAX_WAIT_MS,
      concurrency: 4,
    },
  });
  return {
    store: new PerformanceStore(deps.db, deps.now),
    ingest,
    clock: deps.clock,
    log,
    afterAdvance: async () => {
      await deps.expireDue();
      await ingest.sync({ trigger: 'clock' });
    },
  };
}
