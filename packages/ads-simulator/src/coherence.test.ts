/**
 * The simulated world agrees with itself, for every seeded campaign and every recommendation of every source: a
 * budget raise goes to a campaign that spends its budget and ran out of it on the days it says, a budget cut to one
 * that under-spends, and a bid cut promises a lower cost, never missed clicks. Checked on several days (the claims
 * are about the 7 days before) against the performance model, which is what the reports and charts show.
 */
import { describe, expect, it } from 'vitest';
import { createOpportunities } from './data/partner-opportunities.ts';
import { createUnifiedRecommendations } from './data/recommendations-api.ts';
import { createSpRecommendations } from './data/sp-recommendations.ts';
import { type Campaign, createWorld } from './data/world.ts';
import { addDays, dayOf } from './performance/days.ts';
import { campaignDay } from './performance/performance-model.ts';
import { createSettingsHistory } from './performance/settings-history.ts';

const world = createWorld();
const history = createSettingsHistory(world);
const campaigns = new Map(world.campaigns.map((c) => [c.campaignId, c]));

/** Fixed days (weekdays and weekends, different seasons): the claims must hold whatever day the world is asked on. */
const DAYS = ['2025-11-23T09:00:00Z', '2026-03-02T15:30:00Z', '2026-07-18T00:10:00Z', '2026-10-09T22:00:00Z'].map((d) => new Date(d));

/** What the performance model reports for the campaign over the 7 days before `now`. */
function lastWeek(campaign: Campaign, now: Date) {
  const today = dayOf(now);
  const days = [1, 2, 3, 4, 5, 6, 7].map((back) => campaignDay(world, history, campaign, addDays(today, -back)));
  const spend = days.map((d) => d.cost / d.budget);
  return {
    averageSpend: spend.reduce((a, b) => a + b, 0) / spend.length,
    /** Days it spent (about) its whole budget: it ran out. */
    daysAtBudget: spend.filter((share) => share >= 0.85).length,
  };
}

function campaignOf(id: string | undefined): Campaign {
  const campaign = id ? campaigns.get(id) : undefined;
  if (!campaign) throw new Error(`no campaign ${id}`);
  return campaign;
}

/** A raise is for a running campaign that spent about its budget, on at least the days it is said to have run out. */
function expectRaiseFits(campaign: Campaign, now: Date, what: string, claimedDaysOut?: number) {
  expect(campaign.state, what).toBe('ENABLED');
  const week = lastWeek(campaign, now);
  expect(week.averageSpend, `${what}: a raise for a campaign that spends its budget`).toBeGreaterThanOrEqual(0.8);
  if (claimedDaysOut !== undefined) {
    expect(claimedDaysOut, what).toBeGreaterThan(0);
    expect(week.daysAtBudget, `${what}: spent its budget on the days it ran out`).toBeGreaterThanOrEqual(claimedDaysOut - 1);
  }
}

/** A cut is for a campaign that spends well under its budget, to a budget still above what it spends. */
function expectCutFits(campaign: Campaign, now: Date, suggested: number, what: string) {
  const week = lastWeek(campaign, now);
  expect(week.averageSpend, `${what}: a cut for a campaign that under-spends`).toBeLessThan(0.9);
  expect(week.daysAtBudget, `${what}: never out of budget`).toBeLessThanOrEqual(1);
  expect(suggested, `${what}: the lower budget still covers its usual spend`).toBeGreaterThanOrEqual(
    week.averageSpend * campaign.dailyBudget,
  );
  expect(suggested, what).toBeLessThan(campaign.dailyBudget);
}

