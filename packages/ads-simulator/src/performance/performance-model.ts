/**
 * Daily Sponsored Products performance of the simulated world, deterministic from the seed, the campaign and the day:
 * every campaign has a seeded demand (clicks it could buy at its first bids), CPC, CTR, conversion rate and order
 * value chosen so that CTR lands around 0.3–0.6 %, CPC around 0.5–2 and ACOS around 15–60 %. About 45 % of campaigns
 * want more than their budget: they spend about the budget every day (budget-capped). Days vary by weekday and seeded
 * noise.
 *
 * Changes move the numbers from the day they are in force (settings-history.ts): a higher budget lets a capped
 * campaign buy more of its demand, up to the demand (diminishing returns); higher bids win more clicks at a higher CPC
 * (clicks grow slower than the bid) and lower bids the reverse. Clicks beyond what the first settings would have bought
 * convert worse, and in about a quarter of the campaigns (seeded) they barely convert at all: there a raise only adds
 * cost, so measurement has recommendations that did not pay off to find.
 */
import type { Campaign, World } from '../data/world.ts';
import { dayFactor as demandOfDay, demandRatio, isBudgetCapped, spendShare as spendShareOn } from './budget-standing.ts';
import { between, hash01, noise } from './days.ts';
import type { CampaignSettings, SettingsHistory } from './settings-history.ts';
import { initialSettings, settingsOn } from './settings-history.ts';

export interface DailyMetrics {
  impressions: number;
  clicks: number;
  cost: number;
  sales: number;
  orders: number;
}

export interface CampaignDay extends DailyMetrics {
  date: string;
  campaign: Campaign;
  budget: number;
  enabled: boolean;
}

export interface TargetingDay extends DailyMetrics {
  date: string;
  campaign: Campaign;
  targetingId: string;
  kind: 'keyword' | 'target';
  bid: number;
}

