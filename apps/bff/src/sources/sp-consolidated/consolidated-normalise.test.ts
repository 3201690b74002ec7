import { describe, expect, it } from 'vitest';
import { AD_GROUP, CAMPAIGN, KEYWORD, NOW, PROFILE, TARGET } from '../shared/sp-fixtures.ts';
import { idsOfPage, normaliseConsolidated } from './consolidated-normalise.ts';

const join = {
  campaigns: new Map([[CAMPAIGN.campaignId, CAMPAIGN]]),
  adGroups: new Map([[AD_GROUP.adGroupId, AD_GROUP]]),
  keywords: new Map([[KEYWORD.keywordId, KEYWORD]]),
  targets: new Map([[TARGET.targetId, TARGET]]),
};

const item = {
  campaignId: 'c1',
  budgetRecommendation: { action: 'INCREASE', suggestedBudget: 75 },
  biddingStrategyRecommendation: { action: 'UPDATE', suggestedBiddingStrategy: 'AUTO_FOR_SALES' },
  keywordTargetingRecommendations: [
    { action: 'INCREASE', adGroupId: 'g1', keywordId: 'k1', keywordText: 'electric kettle', matchType: 'EXACT', suggestedBid: 1.4 },
    { action: 'ADD', adGroupId: 'g1', keywordText: 'glass kettle', matchType: 'PHRASE', suggestedBid: 0.8 },
  ],
  targetingGroupBidRecommendations: [
    { action: 'DECREASE', adGroupId: 'g1', targetId: 't1', targetingGroupExpression: 'CLOSE_MATCH', suggestedBid: 0.5 },
  ],
  placementBiddingRecommendations: [
    {
      action: 'INCREASE',
      placementType: 'PLACEMENT_TOP',
      suggestedBidAdjustment: 50,
      incrementalImpressionsLowerPercent: 3,
      incrementalImpressionsUpperPercent: 12,
    },
  ],
  sevenDaysEstimatedOpportunities: {
    startDate: '2026-11-16T00:00:00Z',
    endDate: '2026-11-23T00:00:00Z',
    estimatedIncrementalClicksLower: 10,
    estimatedIncrementalClicksUpper: 40,
  },
};

describe('normaliseConsolidated', () => {
  const results = normaliseConsolidated(item, PROFILE, join, NOW);
  const byId = new Map(results.flatMap((r) => (r.ok ? [[r.recommendation.sourceRecommendationId, r.recommendation]] : [])));

  it('makes one recommendation per action, each with a stable id', () => {
    expect(results.every((r) => r.ok)).toBe(true);
    expect([...byId.keys()].sort()).toEqual(
      [
        'c1:budget',
        'c1:bidding-strategy',
        'c1:keyword:k1:bid',
        'c1:g1:add-keyword:PHRASE:glass kettle',
        'c1:target:t1:bid',
        'c1:placement:PLACEMENT_TOP',
      ].sort(),
    );
  });

  it('reads the budget change as a person would, from the joined campaign', () => {
    expect(byId.get('c1:budget')).toMatchObject({
      source: 'sp-consolidated',
      kind: 'budget',
      goal: 'performance',
      title: 'Acme | kettle | Exact | US: daily budget 50.00 → 75.00 USD',
      advertiserId: 'ENTITY1',
      profileId: PROFILE.profileId,
      entity: { level: 'campaign', campaignName: CAMPAIGN.name, portfolioId: 'P1' },
      action: { type: 'set-budget', from: 50, to: 75, currency: 'USD', direction: 'increase', unit: 'currency' },
      generatedAt: '2026-11-23T00:00:00.000Z',
      estimatedImpact: [{ metric: expect.stringContaining('incremental clicks'), lower: 10, upper: 40, unit: 'count', periodDays: 7 }],
    });
  });

  it('takes current bids from the keyword, the target or the ad group default', () => {
    expect(byId.get('c1:keyword:k1:bid')?.action).toMatchObject({ type: 'set-bid', from: 1.1, to: 1.4, direction: 'increase' });
    expect(byId.get('c1:target:t1:bid')).toMatchObject({
      entity: { level: 'target', targetText: 'close match', adGroupName: 'kettle core' },
      action: { from: 0.9, to: 0.5, direction: 'decrease' },
    });
    expect(byId.get('c1:g1:add-keyword:PHRASE:glass kettle')).toMatchObject({
      kind: 'targeting',
      action: { type: 'add-keyword', from: null, to: 0.8, direction: 'add' },
    });
    expect(byId.get('c1:placement:PLACEMENT_TOP')).toMatchObject({
      action: { type: 'set-bid-adjustment', from: 25, to: 50, unit: 'percent' },
      title: 'Acme | kettle | Exact | US: top of search bid adjustment +25% → +50%',
    });
  });

  it('quarantines a malformed action and keeps the others', () => {
    const mixed = normaliseConsolidated(
      {
        campaignId: 'c1',
        budgetRecommendation: { suggestedBudget: 'a lot' },
        placementBiddingRecommendations: [{ placementType: 'PLACEMENT_TOP', suggestedBidAdjustment: 30 }],
      },
      PROFILE,
      join,
      NOW,
    );
    expect(mixed.map((r) => r.ok)).toEqual([false, true]);
    expect(mixed[0]).toMatchObject({ ok: false, reason: expect.stringMatching(/budgetRecommendation: suggestedBudget/) });
  });

  it('keeps unknown enum values and shows them, without claiming it can apply them', () => {
    const [strategy, keyword] = normaliseConsolidated(
      {
        campaignId: 'c1',
        biddingStrategyRecommendation: { action: 'UPDATE', suggestedBiddingStrategy: 'AI_FOR_PROFIT' },
        keywordTargetingRecommendations: [{ action: 'BOOST', keywordId: 'k1', suggestedBid: 2 }],
      },
      PROFILE,
      join,
      NOW,
    );
    expect(strategy).toMatchObject({
      ok: true,
      recommendation: { action: { to: 'AI_FOR_PROFIT' }, title: expect.stringContaining('AI_FOR_PROFIT') },
    });
    expect(keyword).toMatchObject({
      ok: true,
      recommendation: { sourceType: 'KEYWORD_TARGETING_BOOST', applicable: false, title: expect.stringContaining('BOOST') },
    });
  });

  it('names bare ids when the join found nothing, and gathers a page’s ids for one join', () => {
    const [result] = normaliseConsolidated(
      { campaignId: 'c9', budgetRecommendation: { action: 'INCREASE', suggestedBudget: 20 } },
      PROFILE,
      join,
      NOW,
    );
    expect(result).toMatchObject({
      ok: true,
      recommendation: { title: 'Campaign c9: daily budget ? → 20.00 USD', action: { from: null, direction: 'increase' } },
    });
    expect(idsOfPage([item, null, { campaignId: 5 }])).toEqual({
      campaignIds: new Set(['c1']),
      keywordIds: new Set(['k1']),
      targetIds: new Set(['t1']),
      adGroupIds: new Set(['g1']),
    });
  });
});
