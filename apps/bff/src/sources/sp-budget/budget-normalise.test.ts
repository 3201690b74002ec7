import { describe, expect, it } from 'vitest';
import { CAMPAIGN, NOW, PROFILE } from '../shared/sp-fixtures.ts';
import { normaliseBudget } from './budget-normalise.ts';

const campaigns = new Map([[CAMPAIGN.campaignId, CAMPAIGN]]);
const item = {
  index: 0,
  campaignId: 'c1',
  suggestedBudget: 80,
  sevenDaysMissedOpportunities: {
    startDate: '20261116',
    endDate: '20261123',
    percentTimeInBudget: 0.62,
    estimatedMissedImpressionsLower: 1000,
    estimatedMissedImpressionsUpper: 1400,
    estimatedMissedClicksLower: 10,
    estimatedMissedClicksUpper: 14,
    estimatedMissedSalesLower: 30,
    estimatedMissedSalesUpper: 42,
  },
  budgetRuleRecommendation: { ruleName: 'Weekend boost', suggestedBudgetIncreasePercent: 20 },
};

describe('normaliseBudget', () => {
  it('proposes the suggested budget from the current one, with the missed week as impact', () => {
    expect(normaliseBudget(item, PROFILE, campaigns, NOW)).toMatchObject({
      ok: true,
      recommendation: {
        sourceRecommendationId: 'c1',
        source: 'sp-budget',
        title: 'Acme | kettle | Exact | US: daily budget 50.00 → 80.00 USD',
        description: 'In budget 62% of the time over the last 7 days. Amazon also suggests the budget rule “Weekend boost” (+20%).',
        action: { type: 'set-budget', from: 50, to: 80, direction: 'increase' },
        generatedAt: '2026-11-23T00:00:00.000Z',
        estimatedImpact: [
          { metric: 'missed impressions', lower: 1000, upper: 1400, unit: 'count', periodDays: 7 },
          { metric: 'missed clicks', lower: 10, upper: 14, unit: 'count', periodDays: 7 },
          { metric: 'missed sales', lower: 30, upper: 42, unit: 'USD', periodDays: 7 },
        ],
      },
    });
  });

  it('yields nothing for a suggestion equal to today’s budget, and quarantines a malformed item', () => {
    expect(normaliseBudget({ ...item, suggestedBudget: 50 }, PROFILE, campaigns, NOW)).toBeNull();
    expect(normaliseBudget({ ...item, sevenDaysMissedOpportunities: undefined }, PROFILE, campaigns, NOW)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/sevenDaysMissedOpportunities/),
    });
  });
});
