/**
 * Advertiser profiles across the configured regions: `GET /v2/profiles` on each regional host (facts.md §5). A
 * profile that does not match the documented shape is never dropped silently: it comes back in `malformed` with its
 * region, reason and raw payload, for the sync to log and count, while the well-formed ones are used.
 */
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

export interface MalformedProfile {
  region: AdsRegion;
  /** Position in the region's answer. */
  index: number;
  reason: string;
  raw: unknown;
}

export interface ProfileListing {
  profiles: AdsProfile[];
  malformed: MalformedProfile[];
}

export async function listProfiles(client: AdsClient, signal?: AbortSignal): Promise<ProfileListing> {
  const byId = new Map<string, AdsProfile>();
  const malformed: MalformedProfile[] = [];
  for (const region of client.regions) {
    const profiles = await client.requestJson(
      { region, method: 'GET', path: '/v2/profiles', auth: { kind: 'client' }, endpoint: 'profiles.list', signal },
      z.array(z.unknown()),
    );
    for (const [index, raw] of profiles.entries()) {
      const parsed = ProfileSchema.safeParse(raw);
      if (!parsed.success) {
        malformed.push({ region, index, reason: `profile does not match the documented shape: ${z.prettifyError(parsed.error)}`, raw });
        continue;
      }
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
  return { profiles: [...byId.values()], malformed };
}