describe.each(DAYS)('the simulated world on %s', (now) => {
  it('Partner Opportunities: budget raises only where the budget ran out (on the days said), cuts only where it is under-spent', () => {
    const rows = createOpportunities(world, { now }).flatMap((o) => o.rows);
    const budgetRows = rows.filter((r) => r.recommendationType === 'CAMPAIGN_BUDGET');
    expect(budgetRows.length).toBeGreaterThan(3);
    let raises = 0;
    let cuts = 0;
    for (const row of budgetRows) {
      const campaign = campaignOf(row.encryptedCampaignId);
      const current = Number(JSON.parse(row.currentCampaignSettings ?? '{}').budget);
      const recommended = Number(row.recommendedBudget);
      const explanation = JSON.parse(row.explanation ?? '{}') as { description: string; missed_opportunities?: unknown };
      const what = `PO budget row of ${campaign.name}: ${explanation.description}`;
      expect(current, what).toBe(campaign.dailyBudget);
      if (recommended > current) {
        raises++;
        const days = Number(/ran out of budget on (\d) of the last 7 days/.exec(explanation.description)?.[1]);
        expectRaiseFits(campaign, now, what, days);
      } else {
        cuts++;
        expect(explanation.description, what).not.toMatch(/ran out/);
        expect(explanation.missed_opportunities, `${what}: a cut promises no missed clicks`).toBeUndefined();
        const spent = Number(/about (\d+)%/.exec(explanation.description)?.[1]) / 100;
        expect(Math.abs(spent - lastWeek(campaign, now).averageSpend), what).toBeLessThan(0.12);
        expectCutFits(campaign, now, recommended, what);
      }
    }
    expect(raises + cuts).toBe(budgetRows.length);
  });

  it('Partner Opportunities: a bid cut names no missed clicks', () => {
    const rows = createOpportunities(world, { now })
      .flatMap((o) => o.rows)
      .filter((r) => r.recommendationType === 'KEYWORD_BID');
    expect(rows.length).toBeGreaterThan(3);
    for (const row of rows) {
      const bidOf = (settings: string | undefined) => Number(JSON.parse(settings ?? '{}').ad_groups[0].targets[0].bid);
      const explanation = JSON.parse(row.explanation ?? '{}') as { description: string; missed_opportunities?: unknown };
      if (bidOf(row.recommendedCampaignSettings) < bidOf(row.currentCampaignSettings))
        expect(explanation.missed_opportunities, explanation.description).toBeUndefined();
      else expect(explanation.missed_opportunities, explanation.description).toBeDefined();
    }
  });

  it('Recommendations API: budget raises only where it ran out, cuts promise a lower cost; bid cuts a lower cost, raises more clicks', () => {
    const items = createUnifiedRecommendations(world, now).map((r) => r.body);
    const budgets = items.filter((b) => b.recommendationType === 'CAMPAIGN_BUDGET');
    expect(budgets.length).toBeGreaterThan(0);
    for (const body of budgets) {
      const campaign = campaignOf(body.campaignId);
      const current = Number(body.currentValue);
      const recommended = Number(body.recommendedValue);
      const what = `unified budget of ${campaign.name} (${current} → ${recommended})`;
      const missed = (body.budgetRecommendation as { sevenDaysMissedOpportunities?: { percentTimeInBudget: number } } | undefined)
        ?.sevenDaysMissedOpportunities;
      if (recommended > current) {
        expectRaiseFits(campaign, now, what);
        expect(missed?.percentTimeInBudget, what).toBeLessThan(1);
      } else {
        expect(missed, `${what}: a cut has no missed opportunities`).toBeUndefined();
        if (campaign.state === 'ENABLED') expectCutFits(campaign, now, recommended, what);
      }
    }
    const bids = items.filter((b) => ['KEYWORD_BID', 'PRODUCT_TARGETING_BID', 'AD_GROUP_DEFAULT_BID'].includes(b.recommendationType));
    expect(bids.length).toBeGreaterThan(3);
    for (const body of bids) {
      const impact = (body.estimatedImpact as { campaign?: Record<string, { incrementalUpperBound?: number }> } | undefined)?.campaign;
      const what = `${body.recommendationType} ${body.currentValue} → ${body.recommendedValue}`;
      if (!impact) continue;
      if (Number(body.recommendedValue) < Number(body.currentValue)) {
        expect(impact.clicks, `${what}: a cut promises no clicks`).toBeUndefined();
        expect(impact.cost?.incrementalUpperBound, `${what}: a cut lowers the cost`).toBeLessThan(0);
        expect(body.groupingType, what).not.toBe('INCREASE_BID_CONTEXTUAL');
      } else {
        expect(impact.clicks?.incrementalUpperBound, what).toBeGreaterThan(0);
      }
    }
  });

  it('SP budget and consolidated recommendations: raises only where it ran out, cuts only where it under-spends', () => {
    const sp = createSpRecommendations(world, { now });
    let raises = 0;
    for (const [campaignId, rec] of sp.budgets) {
      const campaign = campaignOf(campaignId);
      const what = `SP budget recommendation of ${campaign.name}`;
      if (rec.suggestedBudget > campaign.dailyBudget) {
        raises++;
        expectRaiseFits(campaign, now, what);
        expect(rec.sevenDaysMissedOpportunities.percentTimeInBudget, what).toBeLessThan(1);
      } else {
        expect(rec.suggestedBudget, what).toBe(campaign.dailyBudget);
        expect(rec.sevenDaysMissedOpportunities.estimatedMissedClicksLower, `${what}: never out of budget, nothing missed`).toBe(0);
      }
    }
    expect(raises).toBeGreaterThan(0);
    for (const list of sp.consolidated.values())
      for (const rec of list) {
        const budget = rec.budgetRecommendation;
        if (!budget) continue;
        const campaign = campaignOf(rec.campaignId);
        const what = `consolidated ${budget.action} of ${campaign.name}`;
        if (budget.action === 'INCREASE') {
          expect(budget.suggestedBudget, what).toBeGreaterThan(campaign.dailyBudget);
          expectRaiseFits(campaign, now, what);
        } else expectCutFits(campaign, now, budget.suggestedBudget, what);
      }
  });
});
