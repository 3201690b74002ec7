/**
 * The unified Recommendations API and Brand Metrics answers of the simulator, checked against Amazon's published
 * OpenAPI documents (shared/ads-api/specs/tactical-recommendations.json and brand-metrics.json) with ajv, every
 * `$ref` resolved: list pages, 207 apply results, an edited recommendation, errors, and the report lifecycle.
 */
import { Ajv, type AnySchema } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from './server.ts';
import { DEFAULT_CREDENTIALS } from './state.ts';
import { accessTokenOf } from './testing/access-token.ts';
import { loadPublishedSpec } from './testing/published-specs.ts';

const loadSpec = (file: string) => loadPublishedSpec(file) as AnySchema;

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(loadSpec('tactical-recommendations.json'), 'recs');
ajv.addSchema(loadSpec('brand-metrics.json'), 'bm');

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
  const accessToken = await accessTokenOf(simulator.url);
  auth = { authorization: `Bearer ${accessToken}`, 'amazon-advertising-api-clientid': DEFAULT_CREDENTIALS.clientId };
});
afterAll(async () => {
  await simulator.close();
});

const LIST = {
  'content-type': 'application/vnd.listRecommendationsRequest.v1+json',
  accept: 'application/vnd.listRecommendationsResponse.v1+json',
};

describe('the unified Recommendations API answers as tactical-recommendations.json says', () => {
  it('lists ListRecommendationsResponse pages, follows nextToken, and applies filters', async () => {
    const profile = simulator.state.world.profiles[0];
    if (!profile) throw new Error('no profile');
    const scope = { ...auth, 'amazon-advertising-api-scope': String(profile.profileId) };
    const all = simulator.state.unifiedRecommendations.filter((r) => r.profileId === profile.profileId);
    let nextToken: string | undefined;
    let seen = 0;
    do {
      const answer = await fetch(`${simulator.url}/na/recommendations/list`, {
        method: 'POST',
        headers: { ...scope, ...LIST },
        body: JSON.stringify({ maxResults: 5, ...(nextToken ? { nextToken } : {}) }),
      });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe(LIST.accept);
      const body = (await answer.json()) as { recommendations: unknown[]; nextToken?: string };
      expectValid('recs#/components/schemas/ListRecommendationsResponse', body);
      seen += body.recommendations.length;
      nextToken = body.nextToken;
    } while (nextToken);
    expect(seen).toBe(all.length);

    const filtered = await fetch(`${simulator.url}/na/recommendations/list`, {
      method: 'POST',
      headers: { ...scope, ...LIST },
      body: JSON.stringify({ filters: [{ field: 'RECOMMENDATION_TYPE', operator: 'EXACT', values: ['CAMPAIGN_BUDGET'] }] }),
    });
    const { recommendations } = (await filtered.json()) as { recommendations: { recommendationType: string }[] };
    expect(recommendations.every((r) => r.recommendationType === 'CAMPAIGN_BUDGET')).toBe(true);

    const tooMany = await fetch(`${simulator.url}/na/recommendations/list`, {
      method: 'POST',
      headers: { ...scope, ...LIST },
      body: JSON.stringify({ maxResults: 501 }),
    });
    expect(tooMany.status).toBe(400);
    expectValid('recs#/components/schemas/APIError', await tooMany.json());
    const wildcard = await fetch(`${simulator.url}/na/recommendations/list`, {
      method: 'POST',
      headers: { ...scope, ...LIST, accept: '*/*' },
      body: '{}',
    });
    expect(wildcard.status).toBe(415);
  });

  it('answers apply with a 207 ApplyRecommendationsResponse and an edit with a Recommendation', async () => {
    const rec = simulator.state.unifiedRecommendations.find((r) => r.body.recommendationType === 'KEYWORD_BID');
    const profile = simulator.state.world.profiles.find((p) => p.profileId === rec?.profileId);
    if (!rec || !profile) throw new Error('no keyword bid');
    const base = `${simulator.url}/${profile.marketplace.region.toLowerCase()}`;
    const scope = { ...auth, 'amazon-advertising-api-scope': String(profile.profileId) };
    const edit = await fetch(`${base}/recommendations/${rec.body.recommendationId}`, {
      method: 'PUT',
      headers: {
        ...scope,
        'content-type': 'application/vnd.updateRecommendationRequest.v1+json',
        accept: 'application/vnd.recommendation.v1+json',
      },
      body: JSON.stringify({ recommendationId: rec.body.recommendationId, recommendedValue: '1.23' }),
    });
    expect(edit.status).toBe(200);
    expectValid('recs#/components/schemas/Recommendation', await edit.json());
    const badEdit = await fetch(`${base}/recommendations/${rec.body.recommendationId}`, {
      method: 'PUT',
      headers: {
        ...scope,
        'content-type': 'application/vnd.updateRecommendationRequest.v1+json',
        accept: 'application/vnd.recommendation.v1+json',
      },
      body: JSON.stringify({ recommendationId: rec.body.recommendationId, recommendedValue: 'PAUSED' }),
    });
    expect(badEdit.status).toBe(400);

    const apply = await fetch(`${base}/recommendations/apply`, {
      method: 'POST',
      headers: {
        ...scope,
        'content-type': 'application/vnd.applyRecommendationsRequest.v1+json',
        accept: 'application/vnd.applyRecommendationsResponse.v1+json',
      },
      body: JSON.stringify({ recommendationIds: [rec.body.recommendationId, rec.body.recommendationId, 'nope'] }),
    });
    expect(apply.status).toBe(207);
    const result = (await apply.json()) as { successes: unknown[]; failures: unknown[] };
    expectValid('recs#/components/schemas/ApplyRecommendationsResponse', result);
    // The second copy of the id finds it already applied.
    expect([result.successes.length, result.failures.length]).toEqual([1, 2]);
    expect(simulator.state.world.keywords.find((k) => k.keywordId === rec.body.targetId)?.bid).toBe(1.23);

    const tooMany = await fetch(`${base}/recommendations/apply`, {
      method: 'POST',
      headers: {
        ...scope,
        'content-type': 'application/vnd.applyRecommendationsRequest.v1+json',
        accept: 'application/vnd.applyRecommendationsResponse.v1+json',
      },
      body: JSON.stringify({ recommendationIds: Array.from({ length: 101 }, (_, i) => `id-${i}`) }),
    });
    expect(tooMany.status).toBe(400);
  });
});

