/**
 * Audiences discovery and Audience Insights' overlapping audiences, checked against Amazon's published OpenAPI
 * documents (shared/ads-api/specs/audiences-discovery.json and insights.json) with ajv, every `$ref` resolved; and the
 * simulated world's coherence: an advertiser's customers overlap most with the audiences of the categories it sells in.
 */
import { Ajv, type AnySchema } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OVERLAP_MEDIA_TYPE } from './handlers/audience-insights.ts';
import { type RunningSimulator, startSimulator } from './server.ts';
import { DEFAULT_CREDENTIALS } from './state.ts';
import { accessTokenOf } from './testing/access-token.ts';
import { loadPublishedSpec } from './testing/published-specs.ts';

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(loadPublishedSpec('audiences-discovery.json') as AnySchema, 'disc');
ajv.addSchema(loadPublishedSpec('insights.json') as AnySchema, 'ins');

const OVERLAP_RESPONSE =
  'ins#/paths/~1insights~1audiences~1{audienceId}~1overlappingAudiences/get/responses/200/content/application~1vnd.insightsaudiencesoverlap.v2+json/schema';

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

function profileAt(index: number) {
  const profile = simulator.state.world.profiles[index];
  if (!profile) throw new Error('no profile');
  return { profile, base: `${simulator.url}/${profile.marketplace.region.toLowerCase()}` };
}

describe('audiences discovery and overlapping audiences', () => {
  it('lists audiences page by page; each is an AudienceCommonFieldsV1 and the response a ListAudiencesResponseV1', async () => {
    const { profile, base } = profileAt(0);
    const headers = {
      ...auth,
      'amazon-advertising-api-scope': String(profile.profileId),
      'content-type': 'application/json',
      accept: 'application/json',
    };
    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const url = new URL(`${base}/audiences/list`);
      url.searchParams.set('advertiserId', profile.advertiser.entityId);
      url.searchParams.set('maxResults', '5');
      if (nextToken) url.searchParams.set('nextToken', nextToken);
      const answer = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ adType: 'DSP' }) });
      expect(answer.status).toBe(200);
      const body = (await answer.json()) as {
        audiences: { audienceId: string; forecasts: { inventoryForecasts: { all: unknown } } }[];
        matchCount: unknown;
        nextToken?: string;
      };
      // AudienceV1 and InventoryForecastV1 are oneOfs that cannot hold in JSON Schema (their SD and ST branches are
      // the same schema, so everything matches two): an audience is checked against the common fields every audience
      // has, and its forecast against the DSP branch asked for.
      expectValid('disc#/components/schemas/ListAudiencesResponseV1/properties/matchCount', body.matchCount);
      for (const audience of body.audiences) {
        expectValid('disc#/components/schemas/DSPInventoryForecastV1', audience.forecasts.inventoryForecasts.all);
        expectValid('disc#/components/schemas/AudienceCommonFieldsV1', { ...audience, forecasts: { inventoryForecasts: {} } });
      }
      seen.push(...body.audiences.map((a) => a.audienceId));
      nextToken = body.nextToken;
      pages++;
    } while (nextToken);
    expect(pages).toBeGreaterThan(1);
    // Amazon's audiences and this profile's own customers, never another profile's.
    const own = seen.filter((id) => id.includes('.advertiser.'));
    const expected = simulator.state.audiences.filter((a) => a.profileId === profile.profileId);
    expect(own.sort()).toEqual(expected.map((a) => a.audienceId).sort());

    const filtered = await fetch(`${base}/audiences/list`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ filters: [{ field: 'category', values: ['Advertiser'] }] }),
    });
    const { audiences } = (await filtered.json()) as { audiences: { category: string }[] };
    expect(audiences.length).toBe(expected.length);
    expect(audiences.every((a) => a.category === 'Advertiser')).toBe(true);
  });

  it('answers overlapping audiences in the versioned media type as the spec says, best affinity first, paged', async () => {
    const { profile, base } = profileAt(0);
    const seed = simulator.state.audiences.find((a) => a.profileId === profile.profileId);
    if (!seed) throw new Error('no advertiser audience');
    const headers = { ...auth, 'amazon-advertising-api-scope': String(profile.profileId), accept: OVERLAP_MEDIA_TYPE };
    const affinities: number[] = [];
    let nextToken: string | undefined;
    do {
      const url = new URL(`${base}/insights/audiences/${encodeURIComponent(seed.audienceId)}/overlappingAudiences`);
      url.searchParams.set('adType', 'DSP');
      url.searchParams.set('maxResults', '4');
      if (nextToken) url.searchParams.set('nextToken', nextToken);
      const answer = await fetch(url, { headers });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe(OVERLAP_MEDIA_TYPE);
      const body = (await answer.json()) as { overlappingAudiences: { affinity: number }[]; nextToken?: string };
      expectValid(OVERLAP_RESPONSE, body);
      affinities.push(...body.overlappingAudiences.map((o) => o.affinity));
      nextToken = body.nextToken;
    } while (nextToken);
    expect(affinities).toEqual([...affinities].sort((a, b) => b - a));

    const wildcard = await fetch(`${base}/insights/audiences/${encodeURIComponent(seed.audienceId)}/overlappingAudiences?adType=DSP`, {
      headers: { ...headers, accept: '*/*' },
    });
    expect(wildcard.status).toBe(400);
    expect(wildcard.headers.get('content-type')).toBe('application/vnd.insightserror.v1+json');
    expectValid('ins#/components/schemas/insightsError', await wildcard.json());
    const noAdType = await fetch(`${base}/insights/audiences/${encodeURIComponent(seed.audienceId)}/overlappingAudiences`, { headers });
    expect(noAdType.status).toBe(400);
  });

  it("overlaps follow the advertiser's categories: every audience of a category it sells in outranks every unrelated one", async () => {
    for (const [index, profile] of simulator.state.world.profiles.entries()) {
      const { base } = profileAt(index);
      const seed = simulator.state.audiences.find((a) => a.profileId === profile.profileId);
      if (!seed) throw new Error('no advertiser audience');
      const url = new URL(`${base}/insights/audiences/${encodeURIComponent(seed.audienceId)}/overlappingAudiences`);
      url.searchParams.set('adType', 'DSP');
      url.searchParams.set('maxResults', '500');
      const answer = await fetch(url, {
        headers: { ...auth, 'amazon-advertising-api-scope': String(profile.profileId), accept: OVERLAP_MEDIA_TYPE },
      });
      const body = (await answer.json()) as { overlappingAudiences: { affinity: number; audienceMetadata: { audienceId: string } }[] };
      const categories = new Set(
        simulator.state.brandMetrics.filter((r) => r.profileId === profile.profileId).map((r) => r.metadata.categoryNodeName),
      );
      const shoppingCategoryOf = (id: string) => simulator.state.audiences.find((a) => a.audienceId === id)?.shoppingCategory ?? null;
      const related = body.overlappingAudiences.filter((o) => categories.has(shoppingCategoryOf(o.audienceMetadata.audienceId) ?? ''));
      const unrelated = body.overlappingAudiences.filter((o) => {
        const category = shoppingCategoryOf(o.audienceMetadata.audienceId);
        return category !== null && !categories.has(category);
      });
      expect(related.length).toBeGreaterThan(0);
      expect(Math.min(...related.map((o) => o.affinity))).toBeGreaterThan(Math.max(...unrelated.map((o) => o.affinity)));
    }
  });

  it("refuses another profile's audience as not found", async () => {
    const { profile, base } = profileAt(0);
    const other = simulator.state.audiences.find((a) => a.profileId !== null && a.profileId !== profile.profileId);
    if (!other) throw new Error('no other advertiser');
    const answer = await fetch(`${base}/insights/audiences/${encodeURIComponent(other.audienceId)}/overlappingAudiences?adType=DSP`, {
      headers: { ...auth, 'amazon-advertising-api-scope': String(profile.profileId), accept: OVERLAP_MEDIA_TYPE },
    });
    expect(answer.status).toBe(404);
  });
});

