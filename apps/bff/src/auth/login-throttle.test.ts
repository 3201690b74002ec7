import { describe, expect, it } from 'vitest';
import { ApiRateLimit, LoginThrottle } from './login-throttle.ts';

describe('sign-in throttling', () => {
  it('locks an account after ten wrong passwords in a row, from any address', async () => {
    const throttle = new LoginThrottle();
    for (let i = 0; i < 9; i++) await throttle.recordFailure('a@x.test', `10.0.0.${i}`);
    expect(await throttle.retryAfterSeconds('a@x.test', '10.0.0.99')).toBe(0);
    await throttle.recordFailure('a@x.test', '10.0.0.9');
    expect(await throttle.retryAfterSeconds('a@x.test', '10.0.0.99')).toBeGreaterThan(60);
    expect(await throttle.retryAfterSeconds('b@x.test', '10.0.0.99')).toBe(0);
  });

  it('a right password clears the count of failures in a row', async () => {
    const throttle = new LoginThrottle();
    for (let i = 0; i < 9; i++) await throttle.recordFailure('a@x.test', '10.0.0.1');
    await throttle.recordSuccess('a@x.test');
    for (let i = 0; i < 9; i++) await throttle.recordFailure('a@x.test', '10.0.0.1');
    expect(await throttle.retryAfterSeconds('a@x.test', '10.0.0.1')).toBe(0);
  });

  it('locks an address that fails across many accounts', async () => {
    const throttle = new LoginThrottle({ ...new LoginThrottle().limits, failuresPerAddress: 5 });
    for (let i = 0; i < 5; i++) await throttle.recordFailure(`user${i}@x.test`, '192.0.2.1');
    expect(await throttle.retryAfterSeconds('someone-else@x.test', '192.0.2.1')).toBeGreaterThan(0);
    expect(await throttle.retryAfterSeconds('someone-else@x.test', '192.0.2.2')).toBe(0);
  });

  it('limits API requests per user', async () => {
    const limit = new ApiRateLimit(3);
    expect([await limit.take('u1'), await limit.take('u1'), await limit.take('u1')]).toEqual([0, 0, 0]);
    expect(await limit.take('u1')).toBeGreaterThan(0);
    expect(await limit.take('u2')).toBe(0);
  });
});
