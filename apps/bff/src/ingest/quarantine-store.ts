/**
 * The quarantine: upstream items that failed validation, kept with their reason and raw payload so nothing
 * disappears silently. The same item seen again in a later sync is recorded once (its last-seen time moves on).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { QuarantinedItem, RecommendationSource } from '@recdesk/shared-types';
import type { Db } from '../db/database.ts';

export interface QuarantineEntry {
  source: RecommendationSource;
  runId: string | null;
  reason: string;
  location: string;
  raw: unknown;
}

export class QuarantineStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  async add(entries: readonly QuarantineEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const now = this.now();
    const rows = new Map(
      entries.map((entry) => {
        const fingerprint = createHash('sha256')
          .update(JSON.stringify([entry.source, entry.location, entry.raw]))
          .digest('hex');
        return [
          fingerprint,
          {
            id: randomUUID(),
            source: entry.source,
            run_id: entry.runId,
            fingerprint,
            reason: entry.reason,
            location: entry.location,
            raw: JSON.stringify(entry.raw ?? null),
            quarantined_at: now,
            last_seen_at: now,
          },
        ];
      }),
    );
    await this.db
      .insertInto('quarantine')
      .values([...rows.values()])
      .onConflict((oc) =>
        oc.column('fingerprint').doUpdateSet((eb) => ({
          last_seen_at: eb.ref('excluded.last_seen_at'),
          run_id: eb.ref('excluded.run_id'),
          reason: eb.ref('excluded.reason'),
        })),
      )
      .execute();
  }

  async list(source: RecommendationSource, limit = 200): Promise<QuarantinedItem[]> {
    const rows = await this.db
      .selectFrom('quarantine')
      .selectAll()
      .where('source', '=', source)
      .orderBy('last_seen_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      id: row.id,
      source,
      runId: row.run_id,
      reason: row.reason,
      location: row.location,
      raw: row.raw,
      quarantinedAt: new Date(row.quarantined_at).toISOString(),
    }));
  }

  async count(source: RecommendationSource): Promise<number> {
    const { total } = await this.db
      .selectFrom('quarantine')
      .select((eb) => eb.fn.countAll<string>().as('total'))
      .where('source', '=', source)
      .executeTakeFirstOrThrow();
    return Number(total);
  }
}
