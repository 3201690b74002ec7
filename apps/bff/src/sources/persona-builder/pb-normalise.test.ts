import { describe, expect, it } from 'vitest';
import type { AdsProfile } from '../../ads-client/profiles.ts';
import { PROFILE } from '../shared/sp-fixtures.ts';
import { normalisePersona } from './pb-normalise.ts';

const profile: AdsProfile = { ...PROFILE, accountId: 'ENTITYBRAND3', accountName: 'Trailhead LLC' };
const category = (name: string, affinity: number, overlapPercentage: number) => ({
  id: `rc-${name}`,
  name,
  path: [{ browseNodeName: 'Sports & Outdoors' }],
  insightMetrics: { affinity, overlapPercentage },
});
const audience = { audienceId: 'aud-own', audienceName: 'Trailhead purchasers' };

describe('normalisePersona', () => {
  it('names the top categories best affinity first, as a strategic audience insight, never applicable', () => {
    const categories = [category('Running Gear', 2.4, 18), category('Camping & Hiking', 4.2, 31), category('Fitness Equipment', 3, 12)];
    const item = normalisePersona(audience, categories, '2026-01-05T00:00:00.000Z', profile, new Date('2026-12-06T07:40:00Z'));
    expect(item).toMatchObject({
      source: 'persona-builder',
      sourceRecommendationId: '1000000000000001|aud-own|topCategoriesPurchased',
      kind: 'audience',
      goal: 'strategic',
      applicable: false,
      action: { type: 'insight' },
      title: 'Trailhead purchasers (US) also buy Camping & Hiking (4.2×), Fitness Equipment (3.0×), Running Gear (2.4×)',
      generatedAt: '2026-01-05T00:00:00.000Z',
      estimatedImpact: [],
    });
    expect(item?.description).toContain('31% of them bought Camping & Hiking, 4.2 times as likely as the average customer');
  });

  it('makes no persona without categories, and dates one without lastUpdatedAt by the day of the fetch', () => {
    expect(normalisePersona(audience, [], null, profile, new Date())).toBeNull();
    const morning = normalisePersona(audience, [category('Running Gear', 2, 10)], null, profile, new Date('2026-12-06T07:40:00Z'));
    const evening = normalisePersona(audience, [category('Running Gear', 2, 10)], null, profile, new Date('2026-12-06T19:05:00Z'));
    expect(morning?.generatedAt).toBe('2026-12-06T00:00:00.000Z');
    // Read twice the same day, the same persona is the same item (nothing to store or re-examine).
    expect(evening).toEqual(morning);
  });
});
