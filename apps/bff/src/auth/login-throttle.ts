/**
 * Brute-force protection of the sign-in (rate-limiter-flexible): ten wrong passwords in a row lock the account for
 * a quarter of an hour, whatever address they come from; an address that fails a hundred times in an hour is locked
 * out for an hour, whichever accounts it tries. A right password clears the account's count. Counters live in this
 * process's memory: with several BFF processes each counts on its own (the limits multiply by their number).
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export interface ThrottleLimits {
  /** Wrong passwords in a row that lock an account. */
  failuresPerAccount: number;
  accountLockSeconds: number;
  failuresPerAddress: number;
  addressWindowSeconds: number;
  addressLockSeconds: number;
}

export const DEFAULT_THROTTLE_LIMITS: ThrottleLimits = {
  failuresPerAccount: 10,
  accountLockSeconds: 15 * 60,
  failuresPerAddress: 100,
  addressWindowSeconds: 3_600,
  addressLockSeconds: 3_600,
};

export class LoginThrottle {
  private readonly byAccount: RateLimiterMemory;
  private readonly byAddress: RateLimiterMemory;

  constructor(readonly limits: ThrottleLimits = DEFAULT_THROTTLE_LIMITS) {
    this.byAccount = new RateLimiterMemory({
      keyPrefix: 'login-account',
      points: limits.failuresPerAccount,
      // The count of failures in a row is kept until a success or the lock ends, not for a rolling window.
      duration: limits.accountLockSeconds,
      blockDuration: limits.accountLockSeconds,
    });
    this.byAddress = new RateLimiterMemory({
      keyPrefix: 'login-address',
      points: limits.failuresPerAddress,
      duration: limits.addressWindowSeconds,
      blockDuration: limits.addressLockSeconds,
    });
  }

  /** Seconds to wait before trying again, or 0 when this account may try from this address now. */
  async retryAfterSeconds(email: string, address: string): Promise<number> {
    const [account, from] = await Promise.all([this.byAccount.get(email), this.byAddress.get(address)]);
    const wait = (res: RateLimiterRes | null, points: number) =>
      res && res.consumedPoints >= points ? Math.max(1, Math.ceil(res.msBeforeNext / 1000)) : 0;
    return Math.max(wait(account, this.limits.failuresPerAccount), wait(from, this.limits.failuresPerAddress));
  }

  async recordFailure(email: string, address: string): Promise<void> {
    // consume() rejects once the limit is reached; the lock it sets is what retryAfterSeconds reads.
    await Promise.allSettled([this.byAccount.consume(email), this.byAddress.consume(address)]);
  }

  async recordSuccess(email: string): Promise<void> {
    await this.byAccount.delete(email);
  }
}

/** Requests per user per minute on the API (not on sign-in, which LoginThrottle guards). */
export class ApiRateLimit {
  private readonly limiter: RateLimiterMemory;

  constructor(readonly perMinute: number) {
    this.limiter = new RateLimiterMemory({ keyPrefix: 'api-user', points: perMinute, duration: 60 });
  }

  /** Seconds to wait, or 0 when the request may go ahead (and is counted). */
  async take(key: string): Promise<number> {
    try {
      await this.limiter.consume(key);
      return 0;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw rejection;
    }
  }
}
