import { type AddressInfo, createServer } from 'node:net';
import { expireAllTokens, setFaults } from '@recdesk/ads-simulator/faults';
import { type RunningSimulator, startSimulator } from '@recdesk/ads-simulator/server';
import { DEFAULT_CREDENTIALS } from '@recdesk/ads-simulator/state';
import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { AdsRegion } from '../config/env.ts';
import {
  AdsApiError,
  AdsClient,
  type AdsClientOptions,
  type AdsRequest,
  AdsUncertainOutcomeError,
  countCallsInto,
  emptyCallStats,
  retryAfterMs,
} from './ads-client.ts';
import { LwaTokenProvider } from './lwa-token-provider.ts';
import { listProfiles } from './profiles.ts';

let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(async () => {
  await simulator.close();
});
beforeEach(() => {
  simulator.resetHandlers();
  setFaults(simulator.state, null);
  simulator.state.requestLog.length = 0;
});

const clients: AdsClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

interface Harness {
  client: AdsClient;
  tokens: LwaTokenProvider;
  sleeps: number[];
}

/** A client against the simulator whose sleeps are recorded (and skipped), so backoff is checked without waiting. */
function harness(options: Partial<AdsClientOptions> = {}, { realSleep = false } = {}): Harness {
  const sleeps: number[] = [];
  const tokens = new LwaTokenProvider({ tokenUrl: `${simulator.url}/auth/o2/token`, ...DEFAULT_CREDENTIALS }, Date.now, 5_000, {
    maxAttempts: 3,
    baseDelayMs: 0,
    maxDelayMs: 0,
  });
  const client = new AdsClient({
    baseUrls: { NA: `${simulator.url}/na`, EU: `${simulator.url}/eu` } as Record<AdsRegion, string>,
    clientId: DEFAULT_CREDENTIALS.clientId,
    partnerAccountId: DEFAULT_CREDENTIALS.partnerAccountId,
    tokens,
    timeoutMs: 5_000,
    retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 },
    rateLimits: { default: { ratePerSecond: 1_000, maxConcurrent: 50 } },
    ...(realSleep
      ? {}
      : {
          sleep: async (ms: number) => {
            sleeps.push(ms);
          },
        }),
    ...options,
  });
  clients.push(client);
  return { client, tokens, sleeps };
}

const profilesCall = (signal?: AbortSignal): AdsRequest => ({
  region: 'NA',
  method: 'GET',
  path: '/v2/profiles',
  auth: { kind: 'client' },
  endpoint: 'profiles.list',
  signal,
});
/** HTTP faults hit only the profiles endpoint, so Login with Amazon keeps answering. */
const PROFILES = ['/v2/profiles'];
const logOf = (suffix: string) => simulator.state.requestLog.filter((r) => r.path.endsWith(suffix));

describe('AdsClient: auth', () => {
  it('answers a 401 with one refresh and one retry', async () => {
    const { client } = harness();
    await client.request(profilesCall());
    expireAllTokens(simulator.state);
    const response = await client.request(profilesCall());
    expect(response.status).toBe(200);
    expect(logOf('/auth/o2/token')).toHaveLength(2);
    expect(logOf('/v2/profiles')).toHaveLength(3);
  });

  it('never loops on a 401 that a fresh token does not cure', async () => {
    let answered = 0;
    simulator.use(
      http.get('*/v2/profiles', () => {
        answered++;
        return HttpResponse.json({ code: 'UNAUTHORIZED', details: 'Not authorized to access scope' }, { status: 401 });
      }),
    );
    const { client } = harness();
    const error = await client.request(profilesCall()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdsApiError);
    expect(error).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    expect(answered).toBe(2);
    expect(logOf('/auth/o2/token')).toHaveLength(2);
  });

  it('refreshes once when 50 calls in flight all meet an expired token', async () => {
    const { client } = harness();
    await client.request(profilesCall());
    expireAllTokens(simulator.state);
    const answers = await Promise.all(Array.from({ length: 50 }, () => client.request(profilesCall())));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(logOf('/auth/o2/token')).toHaveLength(2);
  });

  it('costs exactly one refresh when the token expires in the middle of a run of calls', async () => {
    const { client } = harness();
    setFaults(simulator.state, { expireTokensAtRequest: 6 });
    for (let i = 0; i < 12; i++) await client.request(profilesCall());
    expect(simulator.state.faults.injected.tokensExpired).toBe(1);
    expect(logOf('/auth/o2/token')).toHaveLength(2);
    expect(logOf('/v2/profiles')).toHaveLength(12 + 1);
  });
});

