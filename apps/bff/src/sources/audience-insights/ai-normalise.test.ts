import { describe, expect, it } from 'vitest';
import type { AdsProfile } from '../../ads-client/profiles.ts';
import { affinityOf, normaliseOverlap } from './ai-normalise.ts';

const profile: AdsProfile = {
  profileId: '1000000000000002',
  region: 'EU',
  countryCode: 'DE',
  currencyCode: 'EUR',
  timezone: 'Europe/Paris',
  accountId: 'ENTITYBRAND1',
  accountType: 'vendor',
  accountName: 'Nordlicht GmbH',
};
const requested = { audienceId: 'aud-own', name: 'Nordlicht purchasers', category: 'Advertiser' };
const entry = {
  affinity: 3.13726,
  audienceMetadata: {
    audienceId: 'aud-cookware',
    name: 'In-market: Cookware',
    category: 'In-market',
    audienceForecast: { dailyReach: { lowerBound: 20000, upperBound: 45000 } },
  },
};

describe('normaliseOverlap', () => {
  it('makes an audience insight for the growth lane, never applicable, with the affinity as a signal', () => {
    const item = normaliseOverlap(entry, requested, profile, new Date('2026-12-06T08:30:00Z'));
    expect(item).toMatchObject({
      source: 'audience-insights',
      sourceRecommendationId: '1000000000000002|aud-own|aud-cookware',
      kind: 'audience',
      goal: 'growth',
      applicable: false,
      action: { type: 'insight' },
      advertiserId: 'ENTITYBRAND1',
      advertiserName: 'Nordlicht GmbH',
      title: 'Nordlicht purchasers overlap with In-market: Cookware (affinity 3.14×)',
      entity: { level: 'advertiser', targetId: 'aud-cookware', targetText: 'In-market: Cookware' },
      generatedAt: '2026-12-06T00:00:00.000Z',
      raw: { requestedAudience: requested, overlap: entry },
    });
    expect(item.description).toContain('3.1 times as likely as the average Amazon shopper to be among Nordlicht purchasers');
    expect(item.description).toContain('20,000–45,000 devices a day');
    expect(item.estimatedImpact).toEqual([{ metric: 'affinity', lower: 3.14, upper: 3.14, unit: 'ratio', periodDays: null }]);
    expect(affinityOf(item)).toBe(3.14);
  });

  it('keeps one key per overlap whatever the day, so a later sync updates it; no forecast, no reach told', () => {
    const first = normaliseOverlap(entry, requested, profile, new Date('2026-12-06T08:30:00Z'));
    const later = normaliseOverlap({ ...entry, affinity: 2.5 }, requested, profile, new Date('2026-12-13T08:30:00Z'));
    expect(later.sourceRecommendationId).toBe(first.sourceRecommendationId);
    const bare = normaliseOverlap(
      { affinity: 1.6, audienceMetadata: { ...entry.audienceMetadata, audienceForecast: undefined } },
      requested,
      profile,
      new Date(),
    );
    expect(bare.description).not.toContain('devices a day');
    expect(affinityOf({ estimatedImpact: [] })).toBeNull();
  });
});
