/**
 * Reach Forecasting answers of the simulator checked against Amazon's published OpenAPI document
 * (shared/ads-api/specs/reach-forecasting.json) with ajv, every `$ref` resolved; and the world's coherence: reach
 * grows with budget, each extra unit of spend reaching fewer households than the one before.
 */
import { Ajv, type AnySchema } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from './server.ts';
import { DEFAULT_CREDENTIALS } from './state.ts';
import { accessTokenOf } from './testing/access-token.ts';
import { loadPublishedSpec } from './testing/published-specs.ts';

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(loadPublishedSpec('reach-forecasting.json') as AnySchema, 'rf');

function expectValid(ref: string, body: unknown): void {
  const validate = ajv.getSchema(ref);
  if (!validate) throw new Error(`no schema ${ref}`);
  const valid = validate(body);
  expect(valid ? [] : ajv.errorsText(validate.errors, { separator: '\n' }).split('\n')).toEqual([]);
}

let simulator: RunningSimulator;
let auth: Record<string, string>;

beforeAll(async () => {
  simulator = await startSimulator();
  auth = { authorization: `Bearer ${await accessTokenOf(simulator.url)}`, 'amazon-advertising-api-clientid': DEFAULT_CREDENTIALS.clientId };
});
afterAll(async () => {
  await simulator.close();
});

const element = (countryCode: string) => ({
  countryCode,
  deliveryType: 'NON_GUARANTEED',
  reachType: 'HOUSEHOLDS',
  startDate: '2026-12-07',
  endDate: '2027-01-05',
  supplyPackage: ['SPONSORED_DISPLAY'],
});

describe('reach forecasts', () => {
  it('answers 207 with a CreateReachForecastsV1ResponseContent: a curve per good element, an error per bad one', async () => {
    const profile = simulator.state.world.profiles.find((p) => p.marketplace.code === 'US');
    if (!profile) throw new Error('no US profile');
    const request = { reachForecasts: [element('US'), { ...element('US'), reachType: 'DEVICES' }, element('DE')] };
    expectValid('rf#/components/schemas/CreateReachForecastsV1RequestContent', { reachForecasts: [element('US')] });
    const answer = await fetch(`${simulator.url}/na/mediaPlan/v1/reachForecasts`, {
      method: 'POST',
      headers: {
        ...auth,
        'amazon-advertising-api-scope': String(profile.profileId),
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify(request),
    });
    expect(answer.status).toBe(207);
    const body = (await answer.json()) as {
      success: { index: number; reachForecast: { dataPoints: { spend: number; reach: number }[] } }[];
      error: { index: number }[];
    };
    expectValid('rf#/components/schemas/CreateReachForecastsV1ResponseContent', body);
    expect(body.success.map((s) => s.index)).toEqual([0]);
    expect(body.error.map((e) => e.index)).toEqual([1, 2]);

    const points = body.success[0]?.reachForecast.dataPoints ?? [];
    expect(points.length).toBeGreaterThan(3);
    for (let i = 1; i < points.length; i++) {
      const [before, point] = [points[i - 1], points[i]];
      if (!before || !point) continue;
      expect(point.reach).toBeGreaterThan(before.reach);
      if (i >= 2) {
        const earlier = points[i - 2];
        if (!earlier) continue;
        // Diminishing returns: households per unit of spend fall as spend grows.
        expect((point.reach - before.reach) / (point.spend - before.spend)).toBeLessThan(
          (before.reach - earlier.reach) / (before.spend - earlier.spend),
        );
      }
    }
  });

  it('answers a body without forecasts with a BadRequestExceptionResponseContent, and no account with 401', async () => {
    const profile = simulator.state.world.profiles[0];
    const bad = await fetch(`${simulator.url}/na/mediaPlan/v1/reachForecasts`, {
      method: 'POST',
      headers: { ...auth, 'amazon-advertising-api-scope': String(profile?.profileId), 'content-type': 'application/json' },
      body: JSON.stringify({ reachForecasts: [] }),
    });
    expect(bad.status).toBe(400);
    expectValid('rf#/components/schemas/BadRequestExceptionResponseContent', await bad.json());
    const anonymous = await fetch(`${simulator.url}/na/mediaPlan/v1/reachForecasts`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ reachForecasts: [element('US')] }),
    });
    expect(anonymous.status).toBe(401);
  });
});
