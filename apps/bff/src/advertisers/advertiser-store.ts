/**
 * The advertisers a person can pick from, with the names and marketplaces their recommendations carry (the Ads API
 * names an advertiser on each recommendation; there is no advertiser table of our own). Read through the scoped
 * database, so a person with a limited scope sees only their advertisers.
 */
import type { AdvertiserSummary } from '@recdesk/shared-types';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

export class AdvertiserStore {
  constructor(private readonly db: Db) {}

  /** Every advertiser in scope, by name (unnamed ones last, by id). */
  async list(): Promise<AdvertiserSummary[]> {
    const rows = await this.db
      .selectFrom('recommendations')
      .select([
        'advertiser_id',
        sql<string | null>`max(advertiser_name)`.as('name'),
        sql<string[] | null>`array_remove(array_agg(distinct marketplace), null)`.as('marketplaces'),
      ])
      .groupBy('advertiser_id')
      .execute();
    return rows
      .map((row) => ({ id: row.advertiser_id, name: row.name, marketplaces: [...(row.marketplaces ?? [])].sort() }))
      .sort((a, b) => (a.name ?? '\uffff').localeCompare(b.name ?? '\uffff') || a.id.localeCompare(b.id));
  }
}