describe('Persona Builder: top categories purchased', () => {
  it('answers a TopCategoriesPurchasedResponseContent in its versioned media type, led by the categories the profile sells in', async () => {
    ajv.addSchema(loadPublishedSpec('persona-builder.json') as AnySchema, 'pb');
    for (const [index, profile] of simulator.state.world.profiles.entries()) {
      const { base } = profileAt(index);
      const seed = simulator.state.audiences.find((a) => a.profileId === profile.profileId);
      if (!seed) throw new Error('no advertiser audience');
      const url = new URL(`${base}/insights/topCategoriesPurchased`);
      url.searchParams.set('advertiserId', profile.advertiser.entityId);
      url.searchParams.set('maxResults', '3');
      const body = { audienceTargetingExpression: { audiences: [{ audienceId: seed.audienceId, groupId: 'customers', negative: false }] } };
      expectValid('pb#/components/schemas/InputExpression', body);
      const answer = await fetch(url, {
        method: 'POST',
        headers: {
          ...auth,
          'amazon-advertising-api-scope': String(profile.profileId),
          'content-type': 'application/vnd.topcategoriespurchasedinputexpression.v1+json',
          accept: 'application/vnd.topcategoriespurchasedinsights.v1+json',
        },
        body: JSON.stringify(body),
      });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('application/vnd.topcategoriespurchasedinsights.v1+json');
      const page = (await answer.json()) as { retailCategories: { path: { browseNodeName: string }[] }[]; nextToken?: string };
      expectValid('pb#/components/schemas/TopCategoriesPurchasedResponseContent', page);
      expect(page.nextToken).toBeTruthy();
      const sold = new Set(
        simulator.state.brandMetrics.filter((r) => r.profileId === profile.profileId).map((r) => r.metadata.categoryNodeName),
      );
      expect(page.retailCategories.every((c) => sold.has(c.path[0]?.browseNodeName ?? ''))).toBe(true);
      if (index > 0) continue;
      const wrongType = await fetch(url, {
        method: 'POST',
        headers: {
          ...auth,
          'amazon-advertising-api-scope': String(profile.profileId),
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify(body),
      });
      expect(wrongType.status).toBe(415);
      expectValid('pb#/components/schemas/DspUnsupportedMediaTypeExceptionV1ResponseContent', await wrongType.json());
    }
  });
});
