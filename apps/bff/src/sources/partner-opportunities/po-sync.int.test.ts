import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulator } from '@recdesk/ads-simulator/server';
import { DEFAULT_CREDENTIALS } from '@recdesk/ads-simulator/state';
import type { Recommendation, RecommendationPage, SyncSummary } from '@recdesk/shared-types';
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../testing/database-targets.ts';
import { pgliteTarget } from '../../testing/pglite-template.ts';
import { startTestBff, type TestBff } from '../../testing/test-runtime.ts';

async function allRecommendations(bff: TestBff): Promise<Recommendation[]> {
  const items: Recommendation[] = [];
  let cursor: string | null = null;
  do {
    const page: RecommendationPage = (
      await bff.http
        .get('/api/recommendations')
        .query({ limit: 25, ...(cursor ? { cursor } : {}) })
        .expect(200)
    ).body;
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

describe.each(databaseTargets)('Partner Opportunities sync on $name', ({ create }) => {
  let bff: TestBff | undefined;
  afterEach(async () => {
    await bff?.close();
    bff = undefined;
  });

  it('stores every row of every opportunity with data, with the fields of the CSV row it came from', async () => {
    bff = await startTestBff(await create());
    const state = bff.runtime.simulator?.state;
    if (!state) throw new Error('the simulated mode starts a simulator');

    const summary: SyncSummary = (await bff.http.post('/api/sync?source=partner-opportunities').expect(200)).body;
    const expectedRows = state.opportunities.reduce((sum, o) => sum + o.rows.length, 0);
    expect(summary.sources).toEqual([
      expect.objectContaining({
        source: 'partner-opportunities',
        status: 'succeeded',
        fetched: expectedRows,
        stored: expectedRows,
        quarantined: 0,
      }),
    ]);

    const items = await allRecommendations(bff);
    expect(items).toHaveLength(expectedRows);
    const accountTeam = state.opportunities.find((o) => o.objectiveType === 'AMAZON_ACCOUNT_TEAM_RECOMMENDATIONS');
    const budgetRow = accountTeam?.rows.find((r) => r.recommendationType === 'CAMPAIGN_BUDGET');
    if (!budgetRow?.recommendationId) throw new Error('the simulator has budget recommendations');
    const budget = items.find((item) => item.sourceRecommendationId === budgetRow.recommendationId);
    // Filed under the profile's account, as every other source files the advertiser.
    const budgetProfile = state.world.profiles.find((p) => String(p.profileId) === budgetRow.profileId);
    expect(budget).toMatchObject({
      source: 'partner-opportunities',
      sourceType: 'CAMPAIGN_BUDGET',
      kind: 'budget',
      advertiserId: budgetProfile?.advertiser.entityId,
      advertiserName: budgetRow.advertiserName,
      marketplace: budgetRow.marketplace,
      applicable: true,
      entity: { level: 'campaign', campaignId: budgetRow.encryptedCampaignId },
      action: { type: 'set-budget', to: Number(budgetRow.recommendedBudget?.replaceAll(',', '')), unit: 'currency' },
      expiresAt: new Date(Number(budgetRow.expiryDate) / 1000).toISOString(),
      generatedAt: new Date(Number(budgetRow.publishedDate) * 1000).toISOString(),
      status: 'validated',
      version: 1,
    });
    expect(budget?.confidence).toBe(budgetRow.confidence ? Number(budgetRow.confidence) : null);

    const detail = (await bff.http.get(`/api/recommendations/${budget?.id}`).expect(200)).body;
    expect(detail.raw.row).toEqual(budgetRow);

    const insight = items.find((item) => item.sourceType === 'UNLAUNCHED_ASINS');
    expect(insight).toMatchObject({ applicable: false, goal: 'growth', action: { type: 'insight' } });
  });

  it('sends the documented headers and follows the 307 without them', async () => {
    bff = await startTestBff(await create());
    const state = bff.runtime.simulator?.state;
    await bff.http.post('/api/sync?source=partner-opportunities').expect(200);
    const list = state?.requestLog.find((r) => r.path.endsWith('/partnerOpportunities'));
    expect(list?.headers).toMatchObject({
      'amazon-advertising-api-manager-account': DEFAULT_CREDENTIALS.partnerAccountId,
      'amazon-advertising-api-clientid': DEFAULT_CREDENTIALS.clientId,
      accept: 'application/vnd.partneropportunity.v1+json',
    });
    expect(list?.headers).not.toHaveProperty('amazon-advertising-api-scope');
    const files = state?.requestLog.filter((r) => r.path.startsWith('/_files/')) ?? [];
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(file.headers).not.toHaveProperty('authorization');
    // Opportunities announcing no rows are never downloaded.
    const empty = state?.opportunities.filter((o) => o.rows.length === 0) ?? [];
    expect(empty.length).toBeGreaterThan(0);
    for (const opportunity of empty) {
      expect(state?.requestLog.some((r) => r.path.includes(`${opportunity.partnerOpportunityId}/file`))).toBe(false);
    }
  });

  it('changes nothing on a second sync of unchanged upstream data, and updates what changed', async () => {
    bff = await startTestBff(await create());
    await bff.http.post('/api/sync?source=partner-opportunities').expect(200);
    const before = await allRecommendations(bff);

    const second: SyncSummary = (await bff.http.post('/api/sync?source=partner-opportunities').expect(200)).body;
    expect(second.sources[0]).toMatchObject({ stored: 0, unchanged: before.length });
    expect(await allRecommendations(bff)).toEqual(before);

    const row = bff.runtime.simulator?.state.opportunities.flatMap((o) => o.rows).find((r) => r.recommendationType === 'CAMPAIGN_BUDGET');
    if (!row) throw new Error('no budget row');
    row.recommendedBudget = '1,234.50';
    const third: SyncSummary = (await bff.http.post('/api/sync?source=partner-opportunities').expect(200)).body;
    expect(third.sources[0]).toMatchObject({ stored: 1, unchanged: before.length - 1 });
    const changed = (await allRecommendations(bff)).find((item) => item.sourceRecommendationId === row.recommendationId);
    expect(changed).toMatchObject({ version: 2, action: { to: 1234.5 } });
    // A BFF started in the test and three full syncs: on a busy 2-core machine this alone has taken 30 s.
  }, 90_000);

  it('quarantines malformed rows with their reason and stores the good ones', async () => {
    bff = await startTestBff(await create());
    const simulator = bff.runtime.simulator;
    const opportunity = simulator?.state.opportunities.find((o) => o.objectiveType === 'AMAZON_ACCOUNT_TEAM_RECOMMENDATIONS');
    if (!simulator || !opportunity) throw new Error('no account team opportunity');
    const good = opportunity.rows.length;
    const template = opportunity.rows[0] as Record<string, string>;
    opportunity.rows.push(
      { ...template, recommendationId: 'bad-confidence', confidence: '1.7' },
      { ...template, recommendationId: 'bad-date', expiryDate: 'next tuesday' },
      { ...template, recommendationId: 'bad-json', currentCampaignSettings: '{"budget": ' },
    );
    const summary: SyncSummary = (await bff.http.post('/api/sync?source=partner-opportunities').expect(200)).body;
    const others = simulator.state.opportunities.filter((o) => o !== opportunity).reduce((sum, o) => sum + o.rows.length, 0);
    expect(summary.sources[0]).toMatchObject({ status: 'succeeded', quarantined: 3, stored: good + others });

    const quarantined = await bff.runtime.quarantine.list('partner-opportunities');
    expect(quarantined.map((q) => q.reason).sort()).toEqual([
      expect.stringMatching(/confidence: must be between 0 and 1/),
      expect.stringMatching(/currentCampaignSettings: is not valid JSON/),
      expect.stringMatching(/expiryDate: 'next tuesday' is not a date/),
    ]);
    // A re-sync reports them again but keeps one quarantine entry each.
    await bff.http.post('/api/sync?source=partner-opportunities').expect(200);
    expect(await bff.runtime.quarantine.count('partner-opportunities')).toBe(3);
  });

  it('quarantines a row the CSV parser cannot read and goes on', async () => {
    bff = await startTestBff(await create());
    const simulator = bff.runtime.simulator;
    if (!simulator) throw new Error('no simulator');
    simulator.use(
      http.get('*/_files/partner-opportunities/:file', () =>
        HttpResponse.text(
          'advertiserName,encryptedAdvertiserId,marketplace,asin,productName\nAcme,AACME0000001,US,B0000001,Kettle\nAcme,AACME0000001,US\nAcme,AACME0000001,US,B0000003,"Lamp\n',
        ),
      ),
    );
    const summary: SyncSummary = (await bff.http.post('/api/sync?source=partner-opportunities').expect(200)).body;
    expect(summary.sources[0]?.quarantined).toBeGreaterThanOrEqual(1);
    expect(summary.sources[0]?.stored).toBeGreaterThanOrEqual(1);
    const reasons = (await bff.runtime.quarantine.list('partner-opportunities')).map((q) => q.reason);
    expect(reasons).toContainEqual(expect.stringMatching(/row has 3 fields, the header has 5/));
  });

  it('answers an unknown query parameter or a malformed id with a problem a person can act on', async () => {
    bff = await startTestBff(await create());
    const unknown = await bff.http.get('/api/recommendations?stauts=approved').expect(400);
    expect(unknown.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(unknown.body).toMatchObject({ status: 400, detail: expect.stringContaining('stauts') });
    await bff.http.get('/api/recommendations?limit=100000').expect(400);
    await bff.http.get('/api/recommendations?cursor=nonsense').expect(400);
    await bff.http.get('/api/recommendations/not-a-uuid').expect(400);
    await bff.http.get('/api/recommendations/00000000-0000-4000-8000-000000000000').expect(404);
    await bff.http.post('/api/sync?source=nope').expect(400);
  });
});

describe('restart', () => {
  it('keeps the data in the PGlite directory', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'recdesk-'));
    const first = await startTestBff({ kind: 'pglite', dataDir });
    await first.http.post('/api/sync?source=partner-opportunities').expect(200);
    const before = (await first.http.get('/api/recommendations?limit=500').expect(200)).body;
    await first.close();
    const second = await startTestBff({ kind: 'pglite', dataDir });
    const after = (await second.http.get('/api/recommendations?limit=500').expect(200)).body;
    await second.close();
    expect(after.total).toBe(before.total);
    expect(after.items).toEqual(before.items);
  });
});

