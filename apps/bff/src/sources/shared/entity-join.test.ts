import type { NormalisedRecommendation } from '@recdesk/shared-types';
import { describe, expect, it } from 'vitest';
import { enrichRecommendation } from './entity-join.ts';
import { AD_GROUP, CAMPAIGN, KEYWORD } from './sp-fixtures.ts';

const base: NormalisedRecommendation = {
  sourceRecommendationId: 'r1',
  source: 'partner-opportunities',
  sourceType: 'CAMPAIGN_BUDGET',
  kind: 'budget',
  goal: 'performance',
  title: 'Raise daily budget ? → 75.00 USD',
  description: null,
  advertiserId: 'A1',
  advertiserName: null,
  profileId: '1',
  marketplace: 'US',
  entity: {
    level: 'campaign',
    portfolioId: null,
    campaignId: 'c1',
    campaignName: null,
    adGroupId: 'g1',
    adGroupName: null,
    targetId: null,
    targetText: null,
    matchType: null,
    asin: null,
    brandName: null,
  },
  action: { type: 'set-budget', field: 'dailyBudget', from: null, to: 75, unit: 'currency', currency: 'USD', direction: 'change' },
  applicable: true,
  confidence: null,
  impactScore: null,
  estimatedImpact: [],
  generatedAt: '2026-11-23T00:00:00.000Z',
  expiresAt: null,
  raw: {},
};

describe('enrichRecommendation', () => {
  it('fills names, portfolio and the current value, and names the campaign in the title', () => {
    expect(enrichRecommendation(base, { campaign: CAMPAIGN, adGroup: AD_GROUP })).toMatchObject({
      title: `${CAMPAIGN.name}: Raise daily budget ? → 75.00 USD`,
      entity: { campaignName: CAMPAIGN.name, adGroupName: 'kettle core', portfolioId: 'P1' },
      action: { from: 50, direction: 'increase' },
    });
  });

  it('keeps what the source said itself, and the current bid of a keyword', () => {
    const bid = {
      ...base,
      entity: { ...base.entity, level: 'keyword' as const, targetId: 'k1', campaignName: 'Own name' },
      action: { ...base.action, type: 'set-bid' as const, field: 'bid', from: null, to: 1 },
    };
    expect(enrichRecommendation(bid, { campaign: CAMPAIGN, keyword: KEYWORD })).toMatchObject({
      entity: { campaignName: 'Own name', targetText: 'electric kettle', matchType: 'EXACT' },
      action: { from: 1.1, direction: 'decrease' },
    });
    expect(enrichRecommendation(base, {})).toBe(base);
  });
});
