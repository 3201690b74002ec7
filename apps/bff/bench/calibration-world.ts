/**
 * A simulated quarter for the calibration benchmark (issue 19): the simulator's world and performance model, a few
 * hundred applied changes of every kind spread over the campaigns, and for each change the truth the measurement is
 * judged against. The performance model is deterministic per campaign and day (its noise is keyed by seed, campaign
 * and date, never by the settings), so the true effect of one change is exact: the campaign's days with every change
 * minus the same days with that one change taken out of its settings history.
 *
 * Each profile (one marketplace, one currency) is one "advertiser" of the measurement. A campaign changes at most once
 * in any 30 days, so no change's after window holds another change of the same campaign.
 */
import { campaignDay, type DailyMetrics, targetingDays } from '@recdesk/ads-simulator/performance-model';
import {
  type CampaignSettings,
  createSettingsHistory,
  type SettingsEntry,
  type SettingsHistory,
} from '@recdesk/ads-simulator/settings-history';
import { type Campaign, createWorld, type World } from '@recdesk/ads-simulator/world';
import type { ProposedAction, RecommendationKind } from '@recdesk/shared-types';
import { seededRandom } from '../src/impact/did-estimator.ts';
import type { MeasureSubject } from '../src/impact/impact-measurement.ts';
import { METRIC_DEFINITIONS, targetMetricOf } from '../src/impact/impact-targets.ts';
import { addDays, daysBetween, windowsOf } from '../src/impact/impact-windows.ts';

