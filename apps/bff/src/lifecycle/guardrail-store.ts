/**
 * Change-size guardrails per advertiser: the defaults come from the environment, an advertiser may override any of
 * them (table `advertiser_guardrails`; a NULL column means "use the default").
 */
import type { Guardrails, GuardrailsBody } from '@recdesk/shared-types';
import type { Selectable } from 'kysely';
import type { Db } from '../db/database.ts';
import type { AdvertiserGuardrailsTable } from '../db/schema.ts';
import type { GuardrailLimits } from './lifecycle-config.ts';

export class GuardrailStore {
  constructor(
    private readonly db: Db,
    private readonly defaults: GuardrailLimits,
    private readonly now: () => Date,
  ) {}

  async forAdvertiser(advertiserId: string): Promise<Guardrails> {
    const row = await this.db.selectFrom('advertiser_guardrails').selectAll().where('advertiser_id', '=', advertiserId).executeTakeFirst();
    return this.guardrailsOf(advertiserId, row);
  }

  /** Several advertisers' guardrails in one query (an ingest batch spans a few). */
  async forAdvertisers(advertiserIds: readonly string[]): Promise<Map<string, Guardrails>> {
    const rows =
      advertiserIds.length === 0
        ? []
        : await this.db.selectFrom('advertiser_guardrails').selectAll().where('advertiser_id', 'in', advertiserIds).execute();
    const byId = new Map(rows.map((row) => [row.advertiser_id, row]));
    return new Map(advertiserIds.map((id) => [id, this.guardrailsOf(id, byId.get(id))]));
  }

  private guardrailsOf(advertiserId: string, row: Selectable<AdvertiserGuardrailsTable> | undefined): Guardrails {
    const overridden: Guardrails['overridden'] = [];
    if (row?.max_bid_change_pct != null) overridden.push('maxBidChangePct');
    if (row?.max_budget_change_pct != null) overridden.push('maxBudgetChangePct');
    if (row?.max_budget_change_per_day != null) overridden.push('maxBudgetChangePerDay');
    return {
      advertiserId,
      maxBidChangePct: row?.max_bid_change_pct ?? this.defaults.maxBidChangePct,
      maxBudgetChangePct: row?.max_budget_change_pct ?? this.defaults.maxBudgetChangePct,
      maxBudgetChangePerDay: row?.max_budget_change_per_day ?? this.defaults.maxBudgetChangePerDay,
      overridden,
    };
  }

  /** Sets the given overrides; a field left out keeps its current override, a null clears it. */
  async update(advertiserId: string, body: GuardrailsBody): Promise<Guardrails> {
    const current = await this.db
      .selectFrom('advertiser_guardrails')
      .selectAll()
      .where('advertiser_id', '=', advertiserId)
      .executeTakeFirst();
    const row = {
      advertiser_id: advertiserId,
      max_bid_change_pct: body.maxBidChangePct !== undefined ? body.maxBidChangePct : (current?.max_bid_change_pct ?? null),
      max_budget_change_pct: body.maxBudgetChangePct !== undefined ? body.maxBudgetChangePct : (current?.max_budget_change_pct ?? null),
      max_budget_change_per_day:
        body.maxBudgetChangePerDay !== undefined ? body.maxBudgetChangePerDay : (current?.max_budget_change_per_day ?? null),
      updated_at: this.now(),
    };
    await this.db
      .insertInto('advertiser_guardrails')
      .values(row)
      .onConflict((oc) =>
        oc.column('advertiser_id').doUpdateSet({
          max_bid_change_pct: row.max_bid_change_pct,
          max_budget_change_pct: row.max_budget_change_pct,
          max_budget_change_per_day: row.max_budget_change_per_day,
          updated_at: row.updated_at,
        }),
      )
      .execute();
    return this.forAdvertiser(advertiserId);
  }
}
