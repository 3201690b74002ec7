/**
 * The campaigns a plan may change, read live from the Ads API for one profile: Sponsored Products campaigns through
 * the SP v3 list (the entity catalog) and Sponsored Display campaigns through the SD list. Live, because a drafted
 * budget change assumes the budget it starts from, and the apply path refuses a change whose assumption has drifted.
 * Archived campaigns are left out (nothing can change them). A failing SD list leaves SD out, logged: a profile
 * without Sponsored Display is common, and the SP campaigns are still worth planning on.
 */
import type { PlanCampaign } from '@recdesk/shared-types';
import type { Logger } from 'pino';
import type { AdsClient } from '../ads-client/ads-client.ts';
import type { AdsProfile } from '../ads-client/profiles.ts';
import { listSdCampaigns } from '../sources/sb-sd/sbsd-api.ts';
import { EntityCatalog } from '../sources/shared/entity-catalog.ts';

const ARCHIVED = new Set(['ARCHIVED', 'USER_DELETED']);

export async function listPlanCampaigns(client: AdsClient, profile: AdsProfile, log: Logger): Promise<PlanCampaign[]> {
  const catalog = new EntityCatalog(client, { log });
  const sp = (await catalog.all(profile, 'campaigns')).map(
    (c): PlanCampaign => ({
      campaignId: c.campaignId,
      name: c.name,
      adProduct: 'SP',
      state: c.state,
      dailyBudget: c.dailyBudget,
      portfolioId: c.portfolioId ?? null,
    }),
  );
  let sd: PlanCampaign[] = [];
  try {
    sd = (await listSdCampaigns(client, profile)).map((c) => ({
      campaignId: String(c.campaignId),
      name: c.name,
      adProduct: 'SD',
      state: c.state.toUpperCase(),
      dailyBudget: c.budget,
      portfolioId: c.portfolioId ?? null,
    }));
  } catch (error) {
    log.warn({ err: error, profileId: profile.profileId }, 'plan: the Sponsored Display campaign list failed; SD campaigns left out');
  }
  return [...sp, ...sd]
    .filter((c) => !ARCHIVED.has(c.state.toUpperCase()))
    .sort((a, b) => a.adProduct.localeCompare(b.adProduct) || a.name.localeCompare(b.name));
}

/** The flight's spend as it stands: every enabled campaign's daily budget, over the flight's days. */
export function currentSpendOf(campaigns: readonly PlanCampaign[], days: number): number {
  const daily = campaigns.filter((c) => c.state.toUpperCase() === 'ENABLED').reduce((sum, c) => sum + c.dailyBudget, 0);
  return Math.round(daily * days * 100) / 100;
}
