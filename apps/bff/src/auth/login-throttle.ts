/**
 * Brute-force protection of the sign-in (rate-limiter-flexible): ten wrong passwords in a row lock the account for
 * a quarter of an hour, whatever address they come from; an address that fails a hundred times in an hour is locked
 * out for an hour, whichever accounts it tries. A right password clears the account's count. On PostgreSQL the
 * counters live in the database (`rate_limit_*` tables, made by migration 0040), so several BFF processes share
 * them; a database outage falls back to this process's memory. On PGlite (one process) they live in memory.
 */
import type pg from 'pg';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { openPool } from '../db/database.ts';

/** Where counters live: a PostgreSQL pool (shared by processes), or none (this process's memory). */
export interface CounterStore {
  pool: pg.Pool;
}

/** One counter table each, made by migration 0040 (`rate_limit_login_account`, ...). */
type CounterPrefix = 'login-account' | 'login-address' | 'api-user';

type LimiterOptions = { keyPrefix: CounterPrefix; points: number; duration: number; blockDuration?: number };

function tableOf(prefix: CounterPrefix): string {
  return `rate_limit_${prefix.replaceAll('-', '_')}`;
}

function limiter(options: LimiterOptions, store: CounterStore | undefined): RateLimiterAbstract {
  const memory = new RateLimiterMemory(options);
  if (!store) return memory;
  return new RateLimiterPostgres({
    ...options,
    storeClient: store.pool,
    storeType: 'pool',
    tableName: tableOf(options.keyPrefix),
    tableCreated: true,
    insuranceLimiter: memory,
  });
}

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
  private readonly byAccount: RateLimiterAbstract;
  private readonly byAddress: RateLimiterAbstract;

  constructor(
    readonly limits: ThrottleLimits = DEFAULT_THROTTLE_LIMITS,
    store?: CounterStore,
  ) {
    this.byAccount = limiter(
      {
        keyPrefix: 'login-account',
        points: limits.failuresPerAccount,
        // The count of failures in a row is kept until a success or the lock ends, not for a rolling window.
        duration: limits.accountLockSeconds,
        blockDuration: limits.accountLockSeconds,
      },
      store,
    );
    this.byAddress = limiter(
      {
        keyPrefix: 'login-address',
        points: limits.failuresPerAddress,
        duration: limits.addressWindowSeconds,
        blockDuration: limits.addressLockSeconds,
      },
      store,
    );
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
  private readonly limiter: RateLimiterAbstract;

  constructor(
    readonly perMinute: number,
    store?: CounterStore,
  ) {
    this.limiter = limiter({ keyPrefix: 'api-user', points: perMinute, duration: 60 }, store);
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

/** A small pool of its own on the PostgreSQL server (and schema) the BFF uses, with the counter tables ready. */
export async function openCounterStore(url: string, schema?: string): Promise<CounterStore & { close(): Promise<void> }> {
  const pool = openPool({
    connectionString: url,
    max: 2,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  return { pool, close: () => pool.end() };
}
