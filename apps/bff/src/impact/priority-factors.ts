/**
 * The feedback loop's live side: the priority factors of the measured items, held in memory so the store's priority
 * (computed on every write, synchronously) can read them, reloaded after every measurement run and, in a process that
 * does not measure (the ingest worker), every few minutes. After a reload, the open items of every group whose
 * factor changed get their priority again, so the queue reflects what was learnt and not only items that arrive later.
 */
import { OPEN_STATUSES } from '@recdesk/shared-types';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { asSystem } from '../auth/scope.ts';
import type { Db } from '../db/database.ts';
import { type EffectivenessOf, priorityOf } from '../lifecycle/priority.ts';
import { type MeasuredOutcome, PriorityFactorTable } from './impact-feedback.ts';

export class PriorityFactors {
  private table = PriorityFactorTable.neutral();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: { db: Db; log: Logger; now: () => Date }) {}

  /** What the recommendation store multiplies into a new item's priority. */
  readonly effectiveness: EffectivenessOf = (source, kind, advertiserId) => this.table.factorOf(source, kind, advertiserId);

  get current(): PriorityFactorTable {
    return this.table;
  }

  /** The outcomes the factors are learnt from: every measured item of every advertiser. */
  async outcomes(): Promise<MeasuredOutcome[]> {
    const rows = await asSystem(() =>
      this.deps.db
        .selectFrom('impact_results')
        .select(['source', 'kind', 'advertiser_id', 'cohort', 'state', 'verdict', 'realised_total', 'promised_total'])
        .where('state', '=', 'measured')
        .execute(),
    );
    return rows.map((row) => ({
      source: row.source as MeasuredOutcome['source'],
      kind: row.kind as MeasuredOutcome['kind'],
      advertiserId: row.advertiser_id,
      cohort: row.cohort,
      state: row.state,
      verdict: row.verdict,
      realisedTotal: row.realised_total,
      promisedTotal: row.promised_total,
    }));
  }

  /** Reloads the factors; returns how many open items got a new priority. */
  async reload(options: { reprioritise?: boolean } = {}): Promise<number> {
    const previous = this.table;
    this.table = PriorityFactorTable.from(await this.outcomes());
    return options.reprioritise === false ? 0 : this.reprioritiseChanged(previous);
  }

  /** Reloads every `intervalMs` (a process that does not run the measurement itself). */
  startReloading(intervalMs: number): void {
    this.stop();
    this.timer = setInterval(() => {
      this.reload({ reprioritise: false }).catch((error: unknown) =>
        this.deps.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'priority factors reload failed'),
      );
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async reprioritiseChanged(previous: PriorityFactorTable): Promise<number> {
    return asSystem(async () => {
      const groups = await this.deps.db
        .selectFrom('recommendations')
        .select(['source', 'kind', 'advertiser_id'])
        .distinct()
        .where('status', 'in', [...OPEN_STATUSES])
        .execute();
      const changed = groups.filter(
        (g) => previous.factorOf(g.source, g.kind, g.advertiser_id) !== this.table.factorOf(g.source, g.kind, g.advertiser_id),
      );
      let updated = 0;
      const now = this.deps.now();
      for (const group of changed) {
        const rows = await this.deps.db
          .selectFrom('recommendations')
          .select(['id', 'source', 'kind', 'advertiser_id', 'confidence', 'impact_score', 'estimated_impact', 'expires_at', 'priority'])
          .where('status', 'in', [...OPEN_STATUSES])
          .where('source', '=', group.source)
          .where('kind', '=', group.kind)
          .where('advertiser_id', '=', group.advertiser_id)
          .execute();
        const values = rows
          .map((row) => ({
            id: row.id,
            priority: priorityOf(
              {
                source: row.source as never,
                kind: row.kind as never,
                advertiserId: row.advertiser_id,
                confidence: row.confidence,
                impactScore: row.impact_score,
                estimatedImpact: row.estimated_impact as never,
                expiresAt: row.expires_at ? new Date(row.expires_at) : null,
              },
              now,
              this.effectiveness,
            ),
            old: row.priority,
          }))
          .filter((v) => v.priority !== v.old);
        for (let start = 0; start < values.length; start += 500) {
          const slice = values.slice(start, start + 500).map((v) => sql`(${v.id}::uuid, ${v.priority}::double precision)`);
          // Only the priority: the content, its version and its history are untouched (nothing upstream changed).
          await sql`UPDATE recommendations r SET priority = v.priority FROM (VALUES ${sql.join(slice)}) AS v(id, priority)
            WHERE r.id = v.id`.execute(this.deps.db);
        }
        updated += values.length;
      }
      if (updated > 0) this.deps.log.info({ groups: changed.length, updated }, 'open items reprioritised from measured effectiveness');
      return updated;
    });
  }
}
