/** Advertiser profiles across the configured regions: `GET /v2/profiles` on each regional host (facts.md §5). */
import { z } from 'zod';
import type { AdsRegion } from '../config/env.ts';
import type { AdsClient } from './ads-client.ts';

const ProfileSchema = z.looseObject({
  profileId: z.union([z.number(), z.string()]).transform(String),
  countryCode: z.string(),
  currencyCode: z.string(),
  timezone: z.string().optional(),
  accountInfo: z.looseObject({
    marketplaceStringId: z.string().optional(),
    id: z.string(),
    // Amazon adds account types without a version bump: keep the raw value.
    type: z.string(),
    name: z.string().optional(),
  }),
});

export interface AdsProfile {
  profileId: string;
  region: AdsRegion;
  countryCode: string;
  currencyCode: string;
  timezone: string | null;
  accountId: string;
  accountType: string;
  accountName: string | null;
}

export async function listProfiles(client: AdsClient, signal?: AbortSignal): Promise<AdsProfile[]> {
  const byId = new Map<string, AdsProfile>();
  for (const region of client.regions) {
    const profiles = await client.requestJson(
      { region, method: 'GET', path: '/v2/profiles', auth: { kind: 'client' }, endpoint: 'profiles.list', signal },
      z.array(z.unknown()),
    );
    for (const raw of profiles) {
      const parsed = ProfileSchema.safeParse(raw);
      if (!parsed.success) continue;
      const p = parsed.data;
      // One proxy or test server may answer for every region: the first region that lists a profile keeps it.
      if (byId.has(p.profileId)) continue;
      byId.set(p.profileId, {
        profileId: p.profileId,
        region,
        countryCode: p.countryCode,
        currencyCode: p.currencyCode,
        timezone: p.timezone ?? null,
        accountId: p.accountInfo.id,
        accountType: p.accountInfo.type,
        accountName: p.accountInfo.name ?? null,
      });
    }
  }
  return [...byId.values()];
}
