/**
 * On PostgreSQL the sign-in throttle counts in the database: two BFF processes (two runtimes on one database) share
 * the count, so ten wrong passwords spread over both lock the account on both.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

const ACCOUNT = { email: 'shared-lock@agency.test', password: 'the-right-password' };

describe.each(databaseTargets.filter((t) => t.name !== 'PGlite'))('sign-in throttle shared by processes on $name', ({ create }) => {
  let first: TestBff;
  let second: TestBff;
  beforeAll(async () => {
    const target = await create();
    first = await startTestBff(target);
    second = await startTestBff(target);
    await first.runtime.auth.users.create({ ...ACCOUNT, role: 'viewer', allAdvertisers: true, advertiserIds: [] });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('ten wrong passwords over two processes lock the account on both', async () => {
    for (let i = 0; i < 10; i++) {
      const bff = i % 2 === 0 ? first : second;
      await bff.anonymous
        .post('/api/auth/login')
        .send({ email: ACCOUNT.email, password: `wrong-${i}` })
        .expect(401);
    }
    for (const bff of [first, second]) {
      const locked = await bff.anonymous.post('/api/auth/login').send(ACCOUNT);
      expect(locked.status).toBe(429);
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    }
  });
});
