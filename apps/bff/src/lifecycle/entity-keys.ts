/**
 * Keys for the entity chain profile → portfolio → campaign → ad group → keyword / target, so that items from
 * different sources about the same entity meet under the same key. Ids are the Ads API's; a keyword without an id
 * (a proposed new keyword) is keyed by its ad group, text and match type, which is how the Ads API identifies it.
 */
import type { EntityRef } from '@recdesk/shared-types';

export function entityKeyOf(entity: EntityRef): string {
  switch (entity.level) {
    case 'keyword':
    case 'target':
      return entity.targetId
        ? `${entity.level}:${entity.targetId}`
        : `${entity.level}:${entity.adGroupId ?? entity.campaignId ?? '?'}:${(entity.targetText ?? '').trim().toLowerCase()}:${(entity.matchType ?? '').toUpperCase()}`;
    case 'placement':
      return `placement:${entity.campaignId ?? '?'}:${entity.targetId ?? entity.targetText ?? '?'}`;
    case 'ad-group':
      return `ad-group:${entity.adGroupId ?? '?'}`;
    case 'campaign':
      return `campaign:${entity.campaignId ?? '?'}`;
    case 'portfolio':
      return `portfolio:${entity.portfolioId ?? '?'}`;
    case 'product':
      return `product:${entity.asin ?? '?'}`;
    case 'brand':
      return `brand:${entity.brandName ?? '?'}`;
    default:
      return 'advertiser';
  }
}

/** The keys of the entity and of its ancestors, nearest first: a keyword's ad group, campaign and portfolio. */
export function ancestorKeysOf(entity: EntityRef): string[] {
  const keys: string[] = [];
  if ((entity.level === 'keyword' || entity.level === 'target') && entity.adGroupId) keys.push(`ad-group:${entity.adGroupId}`);
  if (entity.level !== 'campaign' && entity.level !== 'portfolio' && entity.campaignId) keys.push(`campaign:${entity.campaignId}`);
  if (entity.level !== 'portfolio' && entity.portfolioId) keys.push(`portfolio:${entity.portfolioId}`);
  return keys;
}

/** A name a person recognises: "Campaign Summer Sale", "keyword "running shoes" (EXACT)". */
export function entityLabelOf(entity: EntityRef): string {
  switch (entity.level) {
    case 'keyword':
      return `keyword "${entity.targetText ?? entity.targetId ?? '?'}"${entity.matchType ? ` (${entity.matchType})` : ''}`;
    case 'target':
      return `target ${entity.targetText ?? entity.targetId ?? '?'}`;
    case 'placement':
      return `placement ${entity.targetText ?? entity.targetId ?? '?'}`;
    case 'ad-group':
      return `ad group ${entity.adGroupName ?? entity.adGroupId ?? '?'}`;
    case 'campaign':
      return `Campaign ${entity.campaignName ?? entity.campaignId ?? '?'}`;
    case 'portfolio':
      return `portfolio ${entity.portfolioId ?? '?'}`;
    case 'product':
      return `product ${entity.asin ?? '?'}`;
    case 'brand':
      return `brand ${entity.brandName ?? '?'}`;
    default:
      return 'the advertiser';
  }
}

export function campaignLabelOf(entity: EntityRef): string {
  return `Campaign ${entity.campaignName ?? entity.campaignId ?? '?'}`;
}

/** Levels whose entities belong to one campaign (Ads API ids of ad groups, keywords and targets are unique to it). */
const CAMPAIGN_SCOPED_LEVELS = new Set(['keyword', 'target', 'placement', 'ad-group', 'campaign']);

/**
 * Where an entity lives, for the incremental passes (validation, conflicts): its key, and the campaign whose items
 * include every item with the same key. `campaignId` null: the key is advertiser-wide (a portfolio, product, brand or
 * the advertiser), and its items are found among the advertiser's unscoped items. `bounded` false: a campaign-level
 * entity that names no campaign, whose key items elsewhere may share: only a pass over the whole advertiser is exact.
 */
export function neighbourhoodOf(entity: EntityRef): { key: string; campaignId: string | null; bounded: boolean } {
  const key = entityKeyOf(entity);
  if (!CAMPAIGN_SCOPED_LEVELS.has(entity.level)) return { key, campaignId: null, bounded: true };
  return entity.campaignId ? { key, campaignId: entity.campaignId, bounded: true } : { key, campaignId: null, bounded: false };
}

/** Whether an item is found by the unscoped query (campaign_id null, or a level above campaigns). */
export function isUnscoped(entity: EntityRef): boolean {
  return !entity.campaignId || !CAMPAIGN_SCOPED_LEVELS.has(entity.level);
}

/** Whether an entity key (or a conflict's) is advertiser-wide: not one of a campaign's entities. */
export function isUnscopedKey(key: string): boolean {
  return !/^(keyword|target|placement|ad-group|campaign):/.test(key);
}
