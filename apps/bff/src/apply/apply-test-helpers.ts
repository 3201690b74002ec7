/**
 * Test data for the apply tests and benchmark: keywords added to the simulated world and approved bid changes on
 * them, written straight into the store (a sync would find the world's few seeded items only).
 */
import type { SimulatorState } from '@recdesk/ads-simulator/state';
import type { NormalisedRecommendation } from '@recdesk/shared-types';
import { sql } from 'kysely';
import type TestAgent from 'supertest/lib/agent.js';
import { bidChange } from '../lifecycle/recommendation-fixtures.ts';
import { recommendationIdOf } from '../lifecycle/recommendation-store.ts';
import type { Runtime } from '../runtime.ts';

export interface SeededKeyword {
  keywordId: string;
  recommendationId: string;
}

let nextId = 0;

/**
 * Adds `count` keywords (bid 1.00) to a manual campaign of the first US profile, and one approved bid change
 * 1.00 → 1.25 per keyword (`approved: false` leaves them discovered), filed under the profile's account id as the SP
 * sources file theirs. Returns them in order.
 */
export async function seedKeywordBids(
  runtime: Runtime,
  count: number,
  options: {
    approved?: boolean;
    validated?: boolean;
    confidence?: number;
    impactScore?: number;
    refreshedAt?: string;
    expiresAt?: string;
    /** The simulator, when it runs outside the runtime (ADS_SIMULATOR_URL). */
    state?: SimulatorState;
    /** The n-th profile of the world instead of the first US one (items of different profiles go in different calls). */
    profileIndex?: number;
  } = {},
): Promise<SeededKeyword[]> {
  const state = options.state ?? (runtime.simulator?.state as SimulatorState);
  const world = state.world;
  const profile =
    (options.profileIndex === undefined ? world.profiles.find((p) => p.marketplace.code === 'US') : world.profiles[options.profileIndex]) ??
    (world.profiles[0] as (typeof world.profiles)[number]);
  const campaign = world.campaigns.find((c) => c.profileId === profile.profileId && c.targetingType === 'MANUAL' && c.state !== 'ARCHIVED');
  if (!campaign) throw new Error('the simulated world has no manual campaign');
  campaign.dailyBudget = Math.max(campaign.dailyBudget, 100);
  const adGroup = world.adGroups.find((g) => g.campaignId === campaign.campaignId) as (typeof world.adGroups)[number];
  adGroup.state = 'ENABLED';
  const seeded: SeededKeyword[] = [];
  const items: NormalisedRecommendation[] = [];
  const batch = ++nextId;
  for (let i = 0; i < count; i++) {
    const keywordId = `9${String(batch).padStart(3, '0')}${String(i).padStart(6, '0')}`;
    world.keywords.push({
      keywordId,
      adGroupId: adGroup.adGroupId,
      campaignId: campaign.campaignId,
      keywordText: `apply test ${batch} ${i}`,
      matchType: 'EXACT',
      state: 'ENABLED',
      bid: 1,
    });
    const sourceId = `apply-test-${batch}-${i}`;
    const refreshedAt = options.refreshedAt ?? runtime.now().toISOString();
    items.push({
      ...bidChange({
        id: sourceId,
        source: 'sp-consolidated',
        advertiserId: profile.advertiser.entityId,
        campaignId: campaign.campaignId,
        adGroupId: adGroup.adGroupId,
        keywordId,
        text: `apply test ${batch} ${i}`,
        from: 1,
        to: 1.25,
        refreshedAt,
        generatedAt: refreshedAt,
        expiresAt: options.expiresAt ?? new Date(runtime.now().getTime() + 7 * 86_400_000).toISOString(),
        confidence: options.confidence ?? 0.9,
        impactScore: options.impactScore ?? 8,
      }),
      profileId: String(profile.profileId),
    });
    seeded.push({ keywordId, recommendationId: recommendationIdOf('sp-consolidated', sourceId) });
  }
  for (let start = 0; start < items.length; start += 1000) await runtime.store.upsertMany(items.slice(start, start + 1000));
  const ids = seeded.map((s) => s.recommendationId);
  if (options.validated) await validateDirectly(runtime, ids);
  else if (options.approved ?? true) await approveDirectly(runtime, ids);
  return seeded;
}

/** `POST /api/apply` of the seeded items by the agent's signed-in person; the id of the batch it queued. */
export async function applySeeded(agent: TestAgent, seeded: readonly SeededKeyword[]): Promise<string> {
  const { body } = await agent
    .post('/api/apply')
    .send({ ids: seeded.map((s) => s.recommendationId) })
    .expect(202);
  return (body as { batchId: string }).batchId;
}

/** Moves items discovered → validated in SQL, as the validation stage would for a clean item. */
export async function validateDirectly(runtime: Runtime, ids: readonly string[]): Promise<void> {
  for (let start = 0; start < ids.length; start += 1000) {
    const slice = ids.slice(start, start + 1000);
    await sql`UPDATE recommendations SET status = 'validated' WHERE id IN (${sql.join(slice)}) AND status = 'discovered'`.execute(
      runtime.db,
    );
  }
}

/** Moves items discovered → validated → approved in SQL (the lifecycle's own tests cover approving through HTTP). */
export async function approveDirectly(runtime: Runtime, ids: readonly string[]): Promise<void> {
  for (let start = 0; start < ids.length; start += 1000) {
    const slice = ids.slice(start, start + 1000);
    await sql`UPDATE recommendations SET status = 'validated' WHERE id IN (${sql.join(slice)}) AND status = 'discovered'`.execute(
      runtime.db,
    );
    await sql`UPDATE recommendations SET status = 'approved', version = version + 1 WHERE id IN (${sql.join(slice)}) AND status = 'validated'`.execute(
      runtime.db,
    );
  }
}

/** How many times the simulator's ledger recorded a change of each keyword. */
export function ledgerCounts(state: SimulatorState): Map<string, number> {
  const counts = new Map<string, number>();
  for (const entry of state.ledger) counts.set(entry.key, (counts.get(entry.key) ?? 0) + 1);
  return counts;
}
