/**
 * Test data for the measurement: synthetic daily campaign series written straight into performance_daily, and
 * changes recorded as applied in the apply tables (a person's or a rule's batch), so the engine can be tested on
 * effects that are known exactly. The acceptance test drives the real pipeline instead.
 */
import { randomUUID } from 'node:crypto';
import type { ApplyTables } from '../apply/apply-tables.ts';
import type { Db } from '../db/database.ts';
import { seededRandom } from './did-estimator.ts';
import { addDays } from './impact-windows.ts';

export interface SyntheticCampaign {
  advertiserId: string;
  campaignId: string;
  /** Sales per day before any change; cost is 30 % of sales, impressions and clicks follow. */
  sales: number;
  /** Added to sales per day from `effectFrom` on (negative: a loss), with cost unchanged. */
  effect?: number;
  effectFrom?: string;
  /** Day-to-day noise as a share of the level. */
  noise?: number;
  currency?: string;
  /** A keyword's series instead of a campaign's (`keyword:<id>` rows of that campaign, as an spTargeting report gives). */
  keywordId?: string;
}

/**
 * Writes `days` days from `from` for every campaign. All campaigns share a market factor per day (a weekly cycle and
 * a seeded shock), the common movement difference-in-differences must take out.
 */
export async function seedPerformance(
  db: Db,
  campaigns: readonly SyntheticCampaign[],
  from: string,
  days: number,
  seed = 1,
): Promise<void> {
  const random = seededRandom(seed);
  const rows = [];
  for (let d = 0; d < days; d++) {
    const date = addDays(from, d);
    const market = (1 + 0.2 * Math.sin((2 * Math.PI * d) / 7)) * (1 + 0.1 * (random() - 0.5));
    for (const c of campaigns) {
      const noise = 1 + (c.noise ?? 0.04) * (random() - 0.5) * 2;
      const base = c.sales * market * noise;
      const sales = Math.max(0, base + (c.effectFrom && date >= c.effectFrom ? (c.effect ?? 0) : 0));
      const cost = 0.3 * base;
      rows.push({
        entity_key: c.keywordId ? `keyword:${c.keywordId}` : `campaign:${c.campaignId}`,
        date,
        entity_level: c.keywordId ? ('keyword' as const) : ('campaign' as const),
        advertiser_id: c.advertiserId,
        profile_id: '1001',
        campaign_id: c.campaignId,
        entity_name: `Campaign ${c.campaignId}`,
        impressions: Math.round(base * 40),
        clicks: Math.round(base / 2),
        cost,
        sales,
        orders: Math.round(sales / 25),
        budget: 100,
        currency: c.currency ?? 'USD',
        report_id: null,
        updated_at: new Date(),
      });
    }
  }
  for (let start = 0; start < rows.length; start += 500)
    await db
      .insertInto('performance_daily')
      .values(rows.slice(start, start + 500))
      .execute();
}

/** Records a recommendation as applied at `at` by a person (`user`) or a rule, as the apply worker would. */
export async function recordApplied(
  db: Db,
  item: { recommendationId: string; advertiserId: string; at: Date; actor?: { type: 'user' | 'rule'; id: string; version?: number } },
): Promise<string> {
  const apply = db.withTables<ApplyTables>();
  const batchId = randomUUID();
  const chunkId = randomUUID();
  const itemId = randomUUID();
  const actor = item.actor ?? { type: 'user', id: 'ann@agency.example' };
  await apply
    .insertInto('apply_batches')
    .values({
      id: batchId,
      kind: 'apply',
      actor_type: actor.type,
      actor_id: actor.id,
      actor_version: actor.version ?? null,
      created_at: item.at,
      finished_at: item.at,
    })
    .execute();
  await apply
    .insertInto('apply_chunks')
    .values({ id: chunkId, batch_id: batchId, call: 'sp.campaigns', group_key: 'g', done: true, created_at: item.at })
    .execute();
  await apply
    .insertInto('apply_items')
    .values({
      id: itemId,
      batch_id: batchId,
      chunk_id: chunkId,
      recommendation_id: item.recommendationId,
      advertiser_id: item.advertiserId,
      state: 'applied',
      call: 'sp.campaigns',
      plan: '{}',
      created_at: item.at,
      updated_at: item.at,
    })
    .execute();
  // Along the lifecycle, which the database enforces transition by transition.
  for (const [from, to] of [
    ['discovered', 'validated'],
    ['validated', 'approved'],
    ['approved', 'applying'],
    ['applying', 'applied'],
  ] as const)
    await db
      .updateTable('recommendations')
      .set({ status: to })
      .where('id', '=', item.recommendationId)
      .where('status', '=', from)
      .execute();
  return itemId;
}
