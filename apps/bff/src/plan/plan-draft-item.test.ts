/**
 * A drafted plan as a recommendation: the key names the change not its value, the flight's spend moves by the budget
 * difference over its days, the forecast's gain is the promise, and the apply path writes a budget plan through the
 * campaign writer of its ad product while an audience target has no writer (applied in Amazon Ads).
 */
import type { PlanCampaign, PlanForecastAttachment, Recommendation } from '@recdesk/shared-types';
import { describe, expect, it } from 'vitest';
import type { AdsProfile } from '../ads-client/profiles.ts';
import { planOf, writerOf } from '../apply/apply-plan.ts';
import { draftItemOf, forecastPromiseOf, planKeyOf, plannedSpendOf } from './plan-draft-item.ts';

const profile: AdsProfile = {
  profileId: '1001',
  region: 'NA',
  countryCode: 'US',
  currencyCode: 'USD',
  timezone: null,
  accountId: 'ENTITYHOWE',
  accountType: 'seller',
  accountName: 'Howe LLC',
};
const sp: PlanCampaign = { campaignId: 'C1', name: 'Howe tents', adProduct: 'SP', state: 'ENABLED', dailyBudget: 40, portfolioId: null };
const sd: PlanCampaign = { campaignId: 'D1', name: 'Howe display', adProduct: 'SD', state: 'ENABLED', dailyBudget: 20, portfolioId: 'P1' };
const forecast: PlanForecastAttachment = {
  inputs: { profileId: '1001', startDate: '2026-12-07', endDate: '2027-01-05', days: 30, audienceIds: [] },
  reachForecastId: 'rf-1',
  createdAt: '2026-12-06T00:00:00.000Z',
  currency: 'USD',
  baseline: { spend: 1800, reach: 30_000, impressions: 200_000 },
  planned: { spend: 2100, reach: 33_000, impressions: 230_000 },
  points: [],
};

function asStored(item: ReturnType<typeof draftItemOf>): Recommendation {
  return {
    ...item,
    id: '00000000-0000-4000-8000-000000000001',
    refreshedAt: item.generatedAt,
    freshness: 'fresh',
    status: 'approved',
    validationIssues: [],
    version: 1,
    priority: null,
    conflictIds: [],
    createdAt: item.generatedAt,
    updatedAt: item.generatedAt,
  } as Recommendation;
}

const draft = (campaign: PlanCampaign, change: Parameters<typeof draftItemOf>[0]['change']) =>
  draftItemOf({
    key: planKeyOf('1001', change),
    sequence: 1,
    advertiserId: 'ENTITYHOWE',
    profile,
    campaign,
    change,
    audienceName: change.type === 'audience' ? 'In-market: Camping' : null,
    forecast,
    plannedBy: 'ann@agency.example',
    note: null,
    at: new Date('2026-12-06T09:00:00Z'),
  });

describe('a drafted plan as a recommendation', () => {
  it('is keyed by the change, not its value', () => {
    expect(planKeyOf('1001', { type: 'budget', campaignId: 'C1', dailyBudget: 50 })).toBe(
      planKeyOf('1001', { type: 'budget', campaignId: 'C1', dailyBudget: 70 }),
    );
    expect(planKeyOf('1001', { type: 'audience', campaignId: 'D1', audienceId: 'a1' })).not.toBe(
      planKeyOf('1001', { type: 'audience', campaignId: 'D1', audienceId: 'a2' }),
    );
  });

  it('moves the flight spend by the daily difference over its days; a paused campaign moves nothing', () => {
    expect(plannedSpendOf({ type: 'budget', campaignId: 'C1', dailyBudget: 50 }, sp, 1800, 30)).toBe(2100);
    expect(plannedSpendOf({ type: 'budget', campaignId: 'C1', dailyBudget: 50 }, { ...sp, state: 'PAUSED' }, 1800, 30)).toBe(1800);
    expect(plannedSpendOf({ type: 'audience', campaignId: 'D1', audienceId: 'a1' }, sd, 1800, 30)).toBe(1800);
  });

  it('promises the forecast gain in impressions and reach over the flight', () => {
    expect(forecastPromiseOf(forecast, { type: 'budget', campaignId: 'C1', dailyBudget: 50 })).toEqual([
      { metric: 'forecast impressions', lower: 30_000, upper: 30_000, unit: 'count', periodDays: 30 },
      { metric: 'forecast reach (households)', lower: 3_000, upper: 3_000, unit: 'count', periodDays: 30 },
    ]);
  });

  it('a budget plan is an appliable campaign budget change through its ad product writer', () => {
    const item = draft(sp, { type: 'budget', campaignId: 'C1', dailyBudget: 50 });
    expect(item).toMatchObject({ source: 'plan', sourceType: 'SP_CAMPAIGN_BUDGET', kind: 'budget', goal: 'strategic', applicable: true });
    expect(item.action).toMatchObject({ type: 'set-budget', from: 40, to: 50, direction: 'increase', currency: 'USD' });
    expect(item.description).toMatch(/^Planned by ann@agency\.example from a reach forecast for 2026-12-07 to 2027-01-05/);
    expect(writerOf(asStored(item))).toEqual({ ok: true, undoable: true });
    const plan = planOf(asStored(item), item.raw, null);
    expect(plan).toMatchObject({ ok: true, plan: { call: 'sp.campaigns.update', entityId: 'C1', expectedValue: 40, targetValue: 50 } });
    const sdItem = draft(sd, { type: 'budget', campaignId: 'D1', dailyBudget: 15 });
    expect(planOf(asStored(sdItem), sdItem.raw, null)).toMatchObject({ ok: true, plan: { call: 'sd.campaigns.update', entityId: 'D1' } });
  });

  it('an audience target waits for a hand in Amazon Ads: no writer creates Sponsored Display targets', () => {
    const item = draft(sd, { type: 'audience', campaignId: 'D1', audienceId: 'a1' });
    expect(item).toMatchObject({ sourceType: 'SD_AUDIENCE_TARGET', kind: 'audience', goal: 'growth' });
    expect(item.action).toMatchObject({ type: 'add-target', field: 'audience', to: 'a1' });
    expect(item.entity).toMatchObject({ campaignId: 'D1', portfolioId: 'P1', targetText: 'In-market: Camping' });
    expect(writerOf(asStored(item))).toMatchObject({ ok: false, code: 'no_writer' });
  });
});
