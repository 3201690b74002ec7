import type { AdvertiserSummary } from '@recdesk/shared-types';
import { describe, expect, it } from 'vitest';
import { matchingAdvertisers } from './advertiser-match.ts';

const ADVERTISERS: AdvertiserSummary[] = [
  { id: 'ENTITY1HOWE', name: 'Howe LLC', marketplaces: ['US'] },
  { id: 'ENTITY2KUHN', name: 'Kühn & Söhne', marketplaces: ['DE', 'FR'] },
  { id: 'ENTITY3NONAME', name: null, marketplaces: [] },
];
const ids = (text: string) => matchingAdvertisers(ADVERTISERS, text).map((a) => a.id);

describe('matchingAdvertisers', () => {
  it('finds by part of the name, whatever the case', () => {
    expect(ids('howe')).toEqual(['ENTITY1HOWE']);
    expect(ids('Howe LLC')).toEqual(['ENTITY1HOWE']);
    expect(ids('LL')).toEqual(['ENTITY1HOWE']);
  });
  it('ignores accents', () => {
    expect(ids('kuhn')).toEqual(['ENTITY2KUHN']);
  });
  it('finds by id, also one without a name', () => {
    expect(ids('entity3')).toEqual(['ENTITY3NONAME']);
  });
  it('finds by marketplace code', () => {
    expect(ids('de')).toEqual(['ENTITY2KUHN']);
    expect(ids('US')).toEqual(['ENTITY1HOWE']);
  });
  it('lists every advertiser for an empty text and none for a text nothing has', () => {
    expect(ids('  ')).toHaveLength(3);
    expect(ids('zebra')).toEqual([]);
  });
});