export const CHANGE_KINDS = ['budget raise', 'budget cut', 'keyword bid raise', 'keyword bid cut', 'all bids raise'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export interface CalibrationChange {
  changeKind: ChangeKind;
  subject: MeasureSubject;
  /**
   * The true effect on the subject's target metric, per day of the after window (a rate: the change in the rate), on
   * the series it acts on (its keyword or target, else its campaign), and on its campaign (what a fallback measures).
   */
  truth: number;
  campaignTruth: number;
}

export interface CalibrationWorld {
  seed: number;
  changes: CalibrationChange[];
  /** Campaign rows per profile ("advertiser"), every change in force. */
  rows: Map<string, Row[]>;
  /** Keyword and target rows per profile (the simulator's split of each campaign day), every change in force. */
  targetingRows: Map<string, Row[]>;
  changeDays: Map<string, string[]>;
  today: string;
}

export type Row = {
  campaign_id: string;
  date: string;
  currency: string | null;
  entity_key?: string;
} & DailyMetrics;

export const WINDOW = { windowDays: 14, settleDays: 3 };
/** The quarter the changes are applied in; every campaign of the world started before it. */
const QUARTER_FROM = '2027-01-01';
const QUARTER_DAYS = 90;
const MIN_GAP_DAYS = 2 * WINDOW.windowDays + 2;

const CURRENCY: Record<string, string> = { US: 'USD', UK: 'GBP', DE: 'EUR' };

function withChange(settings: CampaignSettings, kind: ChangeKind, targetingId: string | null): CampaignSettings {
  const bids = { ...settings.bids };
  const scaleBids = (factor: number, only?: string) => {
    for (const id of Object.keys(bids)) if (!only || id === only) bids[id] = Math.round((bids[id] ?? 0) * factor * 100) / 100;
  };
  switch (kind) {
    case 'budget raise':
      return { ...settings, budget: Math.round(settings.budget * 1.5 * 100) / 100, bids };
    case 'budget cut':
      return { ...settings, budget: Math.round(settings.budget * 0.7 * 100) / 100, bids };
    case 'keyword bid raise':
      scaleBids(1.3, targetingId ?? undefined);
      return { ...settings, bids };
    case 'keyword bid cut':
      scaleBids(0.75, targetingId ?? undefined);
      return { ...settings, bids };
    case 'all bids raise':
      scaleBids(1.2);
      return { ...settings, bids };
  }
}

function actionOf(kind: ChangeKind, from: number, to: number, currency: string): { kind: RecommendationKind; action: ProposedAction } {
  const money = { unit: 'currency' as const, currency, from, to };
  switch (kind) {
    case 'budget raise':
      return { kind: 'budget', action: { type: 'set-budget', field: 'dailyBudget', direction: 'increase', ...money } };
    case 'budget cut':
      return { kind: 'budget', action: { type: 'set-budget', field: 'dailyBudget', direction: 'decrease', ...money } };
    case 'keyword bid raise':
      return { kind: 'bid', action: { type: 'set-bid', field: 'bid', direction: 'increase', ...money } };
    case 'keyword bid cut':
      return { kind: 'bid', action: { type: 'set-bid', field: 'bid', direction: 'decrease', ...money } };
    case 'all bids raise':
      // A bidding-strategy-like change of every bid: judged on ROAS (impact-targets.ts).
      return { kind: 'bid', action: { type: 'set-bid', field: 'bid', direction: 'change', ...money } };
  }
}

/** Which changes a source would propose to this campaign: raises to budget-capped ones, cuts to under-spenders. */
function kindFor(random: () => number, capped: boolean): ChangeKind {
  const r = random();
  if (r < 0.3) return capped ? 'budget raise' : 'budget cut';
  if (r < 0.55) return 'keyword bid raise';
  if (r < 0.8) return 'keyword bid cut';
  return 'all bids raise';
}

/** The keyword and target rows of a campaign day, as the simulator's spTargeting report splits it. */
function targetingRowsOf(world: World, history: SettingsHistory, campaign: Campaign, date: string, currency: string): Row[] {
  const keywords = new Set(world.keywords.filter((k) => k.campaignId === campaign.campaignId).map((k) => k.keywordId));
  return targetingDays(world, history, campaignDay(world, history, campaign, date)).map((t) => ({
    campaign_id: campaign.campaignId,
    entity_key: `${keywords.has(t.targetingId) ? 'keyword' : 'target'}:${t.targetingId}`,
    date,
    currency,
    impressions: t.impressions,
    clicks: t.clicks,
    cost: t.cost,
    sales: t.sales,
    orders: t.orders,
  }));
}

function dayRow(world: World, history: SettingsHistory, campaign: Campaign, date: string, currency: string): Row {
  const day = campaignDay(world, history, campaign, date);
  return {
    campaign_id: campaign.campaignId,
    date,
    currency,
    impressions: day.impressions,
    clicks: day.clicks,
    cost: day.cost,
    sales: day.sales,
    orders: day.orders,
  };
}

/** The target metric's level over days, as the estimator computes it (mean per day, or ratio of sums for a rate). */
function levelOf(metric: keyof typeof METRIC_DEFINITIONS, days: readonly Row[]): number {
  const definition = METRIC_DEFINITIONS[metric];
  const numerator = days.reduce((sum, d) => sum + d[definition.numerator], 0);
  if (!definition.denominator) return numerator / days.length;
  const field = definition.denominator;
  const denominator = days.reduce((sum, d) => sum + d[field], 0);
  return denominator > 0 ? numerator / denominator : Number.NaN;
}

/**
 * One simulated quarter: `profiles` profiles' campaigns, each profile getting `changesPerProfile` changes on
 * distinct days spread over the quarter (fewer when its campaigns run out of room for the 30-day gap).
 */
export function calibrationWorld(seed: number, options: { advertisers: number; campaignsPerProfile: number; changesPerProfile: number }) {
  const world = createWorld({ seed, advertiserCount: options.advertisers, campaignsPerProfile: options.campaignsPerProfile });
  const history = createSettingsHistory(world);
  const random = seededRandom(seed * 7919 + 1);
  const capped = (campaign: Campaign) => {
    // The model's own standing (budget-standing.ts): the world agrees with itself on who is capped.
    const first = history.byCampaign.get(campaign.campaignId)?.[0]?.settings;
    return first !== undefined && campaignDay(world, history, campaign, QUARTER_FROM).cost >= first.budget * 0.9;
  };
  type Planned = { campaign: Campaign; day: string; kind: ChangeKind; targetingId: string | null; entry: SettingsEntry };
  const planned: Planned[] = [];
  for (const profile of world.profiles) {
    const campaigns = world.campaigns.filter((c) => c.profileId === profile.profileId && c.state === 'ENABLED');
    const lastChange = new Map<string, string>();
    // Days first, in order, so each campaign's settings history grows forward in time.
    const days = Array.from({ length: options.changesPerProfile }, () => addDays(QUARTER_FROM, Math.floor(random() * QUARTER_DAYS))).sort();
    for (const day of days) {
      const free = campaigns.filter((c) => {
        const previous = lastChange.get(c.campaignId);
        return !previous || daysBetween(previous, day).length - 1 >= MIN_GAP_DAYS;
      });
      const campaign = free[Math.floor(random() * free.length)];
      if (!campaign) continue;
      const kind = kindFor(random, capped(campaign));
      const entries = history.byCampaign.get(campaign.campaignId) as SettingsEntry[];
      const before = (entries.at(-1) as SettingsEntry).settings;
      const ids = Object.keys(before.bids);
      const targetingId = kind.startsWith('keyword') && ids.length > 0 ? (ids[Math.floor(random() * ids.length)] as string) : null;
      if (kind.startsWith('keyword') && !targetingId) continue;
      // The change is applied during `day`; the model counts it from the next day, as the simulator's ledger does.
      const entry: SettingsEntry = { from: addDays(day, 1), settings: withChange(before, kind, targetingId) };
      entries.push(entry);
      lastChange.set(campaign.campaignId, day);
      planned.push({ campaign, day, kind, targetingId, entry });
    }
  }

  const firstDay = addDays(QUARTER_FROM, -WINDOW.windowDays - 1);
  const lastDay = addDays(QUARTER_FROM, QUARTER_DAYS + WINDOW.windowDays + 1);
  const allDays = daysBetween(firstDay, lastDay);
  const rows = new Map<string, Row[]>();
  const currencyOf = new Map<number, string>();
  for (const profile of world.profiles) currencyOf.set(profile.profileId, CURRENCY[profile.marketplace.code] ?? 'USD');
  const targetingRows = new Map<string, Row[]>();
  for (const campaign of world.campaigns) {
    const key = String(campaign.profileId);
    const mine = rows.get(key) ?? [];
    rows.set(key, mine);
    const mineTargeting = targetingRows.get(key) ?? [];
    targetingRows.set(key, mineTargeting);
    const currency = currencyOf.get(campaign.profileId) ?? 'USD';
    for (const date of allDays) {
      mine.push(dayRow(world, history, campaign, date, currency));
      mineTargeting.push(...targetingRowsOf(world, history, campaign, date, currency));
    }
  }
  const changeDays = new Map<string, string[]>();
  for (const p of planned) changeDays.set(p.campaign.campaignId, [...(changeDays.get(p.campaign.campaignId) ?? []), p.day]);

  const changes: CalibrationChange[] = planned.map((p, i) => {
    const currency = currencyOf.get(p.campaign.profileId) ?? 'USD';
    const entries = history.byCampaign.get(p.campaign.campaignId) as SettingsEntry[];
    const index = entries.indexOf(p.entry);
    const previous = (entries[index - 1] as SettingsEntry).settings;
    const fromValue = p.kind.startsWith('budget') ? previous.budget : (previous.bids[p.targetingId ?? ''] ?? 1);
    const toValue = p.kind.startsWith('budget') ? p.entry.settings.budget : (p.entry.settings.bids[p.targetingId ?? ''] ?? 1);
    const { kind, action } = actionOf(p.kind, fromValue, toValue, currency);
    // A keyword or target change is measured on its own series (impact-measurement.ts), so its truth is too.
    const targetingKey = p.targetingId
      ? `${world.keywords.some((k) => k.keywordId === p.targetingId) ? 'keyword' : 'target'}:${p.targetingId}`
      : null;
    const targeting = targetingKey ? { level: targetingKey.split(':')[0] as 'keyword' | 'target', id: p.targetingId as string } : null;
    const subject: MeasureSubject = {
      id: `apply:${seed}:${i}`,
      recommendationId: `${seed}-${i}`,
      advertiserId: String(p.campaign.profileId),
      source: 'bench',
      kind,
      campaignId: p.campaign.campaignId,
      action,
      estimatedImpact: [],
      cohort: 'person',
      appliedAt: new Date(`${p.day}T12:00:00Z`),
      appliedBy: 'bench',
      undoneAt: null,
      targeting,
      entityLevel: targeting?.level ?? 'campaign',
    };
    // The truth: the after window's days with every change, and with this one taken out.
    const windows = windowsOf(subject.appliedAt, WINDOW.windowDays, WINDOW.settleDays);
    const afterDays = daysBetween(windows.after.from, windows.after.to);
    const counterfactual: SettingsHistory = {
      byCampaign: new Map(history.byCampaign),
      ledgerSeen: history.ledgerSeen,
    };
    counterfactual.byCampaign.set(
      p.campaign.campaignId,
      entries.filter((e) => e !== p.entry),
    );
    const seriesOf = (h: SettingsHistory) =>
      afterDays.map((date) =>
        targetingKey
          ? (targetingRowsOf(world, h, p.campaign, date, currency).find((r) => r.entity_key === targetingKey) as Row)
          : dayRow(world, h, p.campaign, date, currency),
      );
    const target = targetMetricOf(kind, action);
    const campaignSeries = (h: SettingsHistory) => afterDays.map((date) => dayRow(world, h, p.campaign, date, currency));
    return {
      changeKind: p.kind,
      subject,
      truth: levelOf(target, seriesOf(history)) - levelOf(target, seriesOf(counterfactual)),
      campaignTruth: levelOf(target, campaignSeries(history)) - levelOf(target, campaignSeries(counterfactual)),
    };
  });
  return { seed, changes, rows, targetingRows, changeDays, today: addDays(lastDay, WINDOW.settleDays + 1) } satisfies CalibrationWorld;
}
