import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FaultConfig, seededRandom, setFaults } from './faults.ts';
import { type RunningSimulator, startSimulator } from './server.ts';
import { DEFAULT_CREDENTIALS } from './state.ts';
import { accessTokenOf } from './testing/access-token.ts';

let simulator: RunningSimulator;
let headers: Record<string, string>;

const freshToken = () => accessTokenOf(simulator.url);

beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(async () => {
  await simulator.close();
});
beforeEach(async () => {
  setFaults(simulator.state, null);
  headers = {
    authorization: `Bearer ${await freshToken()}`,
    'amazon-advertising-api-clientid': DEFAULT_CREDENTIALS.clientId,
    'amazon-advertising-api-manager-account': DEFAULT_CREDENTIALS.partnerAccountId,
    accept: 'application/vnd.partneropportunity.v1+json',
  };
  simulator.state.requestLog.length = 0;
});

const control = (body: unknown) =>
  fetch(`${simulator.url}/_simulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

async function statuses(count: number): Promise<number[]> {
  const seen: number[] = [];
  for (let i = 0; i < count; i++) seen.push((await fetch(`${simulator.url}/na/v2/profiles`, { headers })).status);
  return seen;
}

describe('fault injection', () => {
  it('answers a seeded share of calls 429 with Retry-After or 503, the same way for the same seed', async () => {
    const config: FaultConfig = { seed: 7, throttle: { share: 0.3, retryAfterSeconds: 2 }, serverErrors: { share: 0.05 } };
    setFaults(simulator.state, config);
    const first = await statuses(200);
    setFaults(simulator.state, config);
    const second = await statuses(200);
    expect(second).toEqual(first);
    const throttled = first.filter((s) => s === 429).length;
    const failed = first.filter((s) => s === 503).length;
    expect(throttled).toBeGreaterThan(40);
    expect(throttled).toBeLessThan(80);
    expect(failed).toBeGreaterThan(2);
    expect(failed).toBeLessThan(25);
    expect(first.filter((s) => s === 200).length).toBe(200 - throttled - failed);

    setFaults(simulator.state, { throttle: { share: 1, retryAfterSeconds: 2 } });
    const answer = await fetch(`${simulator.url}/na/v2/profiles`, { headers });
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe('2');
    expect(await answer.json()).toMatchObject({ code: 'THROTTLED' });
    const logged = simulator.state.requestLog.find((r) => r.fault?.status === 429);
    expect(logged).toMatchObject({ method: 'GET', path: '/na/v2/profiles', fault: { status: 429, retryAfterSeconds: 2 } });
    expect(typeof logged?.at).toBe('number');
  });

  it('is switched through POST /_simulator/faults, validated, and reported by GET /_simulator/ledger', async () => {
    const refused = await control({ faults: { throttle: { share: 2 } } });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ code: 'BAD_REQUEST', details: expect.stringContaining('throttle.share') });
    expect((await control({ faults: { nonsense: true } })).status).toBe(400);

    expect((await control({ faults: { throttle: { share: 1, retryAfterSeconds: 1 }, paths: ['/v2/profiles'] } })).status).toBe(200);
    expect(await statuses(3)).toEqual([429, 429, 429]);
    // Paths outside the filter, and the control endpoints themselves, are never faulted.
    expect((await fetch(`${simulator.url}/partnerOpportunities?maxResults=5`, { headers })).status).toBe(200);
    const ledger = await (await fetch(`${simulator.url}/_simulator/ledger`)).json();
    expect(ledger).toMatchObject({
      ledger: [],
      requestCounts: { 'GET /na/v2/profiles': 3, 'GET /partnerOpportunities': 1 },
      faults: { injected: { throttled: 3 } },
    });

    expect((await control({ faults: null })).status).toBe(200);
    expect(await statuses(2)).toEqual([200, 200]);
  });

  it('expires every issued token now, or at the Nth request', async () => {
    expect((await control({ expireTokensNow: true })).status).toBe(200);
    expect(await statuses(1)).toEqual([401]);

    headers.authorization = `Bearer ${await freshToken()}`;
    setFaults(simulator.state, { expireTokensAtRequest: 3 });
    expect(await statuses(4)).toEqual([200, 200, 401, 401]);
  });

  it('slows responses down', async () => {
    setFaults(simulator.state, { latency: { ms: 50, share: 1 } });
    await statuses(2);
    expect(simulator.state.faults.injected.delayed).toBe(2);
  });

  it('hands out list items missing required fields and unknown enum values', async () => {
    setFaults(simulator.state, { seed: 3, malformedItems: { share: 0.5 }, unknownEnums: { share: 0.5 } });
    const body = (await (await fetch(`${simulator.url}/partnerOpportunities?maxResults=100`, { headers })).json()) as {
      opportunities: Record<string, unknown>[];
    };
    const missing = body.opportunities.filter((o) => !('title' in o) || !('dataMetadata' in o));
    const unknown = body.opportunities.filter((o) => o.objectiveType === 'SIMULATED_NEW_OBJECTIVE_TYPE');
    expect(missing.length).toBeGreaterThan(0);
    expect(unknown.length).toBeGreaterThan(0);
    expect(body.opportunities).toHaveLength(simulator.state.opportunities.length);
  });

  it('writes CSV rows with bad values, and file URLs that have already expired', async () => {
    const opportunity = simulator.state.opportunities.find((o) => o.columns.includes('confidence') && o.rows.length > 3);
    if (!opportunity) throw new Error('no opportunity with a confidence column');
    setFaults(simulator.state, { malformedCsvRows: { share: 1 }, expiredFileUrls: 1 });
    const fileOf = () =>
      fetch(`${simulator.url}/partnerOpportunities/${opportunity.partnerOpportunityId}/file`, { headers, redirect: 'manual' });

    const expired = (await fileOf()).headers.get('location') ?? '';
    const refused = await fetch(expired);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('Request has expired');

    const fresh = (await fileOf()).headers.get('location') ?? '';
    const csv = await (await fetch(fresh)).text();
    const [header, ...lines] = csv.trim().split('\n');
    const column = header?.split(',').indexOf('confidence') ?? -1;
    expect(column).toBeGreaterThanOrEqual(0);
    expect(lines.length).toBe(opportunity.rows.length);
    expect(csv).toContain(',1.7,');
  });

  it('draws from a deterministic PRNG', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const draws = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(draws);
    expect(draws.every((d) => d >= 0 && d < 1)).toBe(true);
    expect(seededRandom(43)()).not.toBe(draws[0]);
  });
});
