/**
 * Which advertisers a typed text finds: any word-part of the name ("howe" finds "Howe LLC"), the id, or a marketplace
 * code ("de" finds those selling in DE). Case and accents do not matter.
 */
import type { AdvertiserSummary } from '@recdesk/shared-types';

const fold = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .trim();

export function advertiserMatches(advertiser: AdvertiserSummary, text: string): boolean {
  const wanted = fold(text);
  if (!wanted) return true;
  if (fold(advertiser.name ?? '').includes(wanted)) return true;
  if (fold(advertiser.id).includes(wanted)) return true;
  return advertiser.marketplaces.some((marketplace) => fold(marketplace) === wanted);
}

export function matchingAdvertisers(advertisers: readonly AdvertiserSummary[], text: string): AdvertiserSummary[] {
  return advertisers.filter((advertiser) => advertiserMatches(advertiser, text));
}
