/**
 * Validation at the door (admission.ts): the store, wired as in production, inserts a new item with the outcome the
 * after-ingest pass would give it, with both of its events, so that the pass then has nothing left to write; an item
 * a later batch makes drifted is still moved by the pass.
 */

import type { NormalisedRecommendation } from '@recdesk/shared-types';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';
import { bidChange, budgetChange, insight } from './recommendation-fixtures.ts';
import { recommendationIdOf } from './recommendation-store.ts';

vi.setConfig({ testTimeout: 120_000 });
const NOW = new Date('2026-06-01T12:00:00Z');

describe.each(databaseTargets)('validation at the door on $name', ({ create }) => {
  let bff: TestBff | undefined;
  afterEach(async () => {
    await bff?.close();
    bff = undefined;
  });

  const idOf = (sourceId: string) => recommendationIdOf('partner-opportunities', sourceId);

  async function start(): Promise<TestBff> {
    bff = await startTestBff(await create(), {}, { now: () => NOW });
    return bff;
  }

  async function rowsAndHistory(app: TestBff) {
    const { db } = app.runtime;
    const rows = await db
      .selectFrom('recommendations')
      .select(['source_recommendation_id', 'status', 'version', 'validation_issues', 'validated_at', 'updated_at'])
      .orderBy('source_recommendation_id')
      .execute();
    const events = await db
      .selectFrom('recommendation_events')
      .innerJoin('recommendations', 'recommendations.id', 'recommendation_events.recommendation_id')
      .select(['source_recommendation_id', 'actor_id', 'from_status', 'to_status', 'reason'])
      .orderBy('recommendation_events.id')
      .execute();
    return { rows, events };
  }

  async function store(app: TestBff, items: NormalisedRecommendation[]) {
    await app.runtime.store.upsertMany(items);
  }

  it('inserts each new item once with its validation outcome and events, leaving the after-ingest pass nothing to write', async () => {
    const app = await start();
    const earlier = '2026-06-01T08:00:00.000Z';
    const later = '2026-06-01T10:00:00.000Z';
    await store(app, [
      budgetChange({ id: 'passes', advertiserId: 'ADV1', campaignId: 'C1', from: 50, to: 55 }),
      insight({ id: 'insight', advertiserId: 'ADV1' }),
      // Two reports of keyword K1's bid in one batch: the newer (1.0) is its known value, so the older one drifted.
      bidChange({ id: 'newer', advertiserId: 'ADV1', campaignId: 'C2', keywordId: 'K1', from: 1, to: 1.1, refreshedAt: later }),
      bidChange({ id: 'older', advertiserId: 'ADV1', campaignId: 'C2', keywordId: 'K1', from: 0.8, to: 0.9, refreshedAt: earlier }),
      // Names no keyword: blocked, it stays discovered with its issue (and no event of validation).
      bidChange({ id: 'nameless', advertiserId: 'ADV1', campaignId: 'C3', keywordId: '', text: '', from: 1, to: 1.1 }),
    ]);
    const inserted = await rowsAndHistory(app);
    const byId = new Map(inserted.rows.map((row) => [row.source_recommendation_id, row]));
    expect(byId.get('passes')).toMatchObject({ status: 'validated', version: 1, validation_issues: [] });
    expect(byId.get('insight')).toMatchObject({ status: 'validated', version: 1 });
    expect(byId.get('newer')).toMatchObject({ status: 'validated', version: 1 });
    // A move away from what a person could approve bumps the version, as the pass's own write does.
    expect(byId.get('older')).toMatchObject({ status: 'drifted', version: 2 });
    expect(byId.get('older')?.validation_issues).toEqual([expect.objectContaining({ code: 'drifted' })]);
    expect(byId.get('nameless')).toMatchObject({ status: 'discovered', version: 1 });
    expect(byId.get('nameless')?.validation_issues).toEqual([expect.objectContaining({ code: 'entity_missing' })]);
    for (const row of inserted.rows) expect(new Date(row.validated_at ?? 0).toISOString()).toBe(NOW.toISOString());

    const historyOf = (id: string) =>
      inserted.events.filter((e) => e.source_recommendation_id === id).map(({ source_recommendation_id, ...e }) => e);
    expect(historyOf('passes')).toEqual([
      { actor_id: 'ingest', from_status: null, to_status: 'discovered', reason: 'discovered upstream' },
      { actor_id: 'validation', from_status: 'discovered', to_status: 'validated', reason: 'passed validation' },
    ]);
    expect(historyOf('older')).toEqual([
      expect.objectContaining({ to_status: 'discovered' }),
      expect.objectContaining({
        actor_id: 'validation',
        from_status: 'discovered',
        to_status: 'drifted',
        reason: expect.stringMatching(/the latest known value is 1\.00 USD/),
      }),
    ]);
    expect(historyOf('nameless')).toEqual([expect.objectContaining({ to_status: 'discovered' })]);

    // The pass judges the same items from the same known state: it has nothing to write.
    await app.runtime.lifecycle.afterIngest();
    expect(await rowsAndHistory(app)).toEqual(inserted);
  });

  it('judges a new item by the value a stored item reports, and leaves a stored item a later batch outdates to the pass', async () => {
    const app = await start();
    const first = '2026-06-01T08:00:00.000Z';
    const second = '2026-06-01T09:00:00.000Z';
    const third = '2026-06-01T10:00:00.000Z';
    await store(app, [
      bidChange({ id: 'stored', advertiserId: 'ADV1', campaignId: 'C1', keywordId: 'K1', from: 1, to: 1.1, refreshedAt: second }),
    ]);
    await app.runtime.lifecycle.afterIngest();
    // Older than the stored report, assuming another bid: drifted at the door, from the stored item's value.
    await store(app, [
      bidChange({ id: 'behind', advertiserId: 'ADV1', campaignId: 'C1', keywordId: 'K1', from: 0.7, to: 0.8, refreshedAt: first }),
    ]);
    expect((await app.runtime.store.getRow(idOf('behind')))?.status).toBe('drifted');
    // Newer than the stored one: validated at the door; the stored one now assumes an outdated bid, which the pass finds.
    await store(app, [
      bidChange({ id: 'ahead', advertiserId: 'ADV1', campaignId: 'C1', keywordId: 'K1', from: 1.2, to: 1.3, refreshedAt: third }),
    ]);
    expect((await app.runtime.store.getRow(idOf('ahead')))?.status).toBe('validated');
    expect((await app.runtime.store.getRow(idOf('stored')))?.status).toBe('validated');
    await app.runtime.lifecycle.afterIngest();
    expect((await app.runtime.store.getRow(idOf('stored')))?.status).toBe('drifted');
    expect((await app.runtime.store.getRow(idOf('ahead')))?.status).toBe('validated');
  });
});
