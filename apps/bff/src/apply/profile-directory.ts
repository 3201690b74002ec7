/**
 * The advertiser profiles the apply path writes through, listed once and shared by every worker (and undo) of a
 * process: listing walks every region, and doing it per worker or per undo spent upstream calls, and rate-limit
 * budget, on a list that rarely changes. A profile not in the list re-lists once (a profile added since); the list
 * is also refreshed after `ttlMs`.
 */
import type { AdsClient } from '../ads-client/ads-client.ts';
import { type AdsProfile, listProfiles } from '../ads-client/profiles.ts';

export class ProfileDirectory {
  private listing: Promise<Map<string, AdsProfile>> | null = null;
  private listedAt = 0;

  constructor(
    private readonly client: AdsClient,
    private readonly ttlMs = 10 * 60_000,
  ) {}

  async get(profileId: string | null): Promise<AdsProfile> {
    if (!profileId) throw new Error('the item names no profile');
    const profile = (await this.list(false)).get(profileId) ?? (await this.list(true)).get(profileId);
    if (!profile) throw new Error(`profile ${profileId} is not among the accessible profiles`);
    return profile;
  }

  /** The profile, or null when it is not among the accessible ones (a failed listing still throws). */
  async find(profileId: string): Promise<AdsProfile | null> {
    return (await this.list(false)).get(profileId) ?? (await this.list(true)).get(profileId) ?? null;
  }

  private list(refresh: boolean): Promise<Map<string, AdsProfile>> {
    if (refresh || !this.listing || Date.now() - this.listedAt > this.ttlMs) {
      this.listedAt = Date.now();
      const listing = listProfiles(this.client).then(({ profiles }) => new Map(profiles.map((p) => [p.profileId, p])));
      // A failed listing is not kept: the next call lists again.
      listing.catch(() => {
        if (this.listing === listing) this.listing = null;
      });
      this.listing = listing;
    }
    return this.listing;
  }
}