describe('AdsClient: retries', () => {
  it('retries a 429 no sooner than its Retry-After, up to the bounded number of attempts', async () => {
    setFaults(simulator.state, { throttle: { share: 1, retryAfterSeconds: 3 }, paths: PROFILES });
    // random() = 0 makes the jittered backoff 0: only Retry-After can hold the call back.
    const { client, sleeps } = harness({ random: () => 0 });
    const error = await client.request(profilesCall()).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 429, code: 'THROTTLED' });
    const attempts = logOf('/v2/profiles');
    expect(attempts).toHaveLength(4);
    expect(sleeps).toEqual([3_000, 3_000, 3_000]);
    expect(client.stats.byEndpoint['profiles.list']).toEqual({ calls: 4, throttled: 4, retried: 3, failed: 1 });
  });

  it('retries 5xx with capped exponential backoff and full jitter', async () => {
    setFaults(simulator.state, { serverErrors: { share: 1, statuses: [500, 503] }, paths: PROFILES });
    const { client, sleeps } = harness({ random: () => 0.999_999, retry: { maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 1_000 } });
    const error = await client.request(profilesCall()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdsApiError);
    expect([500, 503]).toContain((error as AdsApiError).status);
    expect(logOf('/v2/profiles')).toHaveLength(6);
    // The ceiling doubles from the base up to the cap; the delay is drawn below it.
    expect(sleeps).toEqual([99, 199, 399, 799, 999]);

    const jittered = harness({ random: () => 0.5, retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 } });
    await jittered.client.request(profilesCall()).catch(() => undefined);
    expect(jittered.sleeps).toEqual([50, 100]);
  });

  it('succeeds once the upstream recovers, and counts what it took, apart from calls made beside it', async () => {
    let failures = 2;
    simulator.use(
      http.get('*/v2/profiles', () => {
        if (failures-- > 0) return HttpResponse.json({ code: 'THROTTLED' }, { status: 429, headers: { 'retry-after': '1' } });
        return undefined;
      }),
    );
    const { client } = harness();
    const counted = emptyCallStats();
    const response = await countCallsInto(counted, () => client.request(profilesCall()));
    expect(response.status).toBe(200);
    // A call of someone else sharing the client (another source, a report poll) is not this run's.
    await client.request(profilesCall());
    expect(client.stats.calls).toBe(4);
    expect(counted).toEqual({
      calls: 3,
      throttled: 2,
      retried: 2,
      failed: 0,
      byEndpoint: { 'profiles.list': { calls: 3, throttled: 2, retried: 2, failed: 0 } },
    });
  });

  it("counts a call for the run that made it, even when it waited in the queue behind another run's call", async () => {
    // One call at a time: each run's call is started by the end of the call before it, made by another run.
    const { client } = harness({ rateLimits: { default: { ratePerSecond: 1_000, maxConcurrent: 1 } } });
    const runs = [emptyCallStats(), emptyCallStats(), emptyCallStats()];
    await Promise.all(
      runs.map((run, i) => countCallsInto(run, () => Promise.all(Array.from({ length: i + 1 }, () => client.request(profilesCall()))))),
    );
    expect(runs.map((run) => run.calls)).toEqual([1, 2, 3]);
  });

  it.each([400, 403, 404, 422])('never retries a %i', async (status) => {
    let answered = 0;
    simulator.use(
      http.get('*/v2/profiles', () => {
        answered++;
        return HttpResponse.json({ code: 'NOPE', details: 'not this way' }, { status });
      }),
    );
    const { client, sleeps } = harness();
    const error = await client.request(profilesCall()).catch((e: unknown) => e);
    expect(error).toMatchObject({ status, code: 'NOPE', details: 'not this way' });
    expect(answered).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('retries network errors, bounded', async () => {
    const { client, sleeps } = harness({ baseUrls: { NA: 'http://127.0.0.1:9' } as Record<AdsRegion, string> });
    const error = await client.request(profilesCall()).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 0, code: 'NETWORK_ERROR' });
    expect((error as Error).message).toMatch(/after 4 attempts/);
    expect(sleeps).toHaveLength(3);
  });
});

