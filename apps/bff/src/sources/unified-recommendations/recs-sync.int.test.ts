import { DEFAULT_CREDENTIALS } from '@recdesk/ads-simulator/state';
import type { RecommendationDetail, RecommendationPage, SyncSummary } from '@recdesk/shared-types';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { databaseTargets } from '../../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../../testing/test-runtime.ts';
import { LIST_REQUEST_MEDIA_TYPE, LIST_RESPONSE_MEDIA_TYPE } from './recs-api.ts';

// PGlite starts slowly on a loaded machine; these tests make real HTTP calls to the simulator and many queries.
vi.setConfig({ testTimeout: 120_000 });

async function unifiedItems(bff: TestBff) {
  const page: RecommendationPage = (
    await bff.http.get('/api/recommendations').query({ source: 'unified-recommendations', limit: 500 }).expect(200)
  ).body;
  return page;
}

describe.each(databaseTargets)('Unified Recommendations API sync on $name', ({ create }) => {
  let bff: TestBff | undefined;
  afterEach(async () => {
    await bff?.close();
    bff = undefined;
  });

  it('stores every recommendation of every profile, all 33 types, with the documented media types and headers', async () => {
    bff = await startTestBff(await create());
    const state = bff.runtime.simulator?.state;
    if (!state) throw new Error('the simulated mode starts a simulator');
    const summary: SyncSummary = (await bff.http.post('/api/sync?source=unified-recommendations').expect(200)).body;
    const expected = state.unifiedRecommendations.length;
    expect(summary.sources).toEqual([
      expect.objectContaining({
        source: 'unified-recommendations',
        status: 'succeeded',
        fetched: expected,
        stored: expected,
        quarantined: 0,
      }),
    ]);
    const page = await unifiedItems(bff);
    expect(page.total).toBe(expected);
    expect(new Set(page.items.map((item) => item.sourceType)).size).toBe(33);

    const calls = state.requestLog.filter((r) => r.path.endsWith('/recommendations/list'));
    // One call per profile: each profile has fewer than 500 recommendations.
    expect(calls).toHaveLength(state.world.profiles.length);
    for (const call of calls) {
      expect(call.method).toBe('POST');
      expect(call.headers).toMatchObject({
        'content-type': LIST_REQUEST_MEDIA_TYPE,
        accept: LIST_RESPONSE_MEDIA_TYPE,
        'amazon-advertising-api-clientid': DEFAULT_CREDENTIALS.clientId,
        authorization: expect.stringMatching(/^Bearer /),
      });
      expect(state.world.profiles.map((p) => String(p.profileId))).toContain(call.headers['amazon-advertising-api-scope']);
    }

    const budgetSource = state.unifiedRecommendations.find((r) => r.body.recommendationType === 'CAMPAIGN_BUDGET');
    const budget = page.items.find((item) => item.sourceRecommendationId === budgetSource?.body.recommendationId);
    const campaign = state.world.campaigns.find((c) => c.campaignId === budgetSource?.body.campaignId);
    expect(budget).toMatchObject({
      kind: 'budget',
      applicable: true,
      profileId: String(campaign?.profileId),
      entity: { level: 'campaign', campaignId: campaign?.campaignId, campaignName: campaign?.name },
      action: { type: 'set-budget', from: campaign?.dailyBudget, to: Number(budgetSource?.body.recommendedValue), unit: 'currency' },
    });
    // Names are joined in, so a person reads the campaign's name rather than its id.
    expect(budget?.title).toBe(
      `${campaign?.name}: daily budget ${campaign?.dailyBudget.toFixed(2)} ${budget?.action.currency} → ${Number(budgetSource?.body.recommendedValue).toFixed(2)} ${budget?.action.currency}`,
    );
    const detail: RecommendationDetail = (await bff.http.get(`/api/recommendations/${budget?.id}`).expect(200)).body;
    expect(detail.raw).toEqual(budgetSource?.body);
  });

  it('changes nothing when the same recommendations are read again the next day, though the API dates none of them', async () => {
    let now = new Date();
    bff = await startTestBff(await create(), {}, { now: () => now });
    const { runtime } = bff;
    // Through the runtime rather than HTTP: a day later a test session would have ended.
    const stored = () =>
      runtime.db
        .selectFrom('recommendations')
        .select(['id', 'version', 'generated_at'])
        .where('source', '=', 'unified-recommendations')
        .orderBy('id')
        .execute();
    await runtime.sync.sync({ source: 'unified-recommendations' });
    const before = await stored();
    now = new Date(now.getTime() + 25 * 3_600_000);
    const again = await runtime.sync.sync({ source: 'unified-recommendations' });
    expect(again.sources[0]).toMatchObject({ stored: 0, unchanged: before.length });
    expect(await stored()).toEqual(before);
  });

  it('pages with nextToken when a profile has more than 500 recommendations', async () => {
    bff = await startTestBff(await create());
    const state = bff.runtime.simulator?.state;
    if (!state) throw new Error('no simulator');
    const template = state.unifiedRecommendations.find((r) => r.body.recommendationType === 'KEYWORD_BID');
    if (!template) throw new Error('no keyword bid');
    for (let i = 0; i < 520; i++) {
      state.unifiedRecommendations.push({ profileId: template.profileId, body: { ...template.body, recommendationId: `bulk-${i}` } });
    }
    const summary: SyncSummary = (await bff.http.post('/api/sync?source=unified-recommendations').expect(200)).body;
    expect(summary.sources[0]).toMatchObject({ status: 'succeeded', stored: state.unifiedRecommendations.length });
    const calls = state.requestLog.filter((r) => r.path.endsWith('/recommendations/list'));
    expect(calls).toHaveLength(state.world.profiles.length + 1);
  });

  it('keeps unknown types and statuses, quarantines malformed items, and stores the rest', async () => {
    bff = await startTestBff(await create());
    const state = bff.runtime.simulator?.state;
    if (!state) throw new Error('no simulator');
    const profileId = state.world.profiles[0]?.profileId ?? 0;
    state.unifiedRecommendations.push(
      {
        profileId,
        body: {
          recommendationId: 'new-type',
          recommendationType: 'CAMPAIGN_SHINY_NEW_THING',
          status: 'PUBLISHED_V2',
          adProduct: 'SP',
          campaignId: '1',
        },
      },
      { profileId, body: { recommendationId: '', recommendationType: 'KEYWORD_BID', status: 'PUBLISHED', adProduct: 'SP' } },
      {
        profileId,
        body: {
          recommendationId: 'bad-bid',
          recommendationType: 'KEYWORD_BID',
          status: 'PUBLISHED',
          adProduct: 'SP',
          currentValue: '0.5',
          recommendedValue: 'a lot',
        },
      },
    );
    const summary: SyncSummary = (await bff.http.post('/api/sync?source=unified-recommendations').expect(200)).body;
    const good = state.unifiedRecommendations.length - 2;
    expect(summary.sources[0]).toMatchObject({ status: 'succeeded', stored: good, quarantined: 2 });

    const page = await unifiedItems(bff);
    expect(page.items.find((item) => item.sourceRecommendationId === 'new-type')).toMatchObject({
      sourceType: 'CAMPAIGN_SHINY_NEW_THING',
      applicable: false,
      action: { type: 'insight' },
    });
    const quarantine = (await bff.http.get('/api/sources/unified-recommendations/quarantine').expect(200)).body;
    expect(quarantine.total).toBe(2);
    expect(quarantine.items.map((q: { reason: string }) => q.reason).sort()).toEqual([
      expect.stringMatching(/recommendationId: Too small/i),
      "recommendedValue: 'a lot' is not a number",
    ]);
    expect(quarantine.items.find((q: { raw: { recommendationId: string } }) => q.raw.recommendationId === 'bad-bid')).toBeDefined();
  });

  it('applies through /recommendations/apply (207 per item, ledger) and edits recommendedValue with PUT', async () => {
    bff = await startTestBff(await create());
    const state = bff.runtime.simulator?.state;
    if (!state) throw new Error('no simulator');
    const rec = state.unifiedRecommendations.find((r) => r.body.recommendationType === 'CAMPAIGN_BUDGET');
    if (!rec) throw new Error('no budget recommendation');
    const profile = state.world.profiles.find((p) => p.profileId === rec.profileId);
    const region = profile?.marketplace.region ?? 'NA';
    const auth = { kind: 'profile' as const, profileId: String(rec.profileId) };

    const edited = await bff.runtime.client.request({
      region,
      method: 'PUT',
      path: `/recommendations/${rec.body.recommendationId}`,
      auth,
      contentType: 'application/vnd.updateRecommendationRequest.v1+json',
      accept: 'application/vnd.recommendation.v1+json',
      body: { recommendationId: rec.body.recommendationId, recommendedValue: '123.45' },
      endpoint: 'recommendations.update',
    });
    expect(edited.body).toMatchObject({ recommendedValue: '123.45' });

    const applied = await bff.runtime.client.request({
      region,
      method: 'POST',
      path: '/recommendations/apply',
      auth,
      contentType: 'application/vnd.applyRecommendationsRequest.v1+json',
      accept: 'application/vnd.applyRecommendationsResponse.v1+json',
      body: { recommendationIds: [rec.body.recommendationId, 'no-such-id'] },
      endpoint: 'recommendations.apply',
    });
    expect(applied.status).toBe(207);
    expect(applied.body).toMatchObject({
      successes: [{ index: 0, recommendationId: rec.body.recommendationId, recommendation: { status: 'APPLY_SUCCESS' } }],
      failures: [{ index: 1, recommendationId: 'no-such-id', error: { code: '404' } }],
    });
    expect(state.world.campaigns.find((c) => c.campaignId === rec.body.campaignId)?.dailyBudget).toBe(123.45);
    expect(state.ledger.map((l) => l.api)).toEqual(['recommendations.update', 'recommendations.apply']);
  });
});
