/**
 * The simulator's Sponsored Brands and Sponsored Display endpoints against Amazon's published documents: each request
 * this test sends is itself checked against the declared request schema and media types, and each answer against
 * the schema of its status and media type (testing/sbsd-spec-check.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from './server.ts';
import { DEFAULT_CREDENTIALS } from './state.ts';
import { requestProblems, responseProblems } from './testing/sbsd-spec-check.ts';

let simulator: RunningSimulator;
let token: string;

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
  token = ((await answer.json()) as { access_token: string }).access_token;
});
afterAll(async () => {
  await simulator.close();
});

function usProfile() {
  const profile = simulator.state.world.profiles.find((p) => p.marketplace.code === 'US');
  if (!profile) throw new Error('no US profile');
  return profile;
}

/** One conforming exchange: the request is checked before it is sent, the answer after. */
async function exchange(
  method: string,
  path: string,
  options: { accept: string; contentType?: string; body?: unknown; status: number },
): Promise<unknown> {
  const profile = usProfile();
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    'amazon-advertising-api-clientid': DEFAULT_CREDENTIALS.clientId,
    'amazon-advertising-api-scope': String(profile.profileId),
    accept: options.accept,
    ...(options.contentType ? { 'content-type': options.contentType } : {}),
  };
  const [pathname = path] = path.split('?');
  expect(requestProblems({ method, path: pathname, headers, body: options.body })).toEqual([]);
  const answer = await fetch(`${simulator.url}/na${path}`, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const body = (await answer.json()) as unknown;
  expect(answer.status, JSON.stringify(body).slice(0, 300)).toBe(options.status);
  return { body, contentType: answer.headers.get('content-type'), pathname, method };
}

async function conforming(
  method: string,
  path: string,
  options: { accept: string; contentType?: string; body?: unknown; status: number },
): Promise<unknown> {
  const { body, contentType, pathname } = (await exchange(method, path, options)) as {
    body: unknown;
    contentType: string;
    pathname: string;
  };
  expect(responseProblems(method, pathname, options.status, contentType, body)).toEqual([]);
  return body;
}

describe('Sponsored Brands answers as sponsored-brands-v4 / -v3 say', () => {
  it('lists campaigns and ads, recommends budgets, bids and headlines, and updates a budget and a keyword bid', async () => {
    const sb = 'application/vnd.sbcampaignresource.v4+json';
    const list = (await conforming('POST', '/sb/v4/campaigns/list', {
      accept: sb,
      contentType: sb,
      body: { stateFilter: { include: ['ENABLED', 'PAUSED'] }, maxResults: 100 },
      status: 200,
    })) as { campaigns: { campaignId: string; budget: number }[] };
    expect(list.campaigns.length).toBeGreaterThan(0);
    const [campaign] = list.campaigns;
    if (!campaign) throw new Error('no SB campaign');
    const ads = (await conforming('POST', '/sb/v4/ads/list', {
      accept: 'application/vnd.sbadresource.v4+json',
      contentType: 'application/vnd.sbadresource.v4+json',
      body: { campaignIdFilter: { include: [campaign.campaignId] } },
      status: 200,
    })) as { ads: { creative: { asins: string[] } }[] };
    const asins = ads.ads[0]?.creative.asins ?? [];
    expect(asins.length).toBeGreaterThan(0);

    const budget = 'application/vnd.sbbudgetrecommendation.v4+json';
    await conforming('POST', '/sb/campaigns/budgetRecommendations', {
      accept: budget,
      contentType: budget,
      body: { campaignIds: [...list.campaigns.map((c) => c.campaignId), '1'] },
      status: 207,
    });
    const keywords = (await conforming('GET', `/sb/keywords?campaignIdFilter=${campaign.campaignId}`, {
      accept: 'application/vnd.sbkeyword.v3.2+json',
      status: 200,
    })) as { keywordId: number; adGroupId: number; campaignId: number; keywordText: string; matchType: string; bid: number }[];
    expect(keywords.length).toBeGreaterThan(0);
    await conforming('POST', '/sb/recommendations/bids', {
      accept: 'application/vnd.sbbidsrecommendation.v3+json',
      contentType: 'application/json',
      body: {
        campaignId: Number(campaign.campaignId),
        keywords: keywords.map((k) => ({ matchType: k.matchType, keywordText: k.keywordText })),
        adFormat: 'productCollection',
      },
      status: 200,
    });
    const suggested = (await conforming('POST', '/sb/recommendations/keyword', {
      accept: 'application/vnd.sbkeywordrecommendation.v3+json',
      contentType: 'application/vnd.sbkeywordrecommendation.v3+json',
      body: { asins, maxNumSuggestions: 3, creativeType: 'PRODUCT_COLLECTION' },
      status: 200,
    })) as { type: string }[];
    expect(suggested.map((s) => s.type)).toEqual(['addKeyword', 'addKeyword', 'addKeyword']);
    await conforming('POST', '/sb/recommendations/creative/headline', {
      accept: 'application/json',
      contentType: 'application/json',
      body: { asins: asins.slice(0, 3), maxNumSuggestions: 3, adFormat: 'SPONSORED_BRANDS' },
      status: 200,
    });

    const updated = (await conforming('PUT', '/sb/v4/campaigns', {
      accept: sb,
      contentType: sb,
      body: {
        campaigns: [
          { campaignId: campaign.campaignId, budget: campaign.budget + 5 },
          { campaignId: 'nope', budget: 10 },
        ],
      },
      status: 207,
    })) as { campaigns: { success: unknown[]; error: unknown[] } };
    expect([updated.campaigns.success.length, updated.campaigns.error.length]).toEqual([1, 1]);
    expect(simulator.state.sbsd.sbCampaigns.find((c) => c.campaignId === campaign.campaignId)?.budget).toBe(campaign.budget + 5);

    // The 207 is an array in request order (the spec's description); each element is one SBKeywordResponse.
    const [keyword] = keywords;
    if (!keyword) throw new Error('no keyword');
    const { body, contentType } = (await exchange('PUT', '/sb/keywords', {
      accept: 'application/vnd.sbkeywordresponse.v3+json',
      contentType: 'application/json',
      body: [{ keywordId: keyword.keywordId, adGroupId: keyword.adGroupId, campaignId: keyword.campaignId, bid: 1.23 }],
      status: 207,
    })) as { body: unknown[]; contentType: string };
    for (const element of body) expect(responseProblems('PUT', '/sb/keywords', 207, contentType, element)).toEqual([]);
    expect(body).toEqual([{ keywordId: keyword.keywordId, code: 'SUCCESS' }]);
  });
});

