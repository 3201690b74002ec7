import { describe, expect, it } from 'vitest';
import { AD_GROUP, CAMPAIGN, KEYWORD, NOW, PROFILE } from '../shared/sp-fixtures.ts';
import { normaliseKeywordSuggestions, normaliseProductSuggestions } from './targeting-normalise.ts';

const context = {
  profile: PROFILE,
  campaign: CAMPAIGN,
  adGroup: AD_GROUP,
  keywords: [KEYWORD],
  targets: [
    {
      targetId: 't2',
      adGroupId: 'g1',
      campaignId: 'c1',
      expressionType: 'MANUAL',
      expression: [{ type: 'ASIN_SAME_AS', value: 'B0OWNED001' }],
      autoGroup: null,
      text: 'asin="B0OWNED001"',
      state: 'ENABLED',
      bid: 1,
    },
  ],
};

describe('targeting suggestions', () => {
  it('proposes keywords the ad group does not target, one per match type, at the suggested bid', () => {
    const results = normaliseKeywordSuggestions(
      [
        {
          keyword: 'electric kettle',
          bidInfo: [
            { matchType: 'EXACT', suggestedBid: { suggested: 1.2 } },
            { matchType: 'BROAD', rank: 2, suggestedBid: { suggested: 0.7, rangeStart: 0.5, rangeEnd: 1 } },
          ],
        },
        { keyword: 'tea kettle' },
      ],
      context,
      NOW,
    );
    expect(results).toHaveLength(2);
    expect(results[0]).toMatchObject({
      ok: true,
      recommendation: {
        sourceRecommendationId: 'g1:add-keyword:BROAD:electric kettle',
        kind: 'targeting',
        title: 'Acme | kettle | Exact | US › kettle core: add keyword "electric kettle" (BROAD) at 0.70 USD',
        entity: { level: 'keyword', targetText: 'electric kettle', matchType: 'BROAD', adGroupName: 'kettle core' },
        action: { type: 'add-keyword', from: null, to: 0.7, direction: 'add' },
      },
    });
    expect(results[1]).toMatchObject({ ok: false, reason: expect.stringMatching(/bidInfo/) });
  });

  it('proposes product targets not targeted yet, with the themes as the reason', () => {
    const results = normaliseProductSuggestions(
      [{ recommendedAsin: 'B0OWNED001' }, { recommendedAsin: 'B0NEWASIN1', themes: ['Complements'] }, { recommendedAsin: 'short' }],
      context,
      NOW,
    );
    expect(results.map((r) => r.ok)).toEqual([true, false]);
    expect(results[0]).toMatchObject({
      recommendation: {
        sourceRecommendationId: 'g1:add-target:asin:B0NEWASIN1',
        description: 'Why: Complements.',
        action: { type: 'add-target', to: 'asin="B0NEWASIN1"' },
        entity: { level: 'target', asin: 'B0NEWASIN1' },
      },
    });
  });
});
