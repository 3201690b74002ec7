/**
 * What each campaign ran with on each day: its daily budget, whether it was enabled, and the bids of its keywords and
 * targets. The history starts with the world as generated and takes a new entry whenever an API client changed the
 * world; a change counts from the day after the ledger entry that made it, so a report shows an applied change on the
 * next day. Partner Opportunities applies change the world here too (the budget or keyword bid their row proposes),
 * as Amazon does when it applies one.
 *
 * The history is brought up to date lazily (`observeChanges`): before a report is generated and before the clock
 * jumps, so changes are dated by the ledger, not by when they were noticed.
 */
import type { Campaign, World } from '../data/world.ts';
import type { LedgerEntry, SimulatorState } from '../state.ts';
import { addDays, dayOf } from './days.ts';

export interface CampaignSettings {
  budget: number;
  enabled: boolean;
  /** Keyword and target id → bid. */
  bids: Record<string, number>;
}

export interface SettingsEntry {
  /** The first day these settings were in force. */
  from: string;
  settings: CampaignSettings;
}

export interface SettingsHistory {
  byCampaign: Map<string, SettingsEntry[]>;
  /** The ledger entries already looked at. */
  ledgerSeen: number;
}

const BEGINNING = '0000-01-01';

export function settingsOf(world: World, campaign: Campaign): CampaignSettings {
  const bids: Record<string, number> = {};
  for (const k of world.keywords) if (k.campaignId === campaign.campaignId && k.state === 'ENABLED') bids[k.keywordId] = k.bid;
  for (const t of world.targets) if (t.campaignId === campaign.campaignId && t.state === 'ENABLED') bids[t.targetId] = t.bid;
  return { budget: campaign.dailyBudget, enabled: campaign.state === 'ENABLED', bids };
}

function sameSettings(a: CampaignSettings, b: CampaignSettings): boolean {
  if (a.budget !== b.budget || a.enabled !== b.enabled) return false;
  const keys = Object.keys(a.bids);
  return keys.length === Object.keys(b.bids).length && keys.every((key) => a.bids[key] === b.bids[key]);
}

export function createSettingsHistory(world: World): SettingsHistory {
  return {
    byCampaign: new Map(world.campaigns.map((c) => [c.campaignId, [{ from: BEGINNING, settings: settingsOf(world, c) }]])),
    ledgerSeen: 0,
  };
}

export function settingsOn(history: SettingsHistory, campaignId: string, day: string): CampaignSettings | undefined {
  const entries = history.byCampaign.get(campaignId);
  if (!entries) return undefined;
  let found = entries[0]?.settings;
  for (const entry of entries) {
    if (entry.from <= day) found = entry.settings;
    else break;
  }
  return found;
}

export function initialSettings(history: SettingsHistory, campaignId: string): CampaignSettings | undefined {
  return history.byCampaign.get(campaignId)?.[0]?.settings;
}

const money = (text: string | undefined) => {
  const value = Number.parseFloat((text ?? '').replace(/[^0-9.]/g, ''));
  return Number.isFinite(value) && value > 0 ? value : null;
};

/** A Partner Opportunities apply changes what its row proposes: a campaign budget, or keyword bids. */
function applyPartnerOpportunity(state: SimulatorState, entry: LedgerEntry): void {
  const row = state.opportunities.flatMap((o) => o.rows).find((r) => r.recommendationId === entry.key);
  if (!row) return;
  if (row.recommendationType === 'CAMPAIGN_BUDGET') {
    const campaign = state.world.campaigns.find((c) => c.campaignId === row.encryptedCampaignId);
    const budget = money(row.recommendedBudget);
    if (campaign && budget) campaign.dailyBudget = budget;
    return;
  }
  if (row.recommendationType === 'KEYWORD_BID') {
    try {
      const settings = JSON.parse(row.recommendedCampaignSettings ?? '{}') as {
        ad_groups?: { targets?: { target_id?: string; bid?: string }[] }[];
      };
      for (const target of (settings.ad_groups ?? []).flatMap((g) => g.targets ?? [])) {
        const keyword = state.world.keywords.find((k) => k.keywordId === target.target_id);
        const bid = money(target.bid);
        if (keyword && bid) keyword.bid = bid;
      }
    } catch {
      // A row whose settings are not JSON changes nothing, as Amazon would refuse it.
    }
  }
}

/** Brings the history up to date with the world and the ledger entries since the last look. */
export function observeChanges(state: SimulatorState): void {
  const history = state.performance.history;
  const fresh = state.ledger.slice(history.ledgerSeen);
  history.ledgerSeen = state.ledger.length;
  for (const entry of fresh) if (entry.api === 'partnerOpportunities.apply') applyPartnerOpportunity(state, entry);
  const last = fresh.at(-1);
  const changedOn = last ? dayOf(new Date(last.at)) : dayOf(state.clock.now());
  const from = addDays(changedOn, 1);
  for (const campaign of state.world.campaigns) {
    const current = settingsOf(state.world, campaign);
    let entries = history.byCampaign.get(campaign.campaignId);
    if (!entries) {
      // A campaign created through the API: its history starts when it was first seen.
      entries = [{ from: BEGINNING, settings: current }];
      history.byCampaign.set(campaign.campaignId, entries);
      continue;
    }
    const latest = entries.at(-1);
    if (!latest || sameSettings(latest.settings, current)) continue;
    if (latest.from === from) latest.settings = current;
    else entries.push({ from, settings: current });
  }
}
