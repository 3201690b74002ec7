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
