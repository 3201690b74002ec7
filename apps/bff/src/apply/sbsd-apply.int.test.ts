/**
 * Applying Sponsored Brands and Sponsored Display changes with the exactly-once machinery: an approved SB budget and
 * SD target bid are written once upstream (the simulator's ledger), read back, refused a second time, and undone to
 * their values before; every SB / SD request conforms to the published documents.
 */
import type { SimulatorState } from '@recdesk/ads-simulator/state';
import { sbsdRequestProblems } from '@recdesk/ads-simulator/testing/sbsd-spec-check';
import type { ActionableRecommendation, SyncSummary } from '@recdesk/shared-types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAST_CLIENT, itemsOf, SP_TEST_TIMEOUT_MS } from '../sources/shared/sp-test-helpers.ts';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';
import { validateDirectly } from './apply-test-helpers.ts';

describe.each(databaseTargets)('SB and SD apply on $name', ({ create }) => {
  let bff: TestBff;
  let state: SimulatorState;

  beforeEach(async () => {
    bff = await startTestBff(await create(), FAST_CLIENT);
    state = bff.runtime.simulator?.state as SimulatorState;
  }, SP_TEST_TIMEOUT_MS);
  afterEach(async () => {
    await bff.close();
  }, SP_TEST_TIMEOUT_MS);

  async function sync(): Promise<void> {
    for (const source of ['sb-recommendations', 'sd-recommendations']) {
      const summary: SyncSummary = (await bff.http.post(`/api/sync?source=${source}`).expect(200)).body;
      expect(summary.sources[0]).toMatchObject({ source, status: 'succeeded' });
    }
  }

  /** The first item of a kind its approver may approve, once the source's items are validated. */
  async function pick(source: string, kind: string, skip: readonly string[] = []): Promise<ActionableRecommendation> {
    const items = await itemsOf(bff, source);
    await validateDirectly(
      bff.runtime,
      items.map((i) => i.id),
    );
    const fresh = (await itemsOf(bff, source)) as ActionableRecommendation[];
    const item = fresh.find((i) => i.kind === kind && i.actions.approve.allowed && !skip.includes(i.entity.campaignId ?? ''));
    if (!item) throw new Error(`no approvable ${kind} item of ${source}`);
    return item;
  }

  it(
    'approving and applying an SB budget and an SD bid writes each once, reads it back, and undo restores both',
    async () => {
      await sync();
      const budget = await pick('sb-recommendations', 'budget');
      const bid = await pick('sd-recommendations', 'bid');
      for (const item of [budget, bid])
        await bff.http.post(`/api/recommendations/${item.id}/approve`).send({ version: item.version }).expect(200);

      const campaign = state.sbsd.sbCampaigns.find((c) => c.campaignId === budget.entity.campaignId);
      const target = state.sbsd.sdTargets.find((t) => t.targetId === bid.entity.targetId);
      if (!campaign || !target) throw new Error('entities not found');
      const before = { budget: campaign.budget, bid: target.bid };

      const accepted = (
        await bff.http
          .post('/api/apply')
          .send({ ids: [budget.id, bid.id] })
          .expect(202)
      ).body as { batchId: string; queued: number };
      expect(accepted.queued).toBe(2);
      await bff.runtime.apply.createWorker().sweep();
      expect([campaign.budget, target.bid]).toEqual([budget.action.to, bid.action.to]);
      const writes = () =>
        state.ledger.filter((e) => e.key === `sb-campaign:${campaign.campaignId}` || e.key === `sd-target:${target.targetId}`);
      expect(
        writes()
          .map((e) => e.api)
          .sort(),
      ).toEqual(['sb.campaigns.update', 'sd.targets.update']);
      for (const item of [budget, bid])
        expect((await bff.http.get(`/api/recommendations/${item.id}`).expect(200)).body).toMatchObject({
          status: 'applied',
          liveValue: { value: item.action.to },
          actions: { undo: { allowed: true } },
        });
      // A second apply of the same items queues nothing: each was written once.
      await bff.http
        .post('/api/apply')
        .send({ ids: [budget.id, bid.id] })
        .expect(409);
      await bff.runtime.apply.createWorker().sweep();
      expect(writes()).toHaveLength(2);

      const undone = (await bff.http.post('/api/undo').send({ batchId: accepted.batchId }).expect(202)).body as { queued: number };
      expect(undone.queued).toBe(2);
      await bff.runtime.apply.createWorker().sweep();
      expect({ budget: campaign.budget, bid: target.bid }).toEqual(before);
      expect(writes()).toHaveLength(4);
      for (const item of [budget, bid])
        expect((await bff.http.get(`/api/recommendations/${item.id}`).expect(200)).body.status).toBe('rolled_back');
      expect(sbsdRequestProblems(state.requestLog)).toEqual([]);
    },
    SP_TEST_TIMEOUT_MS,
  );

  it(
    'an SB keyword bid and an SD budget are applied and undone the same way; a drifted SB budget is not written',
    async () => {
      await sync();
      const keywordBid = await pick('sb-recommendations', 'bid');
      const sdBudget = await pick('sd-recommendations', 'budget');
      const drifting = await pick('sb-recommendations', 'budget', [keywordBid.entity.campaignId ?? '']);
      for (const item of [keywordBid, sdBudget, drifting])
        await bff.http.post(`/api/recommendations/${item.id}/approve`).send({ version: item.version }).expect(200);
      const keyword = state.sbsd.sbKeywords.find((k) => k.keywordId === keywordBid.entity.targetId);
      const sdCampaign = state.sbsd.sdCampaigns.find((c) => c.campaignId === sdBudget.entity.campaignId);
      const sbCampaign = state.sbsd.sbCampaigns.find((c) => c.campaignId === drifting.entity.campaignId);
      if (!keyword || !sdCampaign || !sbCampaign) throw new Error('entities not found');
      const before = { bid: keyword.bid, budget: sdCampaign.budget };
      // Someone changes the SB budget in Amazon Ads after the recommendation was made.
      sbCampaign.budget = Number((sbCampaign.budget + 1.5).toFixed(2));
      const ledgerBefore = state.ledger.length;

      const accepted = (
        await bff.http
          .post('/api/apply')
          .send({ ids: [keywordBid.id, sdBudget.id, drifting.id] })
          .expect(202)
      ).body as { batchId: string };
      await bff.runtime.apply.createWorker().sweep();
      expect([keyword.bid, sdCampaign.budget]).toEqual([keywordBid.action.to, sdBudget.action.to]);
      expect(
        state.ledger
          .slice(ledgerBefore)
          .map((e) => e.api)
          .sort(),
      ).toEqual(['sb.keywords.update', 'sd.campaigns.update']);
      expect((await bff.http.get(`/api/recommendations/${drifting.id}`).expect(200)).body.status).toBe('drifted');

      await bff.http.post('/api/undo').send({ batchId: accepted.batchId }).expect(202);
      await bff.runtime.apply.createWorker().sweep();
      expect({ bid: keyword.bid, budget: sdCampaign.budget }).toEqual(before);
      expect(sbsdRequestProblems(state.requestLog)).toEqual([]);
    },
    SP_TEST_TIMEOUT_MS,
  );
});