describe('Sponsored Display answers as sponsored-display-v3 says', () => {
  it('lists campaigns, targets and product ads, recommends budgets, bids, targets and headlines, and updates them', async () => {
    const campaigns = (await conforming('GET', '/sd/campaigns?stateFilter=enabled,paused', {
      accept: 'application/json',
      status: 200,
    })) as { campaignId: number; budget: number }[];
    const [campaign] = campaigns;
    if (!campaign) throw new Error('no SD campaign');
    const targets = (await conforming('GET', `/sd/targets?campaignIdFilter=${campaign.campaignId}`, {
      accept: 'application/json',
      status: 200,
    })) as { targetId: number; expressionType: string; expression: unknown[] }[];
    expect(targets.length).toBeGreaterThan(0);
    const ads = (await conforming('GET', `/sd/productAds?campaignIdFilter=${campaign.campaignId}`, {
      accept: 'application/json',
      status: 200,
    })) as { asin: string }[];
    const products = ads.map((a) => ({ asin: a.asin }));

    const budget = 'application/vnd.sdbudgetrecommendations.v3+json';
    await conforming('POST', '/sd/campaigns/budgetRecommendations', {
      accept: budget,
      contentType: budget,
      body: { campaignIds: [String(campaign.campaignId), '1'] },
      status: 207,
    });
    const bids = 'application/vnd.sdtargetingrecommendations.v3.3+json';
    await conforming('POST', '/sd/targets/bid/recommendations', {
      accept: bids,
      contentType: bids,
      body: {
        products,
        bidOptimization: 'clicks',
        costType: 'cpc',
        targetingClauses: targets.map((t) => ({ targetingClause: { expressionType: t.expressionType, expression: t.expression } })),
      },
      status: 207,
    });
    const targeting = 'application/vnd.sdtargetingrecommendations.v3.4+json';
    const recommended = (await conforming('POST', '/sd/targets/recommendations', {
      accept: targeting,
      contentType: targeting,
      body: { tactic: 'T00030', products, typeFilter: ['AUDIENCE', 'PRODUCT'] },
      status: 200,
    })) as { recommendations: { audiences: unknown[] } };
    expect(recommended.recommendations.audiences.length).toBeGreaterThan(0);
    await conforming('POST', '/sd/recommendations/creative/headline', {
      accept: 'application/vnd.sdheadlinerecommendationresponse.v4.0+json',
      contentType: 'application/vnd.sdheadlinerecommendationrequest.v4.0+json',
      body: { asins: products.map((p) => p.asin), maxNumRecommendations: 3, adFormat: 'SPONSORED_DISPLAY' },
      status: 200,
    });

    const [target] = targets;
    if (!target) throw new Error('no target');
    expect(
      await conforming('PUT', '/sd/campaigns', {
        accept: 'application/json',
        contentType: 'application/json',
        body: [{ campaignId: campaign.campaignId, budget: campaign.budget + 3 }],
        status: 207,
      }),
    ).toEqual([{ code: 'SUCCESS', campaignId: campaign.campaignId }]);
    expect(
      await conforming('PUT', '/sd/targets', {
        accept: 'application/json',
        contentType: 'application/json',
        body: [{ targetId: target.targetId, bid: 0.77 }],
        status: 207,
      }),
    ).toEqual([{ code: 'SUCCESS', targetId: target.targetId }]);
    expect(simulator.state.sbsd.sdTargets.find((t) => String(t.targetId) === String(target.targetId))?.bid).toBe(0.77);
  });

  it('is a real check: a request over the published limits, or with another media type, has problems', () => {
    const headers = { accept: 'application/vnd.sdbudgetrecommendations.v3+json', 'content-type': 'application/json' };
    expect(
      requestProblems({ method: 'POST', path: '/sd/campaigns/budgetRecommendations', headers, body: { campaignIds: [] } }).join('\n'),
    ).toMatch(/Content-Type application\/json/);
    const sb = 'application/vnd.sbbudgetrecommendation.v4+json';
    const tooMany = Array.from({ length: 101 }, (_, n) => String(n));
    expect(
      requestProblems({
        method: 'POST',
        path: '/sb/campaigns/budgetRecommendations',
        headers: { accept: sb, 'content-type': sb },
        body: { campaignIds: tooMany },
      }).join('\n'),
    ).toMatch(/must NOT have more than 100 items/);
    expect(
      responseProblems('POST', '/na/sb/campaigns/budgetRecommendations', 207, sb, { success: [{ campaignId: 'c' }], error: [] }).join('\n'),
    ).toMatch(/must have required property 'suggestedBudget'/);
  });
});
