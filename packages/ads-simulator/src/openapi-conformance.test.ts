/**
 * The simulator's answers checked against Amazon's published OpenAPI documents (copied into published-specs/ from
 * shared/ads-api/specs), with every `$ref` resolved by ajv.
 * `/v2/profiles` and Login with Amazon have no OpenAPI document in that folder; their answers are checked against
 * JSON schemas transcribed from the documentation (facts.md §5) below, and say so.
 */
import { Ajv, type AnySchema } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setFaults } from './faults.ts';
import { type RunningSimulator, startSimulator } from './server.ts';
import { DEFAULT_CREDENTIALS } from './state.ts';
import { loadPublishedSpec } from './testing/published-specs.ts';

const loadSpec = (file: string) => loadPublishedSpec(file) as AnySchema;

// OpenAPI 3.0 documents carry keywords JSON Schema does not know (`example`, `x-…`): not strict; `nullable` is known to ajv.
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(loadSpec('partner-opportunities.json'), 'po');

/** Transcribed from the profiles documentation (facts.md §5): no OpenAPI document for `/v2/profiles` is published there. */
const ProfilesSchema = {
  type: 'array',
  maxItems: 5000,
  items: {
    type: 'object',
    required: ['profileId', 'countryCode', 'currencyCode', 'timezone', 'accountInfo'],
    properties: {
      profileId: { type: 'integer' },
      countryCode: { type: 'string', minLength: 2, maxLength: 2 },
      currencyCode: { type: 'string', minLength: 3, maxLength: 3 },
      dailyBudget: { type: 'number' },
      timezone: { type: 'string' },
      accountInfo: {
        type: 'object',
        required: ['marketplaceStringId', 'id', 'type', 'name'],
        properties: {
          marketplaceStringId: { type: 'string' },
          id: { type: 'string' },
          type: { enum: ['seller', 'vendor', 'agency'] },
          name: { type: 'string' },
          validPaymentMethod: { type: 'boolean' },
        },
      },
    },
  },
};

/** Login with Amazon's refresh-token answer (facts.md §5). */
const TokenSchema = {
  type: 'object',
  required: ['access_token', 'token_type', 'expires_in', 'refresh_token'],
  properties: {
    access_token: { type: 'string', pattern: '^Atza\\|' },
    token_type: { const: 'bearer' },
    expires_in: { const: 3600 },
    refresh_token: { type: 'string', pattern: '^Atzr\\|' },
  },
};

function expectValid(schema: string | object, body: unknown): void {
  const validate = typeof schema === 'string' ? ajv.getSchema(schema) : ajv.compile(schema);
  if (!validate) throw new Error(`no schema ${String(schema)}`);
  const valid = validate(body);
  expect(valid ? [] : ajv.errorsText(validate.errors, { separator: '\n' }).split('\n')).toEqual([]);
}

const PO = 'application/vnd.partneropportunity.v1+json';
let simulator: RunningSimulator;
let token: string;
let headers: Record<string, string>;

beforeAll(async () => {
  simulator = await startSimulator();
  const answer = await fetch(`${simulator.url}/auth/o2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: DEFAULT_CREDENTIALS.refreshToken,
      client_id: DEFAULT_CREDENTIALS.clientId,
      client_secret: DEFAULT_CREDENTIALS.clientSecret,
    }),
  });
  const body = (await answer.json()) as { access_token: string };
  expectValid(TokenSchema, body);
  token = body.access_token;
  headers = {
    authorization: `Bearer ${token}`,
    'amazon-advertising-api-clientid': DEFAULT_CREDENTIALS.clientId,
    'amazon-advertising-api-manager-account': DEFAULT_CREDENTIALS.partnerAccountId,
    accept: PO,
  };
});
afterAll(async () => {
  await simulator.close();
});

describe('the simulator answers as the published specs say', () => {
  it('lists Partner Opportunities as PartnerOpportunitiesOpportunitiesPageV1, on every page', async () => {
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const url = new URL(`${simulator.url}/partnerOpportunities`);
      url.searchParams.set('maxResults', '3');
      if (nextToken) url.searchParams.set('nextToken', nextToken);
      const answer = await fetch(url, { headers });
      expect(answer.status).toBe(200);
      const body = (await answer.json()) as { nextToken?: string };
      expectValid('po#/components/schemas/PartnerOpportunitiesOpportunitiesPageV1', body);
      nextToken = body.nextToken;
      pages++;
    } while (nextToken);
    expect(pages).toBeGreaterThan(1);
  });

  it('answers a partly failed apply with PartnerOpportunitiesApplyErrorDtoV1, and a bad one too', async () => {
    const opportunity = simulator.state.opportunities.find((o) => o.objectiveType === 'AMAZON_ACCOUNT_TEAM_RECOMMENDATIONS');
    const row = opportunity?.rows[0];
    if (!opportunity || !row) throw new Error('no account team recommendations');
    const body = {
      advertiserType: row.advertiserType,
      encryptedAdvertiserId: row.encryptedAdvertiserId,
      entityId: row.entityId,
      marketplace: row.marketplace,
      recommendationIds: [row.recommendationId, 'not-a-recommendation'],
    };
    const post = (suffix: string, payload: unknown) =>
      fetch(`${simulator.url}/partnerOpportunities/${opportunity.partnerOpportunityId}/${suffix}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': PO },
        body: JSON.stringify(payload),
      });
    const partial = await post('apply', body);
    expect(partial.status).toBe(422);
    expectValid('po#/components/schemas/PartnerOpportunitiesApplyErrorDtoV1', await partial.json());

    const bad = await post('apply', { ...body, recommendationIds: [] });
    expect(bad.status).toBe(400);
    expectValid('po#/components/schemas/PartnerOpportunitiesApplyErrorDtoV1', await bad.json());

    const status = await post('applicationStatus', body);
    expect(status.status).toBe(200);
    expectValid('po#/components/schemas/PartnerOpportunitiesApplicationStatusResponseDtoV1', await status.json());

    const badStatus = await post('applicationStatus', { recommendationIds: [] });
    expect(badStatus.status).toBe(400);
    expectValid('po#/components/schemas/PartnerOpportunitiesApplicationStatusErrorDtoV1', await badStatus.json());
  });

  it('is a real check: a list with injected malformed items and unknown enums fails it', async () => {
    setFaults(simulator.state, { malformedItems: { share: 0.5 }, unknownEnums: { share: 0.5 } });
    try {
      const answer = await fetch(`${simulator.url}/partnerOpportunities?maxResults=100`, { headers });
      const validate = ajv.getSchema('po#/components/schemas/PartnerOpportunitiesOpportunitiesPageV1');
      expect(validate?.(await answer.json())).toBe(false);
      const problems = ajv.errorsText(validate?.errors);
      expect(problems).toMatch(/must have required property|must be equal to one of the allowed values/);
    } finally {
      setFaults(simulator.state, null);
    }
  });

  it('answers /v2/profiles in the documented shape, in every region', async () => {
    for (const region of ['na', 'eu', 'fe']) {
      const answer = await fetch(`${simulator.url}/${region}/v2/profiles`, { headers });
      expect(answer.status).toBe(200);
      expectValid(ProfilesSchema, await answer.json());
    }
  });
});
