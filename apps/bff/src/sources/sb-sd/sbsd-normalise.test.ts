import { describe, expect, it } from 'vitest';
import { NOW, PROFILE } from '../shared/sp-fixtures.ts';
import {
  type AdCampaign,
  describeSdExpression,
  normaliseBudget,
  normaliseHeadlines,
  normaliseSbBid,
  normaliseSbKeyword,
  normaliseSdBid,
  normaliseSdTargeting,
} from './sbsd-normalise.ts';

const SB: AdCampaign = {
  campaignId: '500',
  name: 'Acme | kettle | SB Brand | US',
  budget: 40,
  portfolioId: null,
  asins: ['B0KETTLE01', 'B0KETTLE02'],
  headline: 'Shop Acme kettles',
  adGroupId: '501',
  tactic: null,
};
const SD: AdCampaign = {
  ...SB,
  campaignId: '600',
  name: 'Acme | kettle | SD Audiences | US',
  headline: null,
  adGroupId: '601',
  tactic: 'T00030',
};

const budget = (campaignId: string, suggestedBudget: unknown) => ({
  index: 0,
  campaignId,
  suggestedBudget,
  sevenDaysMissedOpportunities: {
    startDate: '2026-11-16',
    endDate: '2026-11-22',
    percentTimeInBudget: 0.55,
    estimatedMissedClicksLower: 20,
    estimatedMissedClicksUpper: 30,
  },
});