describe('live mode', () => {
  it('syncs from another server that speaks the documented API, with the documented headers', async () => {
    const upstream = await startSimulator({
      seed: 4242,
      advertiserCount: 3,
      credentials: { partnerAccountId: 'amzn1.ads1.ma1.otherpartner' },
    });
    const bff = await startTestBff(pgliteTarget(), {
      ADS_API_MODE: 'live',
      ADS_API_BASE_URL: upstream.url,
      ADS_LWA_TOKEN_URL: `${upstream.url}/auth/o2/token`,
      ADS_CLIENT_ID: DEFAULT_CREDENTIALS.clientId,
      ADS_CLIENT_SECRET: DEFAULT_CREDENTIALS.clientSecret,
      ADS_REFRESH_TOKEN: DEFAULT_CREDENTIALS.refreshToken,
      ADS_PARTNER_ACCOUNT_ID: 'amzn1.ads1.ma1.otherpartner',
      ADS_REGIONS: 'NA,EU',
    });
    try {
      expect(bff.runtime.simulator).toBeNull();
      const summary: SyncSummary = (await bff.http.post('/api/sync?source=partner-opportunities').expect(200)).body;
      const rows = upstream.state.opportunities.reduce((sum, o) => sum + o.rows.length, 0);
      expect(summary.sources[0]).toMatchObject({ status: 'succeeded', stored: rows });
      const list = upstream.state.requestLog.find((r) => r.path === '/partnerOpportunities');
      expect(list?.headers['amazon-advertising-api-manager-account']).toBe('amzn1.ads1.ma1.otherpartner');
      const advertiserIds = new Set(upstream.state.world.advertisers.map((a) => a.entityId));
      const page = (await bff.http.get('/api/recommendations?limit=500').expect(200)).body as RecommendationPage;
      const strays = page.items.filter((item) => !advertiserIds.has(item.advertiserId)).map((i) => [i.advertiserId, i.profileId]);
      expect(strays).toEqual([]);
    } finally {
      await bff.close();
      await upstream.close();
    }
  });
});
