import { describe, expect, it } from 'vitest';
import { createWorld } from '../data/world.ts';
import { addDays, eachDay } from './days.ts';
import { campaignDay, targetingDays, traitsOf } from './performance-model.ts';
import { createSettingsHistory, settingsOf } from './settings-history.ts';

const FROM = '2026-10-01';
const CHANGE = '2026-10-15';
const TO = '2026-10-28';

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

describe('the performance model', () => {
  it('is deterministic from the seed and the day', () => {
    const a = createWorld();
    const b = createWorld();
    const campaign = a.campaigns.find((c) => c.state === 'ENABLED');
    if (!campaign) throw new Error('no campaign');
    const days = eachDay(FROM, TO);
    const run = (world: typeof a) =>
      days.map((d) =>
        campaignDay(world, createSettingsHistory(world), world.campaigns.find((c) => c.campaignId === campaign.campaignId) ?? campaign, d),
      );
    expect(run(a)).toEqual(run(b));
    expect(new Set(run(a).map((d) => d.clicks)).size).toBeGreaterThan(5);
  });

  it('a bid cut lowers cost and clicks from the day it is in force, sales less than clicks', () => {
    const world = createWorld();
    const history = createSettingsHistory(world);
    const uncapped = world.campaigns.filter((c) => c.state === 'ENABLED' && !traitsOf(world, history, c).capped);
    const campaign = uncapped.find((c) => Object.keys(settingsOf(world, c).bids).length > 0);
    if (!campaign) throw new Error('no uncapped campaign with bids');
    const first = settingsOf(world, campaign);
    const cut = Object.fromEntries(Object.entries(first.bids).map(([id, bid]) => [id, Math.round(bid * 70) / 100]));
    history.byCampaign.get(campaign.campaignId)?.push({ from: CHANGE, settings: { ...first, bids: cut } });
    const before = eachDay(FROM, addDays(CHANGE, -1)).map((d) => campaignDay(world, history, campaign, d));
    const after = eachDay(CHANGE, TO).map((d) => campaignDay(world, history, campaign, d));
    const ratio = (pick: (d: (typeof before)[number]) => number) => mean(after.map(pick)) / mean(before.map(pick));
    expect(ratio((d) => d.cost)).toBeLessThan(0.8);
    expect(ratio((d) => d.clicks)).toBeLessThan(0.9);
    expect(ratio((d) => d.sales)).toBeGreaterThan(ratio((d) => d.clicks) - 0.05);
  });

  it('some budget raises on capped campaigns only add cost', () => {
    const world = createWorld({ campaignsPerProfile: 12 });
    const history = createSettingsHistory(world);
    const capped = world.campaigns.filter((c) => c.state === 'ENABLED' && traitsOf(world, history, c).capped);
    const outcomes = capped.map((campaign) => {
      const first = settingsOf(world, campaign);
      history.byCampaign.get(campaign.campaignId)?.push({ from: CHANGE, settings: { ...first, budget: first.budget * 2 } });
      const before = eachDay(FROM, addDays(CHANGE, -1)).map((d) => campaignDay(world, history, campaign, d));
      const after = eachDay(CHANGE, TO).map((d) => campaignDay(world, history, campaign, d));
      const roas = (days: typeof before) => mean(days.map((d) => d.sales)) / mean(days.map((d) => d.cost));
      return {
        costUp: mean(after.map((d) => d.cost)) > mean(before.map((d) => d.cost)) * 1.2,
        paysOff: traitsOf(world, history, campaign).paysOff,
        roasDrop: roas(after) / roas(before),
      };
    });
    expect(outcomes.every((o) => o.costUp)).toBe(true);
    const losers = outcomes.filter((o) => !o.paysOff);
    expect(losers.length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.paysOff).length).toBeGreaterThan(losers.length);
    // Where the extra clicks do not convert, return on spend falls hard; where they do, it holds up better.
    expect(mean(losers.map((o) => o.roasDrop))).toBeLessThan(mean(outcomes.filter((o) => o.paysOff).map((o) => o.roasDrop)));
  });

  it('splits each campaign day over its keywords and targets coherently, and a keyword bid raise grows that keyword most', () => {
    const world = createWorld();
    const history = createSettingsHistory(world);
    const campaign = world.campaigns.find((c) => c.state === 'ENABLED' && Object.keys(settingsOf(world, c).bids).length > 1);
    if (!campaign) throw new Error('no campaign with several keywords');
    // The split adds up to the campaign (up to rounding per row): impact measured on a keyword reads the same world.
    for (const date of eachDay(FROM, addDays(FROM, 6))) {
      const day = campaignDay(world, history, campaign, date);
      const rows = targetingDays(world, history, day);
      expect(Math.abs(rows.reduce((n, r) => n + r.cost, 0) - day.cost)).toBeLessThanOrEqual(0.01 * rows.length + 1e-9);
      expect(Math.abs(rows.reduce((n, r) => n + r.clicks, 0) - day.clicks)).toBeLessThanOrEqual(rows.length);
    }
    const first = settingsOf(world, campaign);
    const [raised, other] = Object.keys(first.bids) as [string, string];
    history.byCampaign.get(campaign.campaignId)?.push({
      from: CHANGE,
      settings: { ...first, bids: { ...first.bids, [raised]: Math.round((first.bids[raised] ?? 1) * 150) / 100 } },
    });
    const share = (id: string, days: string[]) =>
      mean(
        days.map((d) => {
          const rows = targetingDays(world, history, campaignDay(world, history, campaign, d));
          // Cost, kept to the cent, says the share more precisely than a handful of whole clicks.
          const total = rows.reduce((n, r) => n + r.cost, 0) || 1;
          return (rows.find((r) => r.targetingId === id)?.cost ?? 0) / total;
        }),
      );
    const before = eachDay(FROM, addDays(CHANGE, -1));
    const after = eachDay(CHANGE, TO);
    expect(share(raised, after)).toBeGreaterThan(share(raised, before));
    expect(share(other, after)).toBeLessThan(share(other, before));
  });
});
