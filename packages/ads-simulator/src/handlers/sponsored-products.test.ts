import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../server.ts';
import { DEFAULT_CREDENTIALS } from '../state.ts';

let simulator: RunningSimulator;
let token: string;

beforeAll(async () => {
  simulator = await startSimulator();
  const response = await fetch(`${simulator.url}/auth/o2/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: DEFAULT_CREDENTIALS.refreshToken,
      client_id: DEFAULT_CREDENTIALS.clientId,
      client_secret: DEFAULT_CREDENTIALS.clientSecret,
    }),
  });
  token = ((await response.json()) as { access_token: string }).access_token;
});
afterAll(() => simulator.close());

function call(
  path: string,
  options: { method?: string; scope?: string | null; type?: string; accept?: string; body?: unknown; prefer?: string },
) {
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    'amazon-advertising-api-clientid': DEFAULT_CREDENTIALS.clientId,
  };
  if (options.scope !== null)
    headers['amazon-advertising-api-scope'] = options.scope ?? String(simulator.state.world.profiles[0]?.profileId);
  if (options.type) headers['content-type'] = options.type;
  if (options.accept) headers.accept = options.accept;
  if (options.prefer) headers.prefer = options.prefer;
  return fetch(`${simulator.url}/na${path}`, {
    method: options.method ?? 'POST',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
}

// biome-ignore lint/suspicious/noExplicitAny: the test reads into answers whose shapes it asserts itself
type Json = any;

const CAMPAIGN = 'application/vnd.spCampaign.v3+json';
const KEYWORD = 'application/vnd.spKeyword.v3+json';

describe('Sponsored Products v3 in the simulator', () => {
  it('checks the Scope header and the versioned media types', async () => {
    expect((await call('/sp/campaigns/list', { scope: null, type: CAMPAIGN, accept: CAMPAIGN, body: {} })).status).toBe(401);
    expect((await call('/sp/campaigns/list', { scope: '42', type: CAMPAIGN, accept: CAMPAIGN, body: {} })).status).toBe(401);
    const eu = simulator.state.world.profiles.find((p) => p.marketplace.region === 'EU');
    expect((await call('/sp/campaigns/list', { scope: String(eu?.profileId), type: CAMPAIGN, accept: CAMPAIGN, body: {} })).status).toBe(
      401,
    );
    const wrong = await call('/sp/campaigns/list', { type: 'application/json', accept: CAMPAIGN, body: {} });
    expect(wrong.status).toBe(415);
    expect(await wrong.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.any(String) });
  });

  it('lists with id filters and nextToken pages', async () => {
    const profileId = simulator.state.world.profiles[0]?.profileId;
    const mine = simulator.state.world.campaigns.filter((c) => c.profileId === profileId);
    const first = (await (await call('/sp/campaigns/list', { type: CAMPAIGN, accept: CAMPAIGN, body: { maxResults: 2 } })).json()) as Json;
    expect(first).toMatchObject({ totalResults: mine.length, nextToken: expect.any(String) });
    expect(first.campaigns).toHaveLength(2);
    const second = (await (
      await call('/sp/campaigns/list', { type: CAMPAIGN, accept: CAMPAIGN, body: { maxResults: 2, nextToken: first.nextToken } })
    ).json()) as Json;
    expect(second.campaigns[0].campaignId).toBe(mine[2]?.campaignId);
    const one = (await (
      await call('/sp/campaigns/list', { type: CAMPAIGN, accept: CAMPAIGN, body: { campaignIdFilter: { include: [mine[1]?.campaignId] } } })
    ).json()) as Json;
    expect(one.campaigns).toEqual([
      expect.objectContaining({ campaignId: mine[1]?.campaignId, budget: expect.objectContaining({ budgetType: 'DAILY' }) }),
    ]);
    const tooMany = Array.from({ length: 1001 }, (_, i) => String(i));
    expect(
      (await call('/sp/campaigns/list', { type: CAMPAIGN, accept: CAMPAIGN, body: { campaignIdFilter: { include: tooMany } } })).status,
    ).toBe(400);
  });

  it('updates per item with 207 Multi-Status, checks limits, refuses archived entities and writes the ledger', async () => {
    const profileId = simulator.state.world.profiles[0]?.profileId;
    const [campaign, other] = simulator.state.world.campaigns.filter((c) => c.profileId === profileId);
    if (!campaign || !other) throw new Error('two campaigns');
    other.state = 'ARCHIVED';
    const ledgerBefore = simulator.state.ledger.length;
    const response = await call('/sp/campaigns', {
      method: 'PUT',
      type: CAMPAIGN,
      accept: CAMPAIGN,
      prefer: 'return=representation',
      body: {
        campaigns: [
          { campaignId: campaign.campaignId, budget: { budget: 123, budgetType: 'DAILY' } },
          { campaignId: campaign.campaignId, budget: { budget: 0.5, budgetType: 'DAILY' } },
          { campaignId: other.campaignId, state: 'PAUSED' },
          { campaignId: 'nope' },
        ],
      },
    });
    expect(response.status).toBe(207);
    expect(response.headers.get('preference-applied')).toBe('return=representation');
    const body = (await response.json()) as Json;
    expect(body.campaigns.success).toEqual([
      {
        index: 0,
        campaignId: campaign.campaignId,
        campaign: expect.objectContaining({ budget: expect.objectContaining({ budget: 123 }) }),
      },
    ]);
    expect(
      body.campaigns.error.map((e: { index: number; errors: { errorValue: Record<string, { reason: string }> }[] }) => [
        e.index,
        Object.values(e.errors[0]?.errorValue ?? {})[0]?.reason,
      ]),
    ).toEqual([
      [1, 'BUDGET_OUT_OF_MARKET_PLACE_RANGE'],
      [2, 'ARCHIVED_ENTITY_CANNOT_BE_MODIFIED'],
      [3, 'ENTITY_NOT_FOUND'],
    ]);
    expect(campaign.dailyBudget).toBe(123);
    expect(simulator.state.ledger.slice(ledgerBefore)).toEqual([
      expect.objectContaining({ api: 'PUT /sp/campaigns', key: `campaign:${campaign.campaignId}` }),
    ]);

    const keyword = simulator.state.world.keywords.find((k) => k.campaignId === campaign.campaignId);
    if (!keyword) throw new Error('a keyword');
    const keywords = (await (
      await call('/sp/keywords', {
        method: 'PUT',
        type: KEYWORD,
        accept: KEYWORD,
        body: {
          keywords: [
            { keywordId: keyword.keywordId, bid: 1.23 },
            { keywordId: keyword.keywordId, bid: 5000 },
          ],
        },
      })
    ).json()) as Json;
    expect(keywords.keywords.success).toEqual([{ index: 0, keywordId: keyword.keywordId }]);
    expect(keywords.keywords.error[0].errors[0].errorValue.biddingError).toMatchObject({
      reason: 'BID_OUT_OF_MARKET_PLACE_RANGE',
      lowerLimit: '0.02',
      upperLimit: '1000',
    });
    expect(keyword.bid).toBe(1.23);

    const created = (await (
      await call('/sp/keywords', {
        type: KEYWORD,
        accept: KEYWORD,
        body: {
          keywords: [
            {
              campaignId: campaign.campaignId,
              adGroupId: keyword.adGroupId,
              keywordText: 'brand new kettle',
              matchType: 'EXACT',
              state: 'ENABLED',
              bid: 0.8,
            },
          ],
        },
      })
    ).json()) as Json;
    expect(created.keywords.success[0]).toMatchObject({ index: 0, keywordId: expect.stringMatching(/^\d+$/) });
    expect(simulator.state.world.keywords.some((k) => k.keywordText === 'brand new kettle')).toBe(true);
    expect(
      (await call('/sp/keywords', { type: KEYWORD, accept: KEYWORD, body: { keywords: Array.from({ length: 1001 }, () => ({})) } })).status,
    ).toBe(400);
  });

  it('answers the recommendation endpoints in their published shapes', async () => {
    const profileId = simulator.state.world.profiles[0]?.profileId;
    const campaigns = simulator.state.world.campaigns.filter((c) => c.profileId === profileId && c.state !== 'ARCHIVED');
    const budgetType = 'application/vnd.budgetrecommendation.v3+json';
    const budget = (await (
      await call('/sp/campaigns/budgetRecommendations', {
        type: budgetType,
        accept: budgetType,
        body: { campaignIds: [campaigns[0]?.campaignId, 'unknown'] },
      })
    ).json()) as Json;
    expect(budget.budgetRecommendationsSuccessResults[0]).toMatchObject({
      index: 0,
      campaignId: campaigns[0]?.campaignId,
      suggestedBudget: expect.any(Number),
    });
    expect(budget.budgetRecommendationsErrorResults[0]).toMatchObject({ index: 1, campaignId: 'unknown', Error: { code: '404' } });
    const tooMany = Array.from({ length: 101 }, (_, i) => String(i));
    expect(
      (await call('/sp/campaigns/budgetRecommendations', { type: budgetType, accept: budgetType, body: { campaignIds: tooMany } })).status,
    ).toBe(400);

    const consolidated = await call('/sp/campaign/recommendations?maxResults=1', {
      method: 'GET',
      accept: 'application/vnd.spgetcampaignrecommendationsresponse.v1+json',
    });
    expect(consolidated.status).toBe(200);
    const page = (await consolidated.json()) as Json;
    expect(page.recommendations).toHaveLength(1);
    expect(
      (
        await call('/sp/campaign/recommendations?maxResults=51', {
          method: 'GET',
          accept: 'application/vnd.spgetcampaignrecommendationsresponse.v1+json',
        })
      ).status,
    ).toBe(400);

    for (const version of [3, 4, 5]) {
      const type = `application/vnd.spthemebasedbidrecommendation.v${version}+json`;
      const adGroup = simulator.state.world.adGroups.find((g) => g.campaignId === campaigns[0]?.campaignId);
      const bids = await call('/sp/targets/bid/recommendations', {
        type,
        accept: type,
        body: {
          recommendationType: 'BIDS_FOR_EXISTING_AD_GROUP',
          campaignId: campaigns[0]?.campaignId,
          adGroupId: adGroup?.adGroupId,
          targetingExpressions: [{ type: 'CLOSE_MATCH' }],
        },
      });
      expect(bids.status).toBe(200);
      const body = (await bids.json()) as Json;
      expect(body.bidRecommendations[0].bidRecommendationsForTargetingExpressions[0].bidValues).toHaveLength(3);
      expect('impactMetrics' in body.bidRecommendations[0]).toBe(version === 3);
    }
  });
});