describe('SB / SD normalisers', () => {
  it('turns a budget recommendation into a set-budget on the campaign with its name, live budget and product', () => {
    const result = normaliseBudget('SB', budget('500', 60), PROFILE, new Map([['500', SB]]), NOW);
    expect(result).toMatchObject({
      ok: true,
      recommendation: {
        source: 'sb-recommendations',
        sourceRecommendationId: 'budget:500',
        sourceType: 'SB_BUDGET_RECOMMENDATION',
        kind: 'budget',
        title: 'Acme | kettle | SB Brand | US: daily budget 40.00 → 60.00 USD',
        entity: { level: 'campaign', campaignId: '500', campaignName: SB.name, asin: 'B0KETTLE01' },
        action: { type: 'set-budget', from: 40, to: 60, currency: 'USD', direction: 'increase' },
        estimatedImpact: [{ metric: 'missed clicks', lower: 20, upper: 30, unit: 'count', periodDays: 7 }],
      },
    });
    expect(normaliseBudget('SD', budget('600', 40), PROFILE, new Map([['600', SD]]), NOW)).toBeNull();
    expect(normaliseBudget('SD', budget('600', 'sixty'), PROFILE, new Map([['600', SD]]), NOW)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/SD budget recommendation .*suggestedBudget/),
    });
  });

  it('finds the SB keyword of a bid recommendation by text and match type, and quarantines one it does not know', () => {
    const keywords = [{ keywordId: '510', adGroupId: '501', campaignId: '500', keywordText: 'acme kettle', matchType: 'exact', bid: 1.1 }];
    const raw = {
      recommendationId: 'r',
      recommendedBid: { rangeStart: 1, rangeEnd: 2, recommended: 1.45 },
      keyword: { keywordText: 'acme kettle', matchType: 'exact' },
      keywordIndex: 0,
    };
    expect(normaliseSbBid(raw, PROFILE, SB, keywords, NOW)).toMatchObject({
      ok: true,
      recommendation: {
        sourceRecommendationId: 'bid:510',
        kind: 'bid',
        entity: { level: 'keyword', targetId: '510', targetText: 'acme kettle', matchType: 'EXACT', adGroupId: '501' },
        action: { type: 'set-bid', from: 1.1, to: 1.45, direction: 'increase' },
      },
    });
    expect(normaliseSbBid({ ...raw, keyword: { keywordText: 'teapot', matchType: 'exact' } }, PROFILE, SB, keywords, NOW)).toMatchObject({
      ok: false,
    });
  });

  it('reads an SD target bid answer at its clause, and skips an error answer', () => {
    const target = {
      targetId: '610',
      adGroupId: '601',
      campaignId: '600',
      expressionType: 'manual',
      expression: [{ type: 'views', value: [{ type: 'exactProduct' }, { type: 'lookback', value: '30' }] }],
      bid: 0.9,
    };
    expect(describeSdExpression(target.expression)).toBe('views: exactProduct, lookback 30');
    expect(normaliseSdBid({ code: 'SUCCESS', recommended: 0.7, rangeLower: 0.5, rangeUpper: 1 }, PROFILE, SD, target, NOW)).toMatchObject({
      ok: true,
      recommendation: {
        sourceRecommendationId: 'bid:610',
        entity: { level: 'target', targetId: '610' },
        action: { from: 0.9, to: 0.7, direction: 'decrease' },
      },
    });
    expect(normaliseSdBid({ code: 'NOT_FOUND', details: 'no' }, PROFILE, SD, target, NOW)).toBeNull();
  });

  it('makes SD audience expansions and product targets, never applicable by RecDesk but shown with what to add', () => {
    const results = normaliseSdTargeting(
      {
        audiences: [{ category: 'In-market', audiences: [{ audience: '3712', name: 'Home & Kitchen shoppers', rank: 1 }] }],
        products: [{ products: [{ asin: 'B0RIVAL001', rank: 1 }] }],
      },
      PROFILE,
      SD,
      NOW,
    );
    expect(results).toMatchObject([
      {
        ok: true,
        recommendation: {
          kind: 'audience',
          sourceType: 'SD_AUDIENCE_TARGETING',
          title: 'Acme | kettle | SD Audiences | US: reach the audience “Home & Kitchen shoppers”',
          action: { type: 'add-target', field: 'audience', to: '3712', direction: 'add' },
          entity: { level: 'target', adGroupId: '601', campaignId: '600' },
        },
      },
      { ok: true, recommendation: { kind: 'targeting', action: { type: 'add-target', to: 'asinSameAs=B0RIVAL001' } } },
    ]);
  });

  it('turns an SB keyword suggestion into a new keyword of the campaign’s ad group', () => {
    const raw = {
      recommendationId: 'k',
      type: 'addKeyword',
      value: 'premium kettle',
      matchType: 'phrase',
      searchTermImpressionShare: 12.5,
    };
    expect(normaliseSbKeyword(raw, PROFILE, SB, NOW)).toMatchObject({
      ok: true,
      recommendation: {
        sourceRecommendationId: 'keyword:500:premium kettle:PHRASE',
        kind: 'targeting',
        title: 'Acme | kettle | SB Brand | US: add keyword "premium kettle" (PHRASE)',
        entity: { level: 'keyword', targetId: null, adGroupId: '501', targetText: 'premium kettle', matchType: 'PHRASE' },
        action: { type: 'add-keyword', to: 'premium kettle', direction: 'add' },
      },
    });
    expect(normaliseSbKeyword({ ...raw, value: '' }, PROFILE, SB, NOW)).toMatchObject({ ok: false });
  });

  it('proposes the first new headline with the text to paste and the other suggestions; a headline over 50 characters is quarantined', () => {
    const suggestions = [
      { headlineId: 'h0', headline: 'Shop Acme kettles' },
      { headlineId: 'h1', headline: 'Discover Acme kettles' },
      { headlineId: 'h2', headline: 'Top-rated kettles by Acme' },
    ];
    expect(normaliseHeadlines('SB', suggestions, PROFILE, SB, NOW)).toMatchObject({
      ok: true,
      recommendation: {
        kind: 'creative',
        sourceRecommendationId: 'headline:500',
        description:
          'Paste in Amazon Ads (Sponsored Brands ad of this campaign): “Discover Acme kettles”. Other suggestions: “Top-rated kettles by Acme”.',
        action: { type: 'creative', field: 'headline', from: 'Shop Acme kettles', to: 'Discover Acme kettles' },
      },
    });
    expect(normaliseHeadlines('SD', [{ headline: 'x'.repeat(51) }], PROFILE, SD, NOW)).toMatchObject({ ok: false });
    expect(normaliseHeadlines('SB', [{ headline: 'Shop Acme kettles' }], PROFILE, SB, NOW)).toBeNull();
  });
});
