/**
 * Sponsored Brands and Sponsored Display end to end against the simulator: the first sync files budget, bid,
 * targeting and headline items with names and live values joined, every SB / SD request RecDesk sends conforms to the
 * published documents, and headlines are shown as "apply in Amazon Ads" with the text to paste and are never
 * approvable. Applying them: apply/sbsd-apply.int.test.ts.
 */
import type { SimulatorState } from '@recdesk/ads-simulator/state';
import { sbsdRequestProblems } from '@recdesk/ads-simulator/testing/sbsd-spec-check';
import type { ActionableRecommendation, SyncSummary } from '@recdesk/shared-types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../../testing/test-runtime.ts';
import { FAST_CLIENT, itemsOf, SP_TEST_TIMEOUT_MS } from '../shared/sp-test-helpers.ts';

describe.each(databaseTargets)('SB and SD recommendations on $name', ({ create }) => {
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
      expect(summary.sources[0]).toMatchObject({ source, status: 'succeeded', quarantined: 0 });
    }
  }

  it(
    'files budget, bid, targeting and headline items with names and live values, over conforming requests',
    async () => {
      await sync();
      const sb = (await itemsOf(bff, 'sb-recommendations')) as ActionableRecommendation[];
      const sd = (await itemsOf(bff, 'sd-recommendations')) as ActionableRecommendation[];
      expect(new Set(sb.map((i) => i.kind))).toEqual(new Set(['budget', 'bid', 'targeting', 'creative']));
      expect(new Set(sd.map((i) => i.kind))).toEqual(new Set(['budget', 'bid', 'audience', 'targeting', 'creative']));

      const budget = sb.find((i) => i.kind === 'budget');
      const campaign = state.sbsd.sbCampaigns.find((c) => c.campaignId === budget?.entity.campaignId);
      expect(budget).toMatchObject({
        entity: { level: 'campaign', campaignName: campaign?.name, asin: campaign?.asins[0] },
        action: { type: 'set-budget', from: campaign?.budget },
      });
      expect(budget?.title).toContain(campaign?.name);
      const bid = sd.find((i) => i.kind === 'bid');
      const target = state.sbsd.sdTargets.find((t) => t.targetId === bid?.entity.targetId);
      expect(bid).toMatchObject({ entity: { level: 'target' }, action: { type: 'set-bid', from: target?.bid } });

      // Headlines: the text to paste, never an automatic change.
      for (const headline of [...sb, ...sd].filter((i) => i.kind === 'creative')) {
        expect(headline.description).toContain(`“${headline.action.to}”`);
        expect(headline.actions.approve).toMatchObject({
          allowed: false,
          reason: 'no_writer',
          link: expect.stringContaining('advertising.amazon.com'),
        });
        expect(headline.actions.approve.message).toContain(String(headline.action.to));
      }
      const sbHeadline = sb.find((i) => i.kind === 'creative');
      expect(sbHeadline?.action.from).toBe(state.sbsd.sbCampaigns.find((c) => c.campaignId === sbHeadline?.entity.campaignId)?.headline);

      // The status page lists both sources with their freshness.
      const sources = (await bff.http.get('/api/sources').expect(200)).body as { sources: { source: string; freshness: string }[] };
      for (const source of ['sb-recommendations', 'sd-recommendations'])
        expect(sources.sources.find((s) => s.source === source)).toMatchObject({ freshness: 'fresh' });

      // The queue filters by ad product: SD's items, and only them.
      const sdOnly = (await bff.http.get('/api/recommendations').query({ adProduct: 'SD', limit: 500 }).expect(200)).body as {
        items: ActionableRecommendation[];
        total: number;
      };
      expect([sdOnly.total, new Set(sdOnly.items.map((i) => i.source))]).toEqual([sd.length, new Set(['sd-recommendations'])]);

      const sent = state.requestLog.filter((r) => /\/s[bd]\//.test(r.path));
      expect(sent.length).toBeGreaterThan(10);
      expect(sbsdRequestProblems(state.requestLog)).toEqual([]);
    },
    SP_TEST_TIMEOUT_MS,
  );
});