describe('AdsClient: non-idempotent writes', () => {
  const profile = () => simulator.state.world.profiles.find((p) => p.marketplace.code === 'US') as { profileId: number };
  const keyword = () => simulator.state.world.keywords.find((k) => k.state === 'ENABLED') as { keywordId: string; bid: number };
  const bidWrite = (bid: number): AdsRequest => ({
    region: 'NA',
    method: 'PUT',
    path: '/sp/keywords',
    auth: { kind: 'profile', profileId: String(profile().profileId) },
    accept: 'application/vnd.spKeyword.v3+json',
    contentType: 'application/vnd.spKeyword.v3+json',
    body: { keywords: [{ keywordId: keyword().keywordId, bid }] },
    endpoint: 'spKeywords.update',
    idempotent: false,
  });
  const writes = () => simulator.state.requestLog.filter((r) => r.method === 'PUT' && r.path.endsWith('/sp/keywords'));

  it.each(['503', '500', 'reset'] as const)(
    'never sends a write again after its answer was lost (%s): the outcome is uncertain',
    async (as) => {
      const ledgerBefore = simulator.state.ledger.length;
      setFaults(simulator.state, { lostAnswers: { share: 1, paths: ['/sp/keywords'], as } });
      const { client, sleeps } = harness();
      const error = await client.request(bidWrite(keyword().bid + 0.11)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AdsUncertainOutcomeError);
      expect(writes()).toHaveLength(1);
      expect(sleeps).toEqual([]);
      // The simulator did apply it: exactly one change, which only a read-back can tell.
      expect(simulator.state.ledger.length).toBe(ledgerBefore + 1);
    },
  );

  it('gives up on a write without an answer at the timeout, once', async () => {
    setFaults(simulator.state, { lostAnswers: { share: 1, paths: ['/sp/keywords'], as: 'hang' } });
    const { client } = harness({ timeoutMs: 300 });
    const error = await client.request(bidWrite(keyword().bid + 0.07)).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AdsUncertainOutcomeError', code: 'TIMEOUT' });
    expect(writes()).toHaveLength(1);
  });

  it('retries a write after answers that prove nothing happened (429, 401)', async () => {
    setFaults(simulator.state, { throttle: { share: 1, retryAfterSeconds: 0 }, paths: ['/sp/keywords'] });
    const { client } = harness({ random: () => 0 });
    const error = await client.request(bidWrite(keyword().bid + 0.05)).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(AdsUncertainOutcomeError);
    expect(error).toMatchObject({ status: 429 });
    expect(writes()).toHaveLength(4);

    setFaults(simulator.state, null);
    await client.request(profilesCall());
    expireAllTokens(simulator.state);
    simulator.state.requestLog.length = 0;
    expect((await client.request(bidWrite(keyword().bid + 0.05))).status).toBe(207);
    expect(writes()).toHaveLength(2);
  });

  it('retries a write whose connection was refused (nothing reached upstream)', async () => {
    // A port that was just free: nothing listens there, so the connection is refused.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const nowhere = `http://127.0.0.1:${port}`;
    const { client, sleeps } = harness({ baseUrls: { NA: `${nowhere}/na`, EU: `${nowhere}/eu` } as Record<AdsRegion, string> });
    const error = await client.request(bidWrite(1.5)).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(AdsUncertainOutcomeError);
    expect(error).toMatchObject({ code: 'NETWORK_ERROR' });
    expect(sleeps).toHaveLength(3);
  });
});