describe('Brand Metrics answers as brand-metrics.json says', () => {
  it('creates a report, answers polls until SUCCESSFUL, and serves the file from a pre-signed location', async () => {
    const profile = simulator.state.world.profiles[0];
    if (!profile) throw new Error('no profile');
    simulator.state.brandMetricsPendingPolls = 1;
    const media = 'application/vnd.insightsbrandmetrics.v1.1+json';
    const headers = { ...auth, 'amazon-advertising-api-scope': String(profile.profileId), accept: media };
    const created = await fetch(`${simulator.url}/insights/brandMetrics/report`, {
      method: 'POST',
      headers: { ...headers, 'content-type': media },
      body: JSON.stringify({ format: 'JSON' }),
    });
    expect(created.status).toBe(200);
    const report = (await created.json()) as { reportId: string };
    expectValid('bm#/components/schemas/brandMetricsGenerateReportResponseV11', report);

    const poll = async () => {
      const answer = await fetch(`${simulator.url}/insights/brandMetrics/report/${report.reportId}`, { headers });
      const body = (await answer.json()) as { status: string; location?: string };
      expectValid('bm#/components/schemas/brandMetricsGetReportByIdResponse', body);
      return body;
    };
    expect((await poll()).status).toBe('IN_PROGRESS');
    const done = await poll();
    expect(done.status).toBe('SUCCESSFUL');
    const file = await fetch(done.location ?? '');
    const document = (await file.json()) as {
      brandBuildingMetrics: { metadata: { brandName: string }; metrics: Record<string, string> }[];
    };
    expect(document.brandBuildingMetrics.length).toBeGreaterThan(0);
    for (const record of document.brandBuildingMetrics) {
      expect(record.metadata.brandName).toBe(profile.advertiser.brand);
      for (const value of Object.values(record.metrics)) expect(value).toMatch(/^(N\/A|\d+(\.\d+)?)$/);
    }
    expect((await fetch(done.location ?? '', { headers: { authorization: 'Bearer x' } })).status).toBe(400);

    const bad = await fetch(`${simulator.url}/insights/brandMetrics/report`, {
      method: 'POST',
      headers: { ...headers, 'content-type': media },
      body: JSON.stringify({ format: 'XML' }),
    });
    expect(bad.status).toBe(400);
    expectValid('bm#/components/schemas/brandMetricsError', await bad.json());
  });
});
