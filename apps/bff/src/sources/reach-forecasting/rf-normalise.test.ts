import { describe, expect, it } from 'vitest';
import type { AdsProfile } from '../../ads-client/profiles.ts';
import { forecastRequestOf, planningCountryOf } from './rf-api.ts';
import { doublingOf, normaliseForecast } from './rf-normalise.ts';

const profile: AdsProfile = {
  profileId: '1000000000000003',
  region: 'EU',
  countryCode: 'UK',
  currencyCode: 'GBP',
  timezone: 'Europe/London',
  accountId: 'ENTITYBRAND2',
  accountType: 'seller',
  accountName: 'Harbour Ltd',
};
const points = [
  { spend: 250, reach: 10_000, impressions: 50_000 },
  { spend: 500, reach: 18_000, impressions: 100_000 },
  { spend: 1000, reach: 30_000, impressions: 200_000 },
  { spend: 2000, reach: 42_000, impressions: 400_000 },
];
const forecast = {
  reachForecastId: '24281a60-387f-4f9f-abb2-66378a8712e4',
  status: 'SUCCESS',
  countryCode: 'GB',
  currencyCode: 'GBP',
  creationDateTime: '2026-12-06T05:50:00.000Z',
  dataPoints: points,
};

describe('reach forecasts', () => {
  it('asks for the next 30 days from tomorrow in the planning country (GB for UK)', () => {
    expect(planningCountryOf(profile)).toBe('GB');
    expect(forecastRequestOf(profile, new Date('2026-12-06T23:59:00Z'))).toEqual({
      countryCode: 'GB',
      deliveryType: 'NON_GUARANTEED',
      reachType: 'HOUSEHOLDS',
      startDate: '2026-12-07',
      endDate: '2027-01-05',
      supplyPackage: ['SPONSORED_DISPLAY'],
    });
  });

  it('compares a middle point with twice its spend', () => {
    expect(doublingOf(points)).toEqual({ from: points[2], to: points[3] });
    expect(doublingOf([points[0] as (typeof points)[number]])).toBeNull();
  });

  it('makes one strategic insight per profile and horizon, in words, with the curve kept', () => {
    const request = forecastRequestOf(profile, new Date('2026-12-06T05:00:00Z'));
    const item = normaliseForecast(forecast, request, profile);
    if ('reason' in item) throw new Error(item.reason);
    expect(item).toMatchObject({
      source: 'reach-forecasting',
      sourceRecommendationId: '1000000000000003|reach|30d',
      kind: 'strategic',
      goal: 'strategic',
      applicable: false,
      action: { type: 'insight' },
      title: 'Harbour Ltd (UK): 2,000 GBP over 30 days reaches 42,000 households, 40% more than 1,000 GBP',
      estimatedImpact: [],
      generatedAt: '2026-12-06T05:50:00.000Z',
      raw: { request, forecast },
    });
    expect(item.description).toContain('100% more budget for 40% more reach');
    expect(normaliseForecast({ ...forecast, dataPoints: [{ spend: 0, reach: 0, impressions: 0 }] }, request, profile)).toEqual({
      reason: 'reach forecast has fewer than two points with spend',
    });
  });
});
