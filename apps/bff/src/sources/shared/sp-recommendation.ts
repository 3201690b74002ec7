/**
 * What the Sponsored Products sources share when they build a NormalisedRecommendation: the advertiser fields from
 * the profile, the entity chain with names joined from the catalog, the direction of a change, money and percent
 * formatting for titles ("Campaign X: daily budget 50.00 → 75.00 USD"), and a guard against yielding one item twice
 * in a run (the store's upsert takes each id once per batch).
 */
import type { ActionDirection, EntityRef, NormalisedRecommendation } from '@recdesk/shared-types';
import type { AdsProfile } from '../../ads-client/profiles.ts';
import type { AdGroupInfo, CampaignInfo } from './entity-catalog.ts';

export type NormaliseResult = { ok: true; recommendation: NormalisedRecommendation } | { ok: false; reason: string; raw: unknown };

export function advertiserFields(profile: AdsProfile) {
  return {
    advertiserId: profile.accountId,
    advertiserName: profile.accountName,
    profileId: profile.profileId,
    marketplace: profile.countryCode,
  };
}

/** ISO 4217 from the profile, when it is one (the entity model requires three letters). */
export function currencyOf(profile: AdsProfile): string | null {
  return /^[A-Z]{3}$/.test(profile.currencyCode) ? profile.currencyCode : null;
}

export function directionOf(from: number | null, to: number | null, upstreamAction?: string): ActionDirection {
  if (from !== null && to !== null) return to > from ? 'increase' : to < from ? 'decrease' : 'none';
  switch (upstreamAction) {
    case 'INCREASE':
      return 'increase';
    case 'DECREASE':
      return 'decrease';
    case 'ADD':
      return 'add';
    case 'REMOVE':
      return 'remove';
    default:
      return 'change';
  }
}

export function money(value: number | null, currency: string | null): string {
  if (value === null) return '?';
  return `${value.toFixed(currency === 'JPY' ? 0 : 2)}`;
}

export function amount(value: number | null, currency: string | null): string {
  return `${money(value, currency)}${currency ? ` ${currency}` : ''}`;
}

export function change(from: number | null, to: number | null, currency: string | null): string {
  return `${money(from, currency)} → ${money(to, currency)}${currency ? ` ${currency}` : ''}`;
}

export function campaignLabel(campaignId: string, campaign: CampaignInfo | undefined): string {
  return campaign?.name ?? `Campaign ${campaignId}`;
}

export function adGroupLabel(adGroupId: string | null | undefined, adGroup: AdGroupInfo | undefined): string {
  return adGroup?.name ?? (adGroupId ? `ad group ${adGroupId}` : 'ad group ?');
}

/** The entity chain, names joined where the catalog knows them. */
export function entityOf(
  level: EntityRef['level'],
  ids: { campaignId: string; adGroupId?: string | null; targetId?: string | null },
  joined: { campaign?: CampaignInfo; adGroup?: AdGroupInfo },
  target: { text?: string | null; matchType?: string | null; asin?: string | null } = {},
): EntityRef {
  return {
    level,
    portfolioId: joined.campaign?.portfolioId ?? null,
    campaignId: ids.campaignId,
    campaignName: joined.campaign?.name ?? null,
    adGroupId: ids.adGroupId ?? null,
    adGroupName: joined.adGroup?.name ?? null,
    targetId: ids.targetId ?? null,
    targetText: target.text ?? null,
    matchType: target.matchType ?? null,
    asin: target.asin ?? null,
    brandName: null,
  };
}

/** Start of the UTC day: SP recommendations are regenerated daily, so one day's items share a generation time. */
export function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

/** Remembers the ids yielded in one run; the second item with an id already seen is skipped. */
export class SeenIds {
  private readonly seen = new Set<string>();
  duplicates = 0;

  first(id: string): boolean {
    if (this.seen.has(id)) {
      this.duplicates++;
      return false;
    }
    this.seen.add(id);
    return true;
  }
}

/** `a.b[2].c: message` lines of a zod error, short enough for a quarantine reason. */
export function issuesOf(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || '(item)'}: ${issue.message}`)
    .join('; ');
}
