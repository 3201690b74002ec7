/**
 * Client-side rate limits per region and endpoint group, on bottleneck. Amazon's limits are dynamic, per region and
 * per endpoint (facts.md §5): so each `region:group` has its own limiter (group = the first segment of
 * `AdsRequest.endpoint`, e.g. `partnerOpportunities.list` → `partnerOpportunities`), and it adapts like TCP's AIMD:
 * a 429 halves the group's rate at once (never below a floor), and each later success wins back a tenth of the
 * configured rate, so the rate recovers gradually instead of snapping back into the throttle.
 */
import { AsyncResource } from 'node:async_hooks';
import Bottleneck from 'bottleneck';
import type { AdsRegion } from '../config/env.ts';

export interface RateLimit {
  /** Calls started per second at most. */
  ratePerSecond: number;
  /** Calls in flight at most. */
  maxConcurrent: number;
}

export interface RateLimitConfig {
  default: RateLimit;
  /** Per endpoint group, e.g. `{ partnerOpportunities: { ratePerSecond: 2, maxConcurrent: 2 } }`. */
  groups?: Readonly<Record<string, RateLimit>>;
  /** The rate never falls below this share of the configured one, however many 429s arrive. */
  minShare?: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitConfig = { default: { ratePerSecond: 10, maxConcurrent: 5 }, minShare: 0.05 };

const DECREASE_FACTOR = 0.5;
const RECOVERY_STEP_SHARE = 0.1;
const JITTER_MARGIN = 1.02;

/** The endpoint group of an endpoint name: what comes before its first dot. */
export function endpointGroup(endpoint: string): string {
  return endpoint.split('.')[0] || endpoint;
}

class AdaptiveLimiter {
  readonly limiter: Bottleneck;
  private rate: number;

  constructor(
    private readonly configured: RateLimit,
    private readonly minShare: number,
  ) {
    this.rate = configured.ratePerSecond;
    this.limiter = new Bottleneck({ maxConcurrent: configured.maxConcurrent, minTime: this.minTime() });
  }

  get currentRate(): number {
    return this.rate;
  }

  throttled(): void {
    this.setRate(Math.max(this.configured.ratePerSecond * this.minShare, this.rate * DECREASE_FACTOR));
  }

  succeeded(): void {
    if (this.rate >= this.configured.ratePerSecond) return;
    this.setRate(Math.min(this.configured.ratePerSecond, this.rate + this.configured.ratePerSecond * RECOVERY_STEP_SHARE));
  }

  private setRate(rate: number): void {
    this.rate = rate;
    this.limiter.updateSettings({ minTime: this.minTime() });
  }

  private minTime(): number {
    // Amazon counts calls on its clock, where network jitter can bring two calls spaced exactly 1/rate apart closer
    // than that; a 429 then halves the rate. Spacing them a little wider costs 2 % and avoids that.
    return Math.max(1, Math.round((1000 / this.rate) * JITTER_MARGIN));
  }
}

export class RateLimiter {
  private readonly limiters = new Map<string, AdaptiveLimiter>();

  constructor(private readonly config: RateLimitConfig = DEFAULT_RATE_LIMITS) {}

  /**
   * Runs one upstream attempt when its group's limit allows, in the async context of its caller: Bottleneck starts a
   * queued task from the end of the one before, so without the binding a call would carry the correlation id (and be
   * counted for the run) of whichever caller's call happened to free its slot.
   */
  schedule<T>(region: AdsRegion, endpoint: string, task: () => Promise<T>): Promise<T> {
    return this.limiterOf(region, endpoint).limiter.schedule(AsyncResource.bind(task));
  }

  /** A 429 arrived for this group: slow it down. */
  throttled(region: AdsRegion, endpoint: string): void {
    this.limiterOf(region, endpoint).throttled();
  }

  /** A call of this group succeeded: recover a step towards the configured rate. */
  succeeded(region: AdsRegion, endpoint: string): void {
    this.limiterOf(region, endpoint).succeeded();
  }

  /** The current rate (calls per second) of a group, for logs, health and tests. */
  currentRate(region: AdsRegion, endpoint: string): number {
    return this.limiterOf(region, endpoint).currentRate;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.limiters.values()].map((l) => l.limiter.stop({ dropWaitingJobs: true }).catch(() => undefined)));
    this.limiters.clear();
  }

  private limiterOf(region: AdsRegion, endpoint: string): AdaptiveLimiter {
    const group = endpointGroup(endpoint);
    const key = `${region}:${group}`;
    let limiter = this.limiters.get(key);
    if (!limiter) {
      limiter = new AdaptiveLimiter(this.config.groups?.[group] ?? this.config.default, this.config.minShare ?? 0.05);
      this.limiters.set(key, limiter);
    }
    return limiter;
  }
}
