/**
 * Marketing Stream messages take their advertiser's name and profile from what the pulls stored (stream-ingest.ts,
 * once per delivery batch): a LIMIT 1 per advertiser and marketplace over the pulled items only. Without this partial
 * index the lookup walks the advertiser's Stream items first, and finds nothing for one the pulls never stored, after
 * reading them all: a cost that grew with every message (issue 17, "within seconds").
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX recommendations_pulled_account_idx ON recommendations (advertiser_id, marketplace)
    WHERE source <> 'marketing-stream' AND advertiser_name IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS recommendations_pulled_account_idx`.execute(db);
}