describe('AdsClient: timeouts and cancellation', () => {
  it('gives up on a call slower than the timeout, after the bounded attempts', async () => {
    setFaults(simulator.state, { latency: { ms: 2_000 }, paths: PROFILES });
    const { client } = harness({ timeoutMs: 150, retry: { maxAttempts: 2, baseDelayMs: 0, maxDelayMs: 0 } });
    const error = await client.request(profilesCall()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TIMEOUT' });
    expect(simulator.state.faults.injected.delayed).toBe(2);
  });

  it('stops at once, without retrying, when the caller aborts', async () => {
    setFaults(simulator.state, { latency: { ms: 2_000 }, paths: PROFILES });
    const { client } = harness();
    const controller = new AbortController();
    const pending = client.request(profilesCall(controller.signal));
    // Abort once the simulator holds the request, whatever the machine's pace.
    await vi.waitFor(() => expect(simulator.state.faults.injected.delayed).toBe(1));
    controller.abort(new Error('sync cancelled'));
    await expect(pending).rejects.toThrow('sync cancelled');
    expect(simulator.state.faults.injected.delayed).toBe(1);
  });

  it('does not start a call whose signal is already aborted', async () => {
    const { client } = harness();
    await expect(client.request(profilesCall(AbortSignal.abort(new Error('too late'))))).rejects.toThrow('too late');
    expect(logOf('/v2/profiles')).toHaveLength(0);
  });

  it('stops waiting out a Retry-After when the caller aborts', async () => {
    setFaults(simulator.state, { throttle: { share: 1, retryAfterSeconds: 60 }, paths: PROFILES });
    const { client } = harness({}, { realSleep: true });
    const controller = new AbortController();
    const pending = client.request(profilesCall(controller.signal));
    await vi.waitFor(() => expect(logOf('/v2/profiles')).toHaveLength(1));
    controller.abort(new Error('shutting down'));
    await expect(pending).rejects.toThrow('shutting down');
    expect(logOf('/v2/profiles')).toHaveLength(1);
  });
});

describe('AdsClient: downloads', () => {
  it('times out waiting for an answer, never while a slow body is being read', async () => {
    simulator.use(
      http.get('*/_files/slow.csv', () => {
        let sent = 0;
        const body = new ReadableStream<Uint8Array>({
          async pull(controller) {
            await new Promise((resolve) => setTimeout(resolve, 60));
            if (sent++ < 5) controller.enqueue(new TextEncoder().encode(`line ${sent}\n`));
            else controller.close();
          },
        });
        return new HttpResponse(body, { headers: { 'content-type': 'text/csv' } });
      }),
    );
    const { client } = harness({ timeoutMs: 150 });
    const response = await client.download(`${simulator.url}/_files/slow.csv`, 'test.download');
    expect(await response.text()).toBe('line 1\nline 2\nline 3\nline 4\nline 5\n');
  });
});

describe('AdsClient: adaptive rate limit', () => {
  it('slows a region and endpoint group down on 429 and recovers gradually', async () => {
    const { client } = harness({ rateLimits: { default: { ratePerSecond: 100, maxConcurrent: 10 } } });
    await client.request(profilesCall());
    expect(client.currentRate('NA', 'profiles.list')).toBe(100);
    setFaults(simulator.state, { throttle: { share: 1, retryAfterSeconds: 0 }, paths: PROFILES });
    await client.request(profilesCall()).catch(() => undefined);
    const throttledRate = client.currentRate('NA', 'profiles.list');
    expect(throttledRate).toBeLessThan(100);
    // Other groups and regions keep their own limits.
    expect(client.currentRate('NA', 'partnerOpportunities.list')).toBe(100);
    expect(client.currentRate('EU', 'profiles.list')).toBe(100);

    setFaults(simulator.state, null);
    await client.request(profilesCall());
    const afterOne = client.currentRate('NA', 'profiles.list');
    expect(afterOne).toBeGreaterThan(throttledRate);
    expect(afterOne).toBeLessThan(100);
    for (let i = 0; i < 20; i++) await client.request(profilesCall());
    expect(client.currentRate('NA', 'profiles.list')).toBe(100);
  });
});

describe('AdsClient: helpers', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('2')).toBe(2_000);
    expect(retryAfterMs(null)).toBeNull();
    expect(retryAfterMs('Wed, 21 Oct 2026 07:28:05 GMT', Date.parse('Wed, 21 Oct 2026 07:28:00 GMT'))).toBe(5_000);
    expect(retryAfterMs('soon')).toBeNull();
  });

  it('validates JSON answers against the endpoint schema', async () => {
    const { client } = harness();
    await expect(client.requestJson(profilesCall(), z.object({ unexpected: z.string() }))).rejects.toMatchObject({
      code: 'INVALID_RESPONSE',
    });
  });
});

describe('listProfiles', () => {
  it('reports a malformed profile instead of dropping it silently', async () => {
    simulator.use(
      http.get('*/na/v2/profiles', () =>
        HttpResponse.json([
          { profileId: 1, countryCode: 'US', currencyCode: 'USD', accountInfo: { id: 'ENTITY1', type: 'seller' } },
          { profileId: 2, countryCode: 'US' },
        ]),
      ),
    );
    const { client } = harness();
    const { profiles, malformed } = await listProfiles(client);
    expect(profiles.map((p) => p.profileId)).toContain('1');
    expect(malformed).toEqual([
      expect.objectContaining({
        region: 'NA',
        index: 1,
        raw: { profileId: 2, countryCode: 'US' },
        reason: expect.stringMatching(/currencyCode/),
      }),
    ]);
  });
});
