import { describe, expect, it } from 'vitest';
import type { AdsProfile } from '../../ads-client/profiles.ts';
import { PROFILE } from '../shared/sp-fixtures.ts';
import { curveRequest, type DataPoint } from './hr-api.ts';
import { normaliseCurve } from './hr-normalise.ts';

const profile: AdsProfile = { ...PROFILE, accountId: 'ENTITYBRAND3', accountName: 'Trailhead LLC' };

/** A saturating weekly curve ending where the request ends. */
function curveFor(endDate: string): DataPoint[] {
  const end = Date.parse(endDate);
  return [3, 2, 1, 0].map((weeksBack, i) => ({
    supplyPackage: 'STV',
    startDate: new Date(end - 83 * 86_400_000).toISOString().slice(0, 10),
    endDate: new Date(end - weeksBack * 7 * 86_400_000).toISOString().slice(0, 10),
    impressions: 100_000 * (i + 1),
    totalReach: [40_000, 55_000, 62_000, 65_000][i] as number,
    frequencyThresholdReach: [{ frequencyThreshold: 3, reach: 10_000 * (i + 1) }],
    geography: 'US',
    reachType: 'HOUSEHOLDS',
  }));
}

describe('a historic reach curve as an insight', () => {
  it('is the same item when read twice the same day, and a new one the next day', () => {
    const read = (at: string) => {
      const request = curveRequest('US', [], new Date(at));
      return normaliseCurve(curveFor(request.endDate), request, [], profile, new Date(at));
    };
    const morning = read('2026-12-06T06:00:00Z');
    expect(morning).toMatchObject({ source: 'historic-reach', generatedAt: '2026-12-06T00:00:00.000Z' });
    expect(read('2026-12-06T21:30:00Z')).toEqual(morning);
    expect(read('2026-12-07T06:00:00Z')).not.toEqual(morning);
  });
});
