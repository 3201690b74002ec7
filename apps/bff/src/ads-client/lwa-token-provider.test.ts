import { type RunningSimulator, startSimulator } from '@recdesk/ads-simulator/server';
import { DEFAULT_CREDENTIALS } from '@recdesk/ads-simulator/state';
import { HttpResponse, http } from 'msw';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LwaError, LwaTokenProvider } from './lwa-token-provider.ts';

let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(async () => {
  await simulator.close();
});
beforeEach(() => {
  simulator.resetHandlers();
  simulator.state.requestLog.length = 0;
});

const tokenRequests = () => simulator.state.requestLog.filter((r) => r.path === '/auth/o2/token').length;
const noWait = { maxAttempts: 3, baseDelayMs: 0, maxDelayMs: 0 };

function provider(now: () => number, overrides: Partial<typeof DEFAULT_CREDENTIALS> = {}, tokenUrl = `${simulator.url}/auth/o2/token`) {
  return new LwaTokenProvider({ tokenUrl, ...DEFAULT_CREDENTIALS, ...overrides }, now, 5_000, noWait);
}

describe('Login with Amazon tokens', () => {
  it('caches the access token until shortly before expires_in, then refreshes', async () => {
    let now = 1_000_000;
    const tokens = provider(() => now);
    const first = await tokens.accessToken();
    // The simulator issues tokens for 3600 s; the provider keeps one until a minute before that.
    now += 3_600_000 - 61_000;
    expect(await tokens.accessToken()).toBe(first);
    expect(tokenRequests()).toBe(1);
    now += 2_000;
    const second = await tokens.accessToken();
    expect(second).not.toBe(first);
    expect(tokenRequests()).toBe(2);
    expect(tokens.refreshCount).toBe(2);
  });

  it('makes one refresh however many calls wait for an absent token', async () => {
    const tokens = provider(() => Date.now());
    const all = await Promise.all(Array.from({ length: 50 }, () => tokens.accessToken()));
    expect(new Set(all).size).toBe(1);
    expect(tokenRequests()).toBe(1);
  });

  it('makes one refresh however many calls wait for an expired token', async () => {
    let now = 5_000_000;
    const tokens = provider(() => now);
    const old = await tokens.accessToken();
    now += 3_600_000;
    const all = await Promise.all(Array.from({ length: 50 }, () => tokens.accessToken()));
    expect(new Set(all)).toEqual(new Set([all[0]]));
    expect(all[0]).not.toBe(old);
    expect(tokenRequests()).toBe(2);
  });

  it('forgets only the token a 401 was given for', async () => {
    const tokens = provider(() => Date.now());
    const first = await tokens.accessToken();
    tokens.invalidate('some older token');
    expect(await tokens.accessToken()).toBe(first);
    tokens.invalidate(first);
    expect(await tokens.accessToken()).not.toBe(first);
    expect(tokenRequests()).toBe(2);
  });

  it('names the settings to check when Login with Amazon refuses the credentials', async () => {
    const tokens = provider(() => Date.now(), { clientSecret: 'wrong' });
    const error = await tokens.accessToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LwaError);
    expect((error as LwaError).status).toBe(401);
    expect((error as LwaError).message).toMatch(/invalid_client.*ADS_CLIENT_SECRET/);
    // A refusal is not retried: the same credentials would be refused again.
    expect(tokenRequests()).toBe(1);

    const badGrant = await provider(() => Date.now(), { refreshToken: 'Atzr|revoked' })
      .accessToken()
      .catch((e: unknown) => e);
    expect((badGrant as LwaError).message).toMatch(/invalid_grant.*ADS_REFRESH_TOKEN/);
  });

  it('retries a throttled or failing Login with Amazon a bounded number of times', async () => {
    simulator.use(
      http.post('*/auth/o2/token', () => HttpResponse.json({ code: 'THROTTLED' }, { status: 429, headers: { 'retry-after': '0' } }), {
        once: true,
      }),
    );
    expect(await provider(() => Date.now()).accessToken()).toMatch(/^Atza\|/);

    simulator.use(http.post('*/auth/o2/token', () => HttpResponse.json({ error: 'server_error' }, { status: 503 })));
    simulator.state.requestLog.length = 0;
    const error = await provider(() => Date.now())
      .accessToken()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LwaError);
    expect((error as LwaError).message).toMatch(/kept failing \(server_error\)/);
  });

  it('says where it could not reach Login with Amazon', async () => {
    const tokens = provider(() => Date.now(), {}, 'http://127.0.0.1:9/auth/o2/token');
    const error = await tokens.accessToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LwaError);
    expect((error as LwaError).message).toMatch(/127\.0\.0\.1:9.*could not be reached.*after 3 attempts/);
  });
});
