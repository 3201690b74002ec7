import { describe, expect, it } from 'vitest';
import { AD_GROUP, CAMPAIGN, KEYWORD, NOW, PROFILE, TARGET } from '../shared/sp-fixtures.ts';
import { expressionKey, expressionOfKeyword, normaliseThemeBids } from './theme-bids-normalise.ts';

const keywordExpression = expressionOfKeyword(KEYWORD);
if (!keywordExpression) throw new Error('EXACT keywords have an expression');
const context = {
  profile: PROFILE,
  campaign: CAMPAIGN,
  campaignId: 'c1',
  adGroup: AD_GROUP,
  entities: new Map([
    [expressionKey(keywordExpression), { keyword: KEYWORD }],
    [expressionKey({ type: 'CLOSE_MATCH' }), { target: TARGET }],
  ]),
};

describe('normaliseThemeBids', () => {
  it('proposes the middle bid per expression and theme, from the current bid, with the impact at that bid', () => {
    const results = normaliseThemeBids(
      [
        {
          theme: 'CONVERSION_OPPORTUNITIES',
          impactMetrics: {
            clicks: {
              values: [
                { lower: 1, upper: 2 },
                { lower: 5, upper: 9 },
                { lower: 8, upper: 12 },
              ],
            },
            orders: null,
          },
          bidRecommendationsForTargetingExpressions: [
            { targetingExpression: keywordExpression, bidValues: [{ suggestedBid: 1 }, { suggestedBid: 1.3 }, { suggestedBid: 1.9 }] },
            { targetingExpression: { type: 'CLOSE_MATCH' }, bidValues: [{ suggestedBid: 0.9 }] },
          ],
        },
      ],
      context,
      NOW,
    );
    // The close-match group already bids 0.90 (the ad group default): no change, no item.
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      ok: true,
      recommendation: {
        sourceRecommendationId: 'g1:KEYWORD_EXACT_MATCH|electric kettle:CONVERSION_OPPORTUNITIES',
        title: 'Acme | kettle | Exact | US › kettle core: keyword "electric kettle" (EXACT) bid 1.10 → 1.30 USD',
        entity: { level: 'keyword', targetId: 'k1' },
        action: { from: 1.1, to: 1.3, direction: 'increase' },
        estimatedImpact: [{ metric: 'clicks', lower: 5, upper: 9 }],
      },
    });
  });

  it('quarantines a malformed theme or expression, keeps an unknown theme', () => {
    const results = normaliseThemeBids(
      [
        { bidRecommendationsForTargetingExpressions: [] },
        {
          theme: 'NEW_YEAR',
          bidRecommendationsForTargetingExpressions: [
            { targetingExpression: keywordExpression, bidValues: [] },
            { targetingExpression: keywordExpression, bidValues: [{ suggestedBid: 2 }] },
          ],
        },
      ],
      context,
      NOW,
    );
    expect(results.map((r) => r.ok)).toEqual([false, false, true]);
    expect(results[2]).toMatchObject({ recommendation: { sourceType: 'NEW_YEAR', title: expect.stringContaining('for NEW_YEAR') } });
  });
});
