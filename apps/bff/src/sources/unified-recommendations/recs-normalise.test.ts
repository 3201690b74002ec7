import { createSimulatorState } from '@recdesk/ads-simulator/state';
import { NormalisedRecommendationSchema } from '@recdesk/shared-types';
import { describe, expect, it } from 'vitest';
import type { AdsProfile } from '../../ads-client/profiles.ts';
import { PROFILE } from '../shared/sp-fixtures.ts';
import { UnifiedRecommendationSchema } from './recs-api.ts';
import { normaliseUnifiedRecommendation, UNIFIED_TYPE_RULES } from './recs-normalise.ts';

const profile: AdsProfile = PROFILE;
const fetchedAt = new Date('2026-11-23T10:15:00Z');

function normalise(raw: Record<string, unknown>, names = {}) {
  return normaliseUnifiedRecommendation(UnifiedRecommendationSchema.parse(raw), raw, profile, fetchedAt, names);
}

describe('normaliseUnifiedRecommendation', () => {
  it('turns a budget recommendation into "daily budget from → to" with its missed opportunities', () => {
    const result = normalise(
      {
        recommendationId: 'rec-1',
        recommendationType: 'CAMPAIGN_BUDGET',
        status: 'PUBLISHED',
        adProduct: 'SP',
        campaignId: '123',
        currentValue: '50.00',
        recommendedValue: '75.00',
        budgetRecommendation: {
          sevenDaysMissedOpportunities: {
            startDate: '2026-11-15',
            endDate: '2026-11-21',
            estimatedMissedClicksLower: 10,
            estimatedMissedClicksUpper: 30,
            estimatedMissedSalesLower: 20,
            estimatedMissedSalesUpper: 70,
          },
        },
      },
      { campaignName: 'Acme | kettle | Exact | US' },
    );
    expect(result).toMatchObject({
      ok: true,
      recommendation: {
        source: 'unified-recommendations',
        sourceRecommendationId: 'rec-1',
        kind: 'budget',
        title: 'Acme | kettle | Exact | US: daily budget 50.00 USD → 75.00 USD',
        advertiserId: 'ENTITY1',
        marketplace: 'US',
        applicable: true,
        entity: { level: 'campaign', campaignId: '123', campaignName: 'Acme | kettle | Exact | US' },
        action: { type: 'set-budget', field: 'dailyBudget', from: 50, to: 75, unit: 'currency', currency: 'USD', direction: 'increase' },
        generatedAt: '2026-11-21T00:00:00.000Z',
        expiresAt: null,
        estimatedImpact: [
          { metric: 'missed clicks', lower: 10, upper: 30, unit: 'count', periodDays: 7 },
          { metric: 'missed sales', lower: 20, upper: 70, unit: 'USD', periodDays: 7 },
        ],
      },
    });
  });

  it('keeps an unknown type as its raw sourceType, as a non-applicable insight', () => {
    const result = normalise({
      recommendationId: 'rec-2',
      recommendationType: 'SHINY_NEW_TYPE',
      status: 'PUBLISHED',
      adProduct: 'SX',
      campaignId: '9',
      recommendedValue: 'x',
    });
    expect(result).toMatchObject({
      ok: true,
      recommendation: {
        sourceType: 'SHINY_NEW_TYPE',
        applicable: false,
        action: { type: 'insight', to: 'x' },
        generatedAt: '2026-11-23T00:00:00.000Z',
      },
    });
  });

  it('refuses a bid that is not a number, naming the field', () => {
    const result = normalise({
      recommendationId: 'rec-3',
      recommendationType: 'KEYWORD_BID',
      status: 'PUBLISHED',
      adProduct: 'SP',
      currentValue: '0.5',
      recommendedValue: 'lots',
    });
    expect(result).toEqual({ ok: false, reason: "recommendedValue: 'lots' is not a number" });
  });

  it('does not offer to apply what upstream already applied or rejected', () => {
    const result = normalise({
      recommendationId: 'rec-4',
      recommendationType: 'KEYWORD_BID',
      status: 'APPLY_SUCCESS',
      adProduct: 'SP',
      currentValue: '0.5',
      recommendedValue: '0.7',
    });
    expect(result).toMatchObject({ ok: true, recommendation: { applicable: false, action: { direction: 'increase' } } });
  });

  it('maps every one of the 33 published types, as the simulator serves them, into a valid recommendation', () => {
    const state = createSimulatorState();
    const types = new Set<string>();
    for (const { body } of state.unifiedRecommendations) {
      const result = normalise(body);
      if (!result.ok) throw new Error(`${body.recommendationType}: ${result.reason}`);
      expect(NormalisedRecommendationSchema.safeParse(result.recommendation).success).toBe(true);
      expect(result.recommendation.action.type).not.toBe('insight');
      types.add(body.recommendationType);
    }
    expect(types.size).toBe(33);
    expect(Object.keys(UNIFIED_TYPE_RULES)).toHaveLength(33);
  });
});