interface CampaignTraits {
  capped: boolean;
  /** Whether clicks beyond the first settings still convert (false: raises only add cost). */
  paysOff: boolean;
  /** Cost the campaign could spend on a day at its first bids. */
  demandCost: number;
  cpc: number;
  ctr: number;
  cvr: number;
  orderValue: number;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

function meanBid(settings: CampaignSettings | undefined): number {
  const bids = Object.values(settings?.bids ?? {});
  return bids.length > 0 ? bids.reduce((a, b) => a + b, 0) / bids.length : 0.75;
}

export function traitsOf(world: World, history: SettingsHistory, campaign: Campaign): CampaignTraits {
  const key = [world.seed, campaign.campaignId];
  const first = initialSettings(history, campaign.campaignId);
  const budget = first?.budget ?? campaign.dailyBudget;
  // Capped or not, and by how much, is budget-standing.ts's to say: the recommendations read the same truth.
  const capped = isBudgetCapped(world, campaign.campaignId);
  const cpc = Math.min(2.1, Math.max(0.45, meanBid(first) * between(0.55, 0.85, ...key, 'cpc')));
  const cvr = between(0.07, 0.14, ...key, 'cvr');
  const acos = between(0.18, 0.5, ...key, 'acos');
  return {
    capped,
    paysOff: hash01(...key, 'pays-off') >= 0.25,
    demandCost: budget * demandRatio(world, campaign.campaignId),
    cpc,
    ctr: between(0.0032, 0.0058, ...key, 'ctr'),
    cvr,
    orderValue: cpc / (cvr * acos),
  };
}

/** How much bids moved relative to the first settings, weighted alike: 1 = unchanged. */
function bidIndex(settings: CampaignSettings, first: CampaignSettings | undefined): number {
  const ratios = Object.entries(settings.bids).map(([id, bid]) => {
    const before = first?.bids[id];
    return before && before > 0 ? bid / before : 1;
  });
  return ratios.length > 0 ? ratios.reduce((a, b) => a + b, 0) / ratios.length : 1;
}

interface Delivery {
  clicks: number;
  cpc: number;
}

/** Clicks bought on a day with these settings: demand grows slower than the bid, spend stops at about the budget. */
function deliver(traits: CampaignTraits, settings: CampaignSettings, index: number, dayFactor: number, spendShare: number): Delivery {
  const cpc = traits.cpc * index ** 0.85;
  const demandClicks = (traits.demandCost / traits.cpc) * dayFactor * index ** 0.6;
  const spendable = settings.budget * spendShare;
  return { clicks: Math.min(demandClicks, spendable / cpc), cpc };
}

export function campaignDay(world: World, history: SettingsHistory, campaign: Campaign, date: string): CampaignDay {
  const settings = settingsOn(history, campaign.campaignId, date) ?? {
    budget: campaign.dailyBudget,
    enabled: campaign.state === 'ENABLED',
    bids: {},
  };
  const zero = {
    date,
    campaign,
    budget: settings.budget,
    enabled: settings.enabled,
    impressions: 0,
    clicks: 0,
    cost: 0,
    sales: 0,
    orders: 0,
  };
  if (!settings.enabled || date < campaign.startDate) return zero;
  const key = [world.seed, campaign.campaignId, date];
  const traits = traitsOf(world, history, campaign);
  const first = initialSettings(history, campaign.campaignId) ?? settings;
  const dayFactor = demandOfDay(world, campaign.campaignId, date);
  const spendShare = spendShareOn(world, campaign.campaignId, date);
  const now = deliver(traits, settings, bidIndex(settings, first), dayFactor, spendShare);
  const before = deliver(traits, first, 1, dayFactor, spendShare);

  const clicks = Math.round(now.clicks);
  const cpc = now.cpc * (1 + 0.04 * noise(...key, 'cpc'));
  // Clicks the first settings would have bought convert as usual; the extra ones worse, or hardly at all.
  const baseClicks = Math.min(clicks, before.clicks);
  const extraClicks = Math.max(0, clicks - before.clicks);
  const index = bidIndex(settings, first);
  // Lower bids keep the more relevant traffic: a bid cut loses fewer orders than clicks.
  const relevance = index < 1 ? 1 + 0.35 * (1 - index) : 1;
  const expectedOrders =
    traits.cvr * relevance * baseClicks + traits.cvr * extraClicks * (traits.paysOff ? 0.7 : 0.06) * (1 + 0.1 * noise(...key, 'cvr'));
  const orders = Math.max(0, Math.round(expectedOrders + 0.8 * noise(...key, 'orders')));
  const ctr = traits.ctr * index ** 0.1 * (1 + 0.06 * noise(...key, 'ctr'));
  return {
    ...zero,
    impressions: clicks === 0 ? 0 : Math.round(clicks / ctr),
    clicks,
    cost: round2(clicks * cpc),
    orders,
    sales: round2(orders * traits.orderValue * (1 + 0.08 * noise(...key, 'aov'))),
  };
}

/** A campaign day split over its keywords and targets, by seeded weights that grow with each one's bid. */
export function targetingDays(world: World, history: SettingsHistory, day: CampaignDay): TargetingDay[] {
  const settings = settingsOn(history, day.campaign.campaignId, day.date);
  const first = initialSettings(history, day.campaign.campaignId);
  const ids = Object.keys(settings?.bids ?? {});
  if (!settings || ids.length === 0) return [];
  const keywordIds = new Set(world.keywords.filter((k) => k.campaignId === day.campaign.campaignId).map((k) => k.keywordId));
  const weights = ids.map((id) => {
    const bid = settings.bids[id] ?? 0;
    const before = first?.bids[id] ?? bid;
    return between(0.3, 1, world.seed, id, 'weight') * (before > 0 ? (bid / before) ** 0.7 : 1);
  });
  const total = weights.reduce((a, b) => a + b, 0) || 1;
  return ids.map((id, i) => {
    const share = (weights[i] ?? 0) / total;
    const orders = Math.round(day.orders * share);
    return {
      date: day.date,
      campaign: day.campaign,
      targetingId: id,
      kind: keywordIds.has(id) ? 'keyword' : 'target',
      bid: settings.bids[id] ?? 0,
      impressions: Math.round(day.impressions * share),
      clicks: Math.round(day.clicks * share),
      cost: round2(day.cost * share),
      orders,
      sales: day.orders > 0 ? round2((day.sales * orders) / day.orders) : 0,
    };
  });
}
