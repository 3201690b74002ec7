import type { SyncSummary } from '@recdesk/shared-types';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../../testing/test-runtime.ts';
import { FAST_CLIENT, itemsOf, SP_TEST_TIMEOUT_MS } from '../shared/sp-test-helpers.ts';

describe.each(databaseTargets)('SP consolidated recommendations on $name', ({ create }) => {
  let bff: TestBff | undefined;
  afterEach(async () => {
    await bff?.close();
    bff = undefined;
  }, SP_TEST_TIMEOUT_MS);

  it(
    'stores one recommendation per action, with names and current values joined',
    async () => {
      bff = await startTestBff(await create(), FAST_CLIENT);
      const state = bff.runtime.simulator?.state;
      if (!state) throw new Error('the simulated mode starts a simulator');
      const summary: SyncSummary = (await bff.http.post('/api/sync?source=sp-consolidated').expect(200)).body;
      const upstream = [...state.sp.consolidated.values()].flat();
      const actions = upstream.reduce(
        (sum, r) =>
          sum +
          (r.budgetRecommendation ? 1 : 0) +
          (r.biddingStrategyRecommendation ? 1 : 0) +
          (r.keywordTargetingRecommendations?.length ?? 0) +
          (r.targetingGroupBidRecommendations?.length ?? 0) +
          (r.placementBiddingRecommendations?.length ?? 0),
        0,
      );
      expect(actions).toBeGreaterThan(20);
      expect(summary.sources).toEqual([
        expect.objectContaining({ source: 'sp-consolidated', status: 'succeeded', fetched: actions, stored: actions, quarantined: 0 }),
      ]);
      const items = await itemsOf(bff, 'sp-consolidated');
      expect(items).toHaveLength(actions);

      const withBudget = upstream.find((r) => r.budgetRecommendation);
      const campaign = state.world.campaigns.find((c) => c.campaignId === withBudget?.campaignId);
      const profile = state.world.profiles.find((p) => p.profileId === campaign?.profileId);
      if (!withBudget?.budgetRecommendation || !campaign || !profile) throw new Error('the simulator has a budget recommendation');
      const budget = items.find((i) => i.sourceRecommendationId === `${campaign.campaignId}:budget`);
      const to = withBudget.budgetRecommendation.suggestedBudget;
      expect(budget).toMatchObject({
        kind: 'budget',
        goal: 'performance',
        profileId: String(profile.profileId),
        advertiserId: profile.advertiser.entityId,
        marketplace: profile.marketplace.countryCode,
        entity: { level: 'campaign', campaignId: campaign.campaignId, campaignName: campaign.name, portfolioId: campaign.portfolioId },
        action: {
          type: 'set-budget',
          from: campaign.dailyBudget,
          to,
          unit: 'currency',
          currency: profile.marketplace.currency,
          direction: to > campaign.dailyBudget ? 'increase' : 'decrease',
        },
        title: `${campaign.name}: daily budget ${campaign.dailyBudget.toFixed(2)} → ${to.toFixed(2)} ${profile.marketplace.currency}`,
      });
      expect(budget?.estimatedImpact).toContainEqual(expect.objectContaining({ unit: 'count', periodDays: 7 }));

      const keywordRec = upstream.flatMap((r) => r.keywordTargetingRecommendations ?? []).find((k) => k.keywordId);
      const keyword = state.world.keywords.find((k) => k.keywordId === keywordRec?.keywordId);
      const adGroup = state.world.adGroups.find((g) => g.adGroupId === keyword?.adGroupId);
      if (!keyword || !adGroup) throw new Error('the simulator has a keyword bid recommendation');
      expect(items.find((i) => i.sourceRecommendationId === `${keyword.campaignId}:keyword:${keyword.keywordId}:bid`)).toMatchObject({
        kind: 'bid',
        entity: {
          level: 'keyword',
          adGroupId: adGroup.adGroupId,
          adGroupName: adGroup.name,
          targetId: keyword.keywordId,
          targetText: keyword.keywordText,
        },
        action: { type: 'set-bid', from: keyword.bid, to: keywordRec?.suggestedBid },
      });

      const added = items.filter((i) => i.action.type === 'add-keyword');
      expect(added.length).toBeGreaterThan(0);
      expect(added.every((i) => i.kind === 'targeting' && i.action.from === null && i.entity.adGroupName !== null)).toBe(true);
      const placement = items.find((i) => i.action.type === 'set-bid-adjustment');
      expect(placement).toMatchObject({ entity: { level: 'placement' }, action: { unit: 'percent' } });
      expect(items.every((i) => i.entity.campaignName !== null)).toBe(true);
    },
    SP_TEST_TIMEOUT_MS,
  );

  it(
    'sends the documented media types, Scope headers and id batches',
    async () => {
      bff = await startTestBff(await create(), FAST_CLIENT);
      const state = bff.runtime.simulator?.state;
      if (!state) throw new Error('no simulator');
      await bff.http.post('/api/sync?source=sp-consolidated').expect(200);
      const profileIds = new Set(state.world.profiles.map((p) => String(p.profileId)));
      const calls = state.requestLog.filter((r) => r.path.endsWith('/sp/campaign/recommendations'));
      expect(new Set(calls.map((c) => c.headers['amazon-advertising-api-scope']))).toEqual(profileIds);
      for (const call of calls) {
        expect(call.headers.accept).toBe('application/vnd.spgetcampaignrecommendationsresponse.v1+json');
        expect(call.search).toContain('maxResults=50');
      }
      const lists = state.requestLog.filter((r) => r.path.endsWith('/sp/campaigns/list'));
      expect(lists.length).toBeGreaterThan(0);
      for (const list of lists) {
        expect(list.headers['content-type']).toBe('application/vnd.spCampaign.v3+json');
        expect(list.headers.accept).toBe('application/vnd.spCampaign.v3+json');
        expect(profileIds.has(list.headers['amazon-advertising-api-scope'] ?? '')).toBe(true);
      }
      const keywordLists = state.requestLog.filter((r) => r.path.endsWith('/sp/keywords/list'));
      for (const list of keywordLists) expect(list.headers['content-type']).toBe('application/vnd.spKeyword.v3+json');
    },
    SP_TEST_TIMEOUT_MS,
  );

  it(
    're-syncs in place, quarantines malformed actions and keeps unknown enum values',
    async () => {
      bff = await startTestBff(await create(), FAST_CLIENT);
      const state = bff.runtime.simulator?.state;
      if (!state) throw new Error('no simulator');
      const first: SyncSummary = (await bff.http.post('/api/sync?source=sp-consolidated').expect(200)).body;
      const second: SyncSummary = (await bff.http.post('/api/sync?source=sp-consolidated').expect(200)).body;
      expect(second.sources[0]).toMatchObject({ stored: 0, unchanged: first.sources[0]?.stored });

      const [profileId, list] = [...state.sp.consolidated.entries()][0] ?? [];
      const campaign = state.world.campaigns.find((c) => c.profileId === profileId && c.state !== 'ARCHIVED');
      if (!list || !campaign) throw new Error('no consolidated recommendations');
      // Pushed as upstream would send them: not the simulator's typed shape.
      (list as unknown[]).push(
        { campaignId: campaign.campaignId, budgetRecommendation: { action: 'INCREASE', suggestedBudget: 'lots' } },
        {
          campaignId: campaign.campaignId,
          biddingStrategyRecommendation: { action: 'UPDATE', suggestedBiddingStrategy: 'AI_FOR_PROFIT' },
          placementBiddingRecommendations: [{ action: 'BOOST', placementType: 'PLACEMENT_HOME_PAGE', suggestedBidAdjustment: 35 }],
        },
        { budgetRecommendation: { action: 'INCREASE', suggestedBudget: 10 } },
      );
      const third: SyncSummary = (await bff.http.post('/api/sync?source=sp-consolidated').expect(200)).body;
      expect(third.sources[0]).toMatchObject({ status: 'succeeded', quarantined: 2 });
      const reasons = (await bff.runtime.quarantine.list('sp-consolidated')).map((q) => q.reason);
      expect(reasons).toEqual(
        expect.arrayContaining([expect.stringMatching(/budgetRecommendation: suggestedBudget/), expect.stringMatching(/campaignId/)]),
      );
      const items = await itemsOf(bff, 'sp-consolidated');
      expect(items.find((i) => i.sourceRecommendationId === `${campaign.campaignId}:bidding-strategy`)).toMatchObject({
        action: { type: 'set-bidding-strategy', to: 'AI_FOR_PROFIT', from: campaign.biddingStrategy },
        title: expect.stringContaining('AI_FOR_PROFIT'),
      });
      expect(items.find((i) => i.sourceRecommendationId === `${campaign.campaignId}:placement:PLACEMENT_HOME_PAGE`)).toMatchObject({
        sourceType: 'PLACEMENT_BIDDING_BOOST',
        applicable: false,
        action: { field: 'PLACEMENT_HOME_PAGE', from: 0, to: 35 },
      });
    },
    SP_TEST_TIMEOUT_MS,
  );
});
