import type { SyncSummary } from '@recdesk/shared-types';
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../../testing/test-runtime.ts';
import { FAST_CLIENT, itemsOf, SP_TEST_TIMEOUT_MS } from '../shared/sp-test-helpers.ts';

describe.each(databaseTargets)('SP theme-based bid recommendations on $name', ({ create }) => {
  let bff: TestBff | undefined;
  afterEach(async () => {
    await bff?.close();
    bff = undefined;
  }, SP_TEST_TIMEOUT_MS);

  it(
    'asks per existing ad group with its keywords and targeting groups and joins the current bids',
    async () => {
      bff = await startTestBff(await create(), FAST_CLIENT);
      const state = bff.runtime.simulator?.state;
      if (!state) throw new Error('no simulator');
      const summary: SyncSummary = (await bff.http.post('/api/sync?source=sp-theme-bids').expect(200)).body;
      expect(summary.sources[0]).toMatchObject({ source: 'sp-theme-bids', status: 'succeeded', quarantined: 0 });
      expect(summary.sources[0]?.stored).toBeGreaterThan(0);

      const calls = state.requestLog.filter((r) => r.path.endsWith('/sp/targets/bid/recommendations'));
      const enabledAdGroups = state.world.adGroups.filter(
        (g) => g.state === 'ENABLED' && state.world.campaigns.find((c) => c.campaignId === g.campaignId)?.state === 'ENABLED',
      );
      expect(calls).toHaveLength(enabledAdGroups.length);
      for (const call of calls) {
        expect(call.headers['content-type']).toBe('application/vnd.spthemebasedbidrecommendation.v3+json');
        expect(call.headers.accept).toBe('application/vnd.spthemebasedbidrecommendation.v3+json');
        expect(call.headers['amazon-advertising-api-scope']).toMatch(/^\d+$/);
      }

      const items = await itemsOf(bff, 'sp-theme-bids');
      const keywordItem = items.find((i) => i.entity.level === 'keyword');
      const keyword = state.world.keywords.find((k) => k.keywordId === keywordItem?.entity.targetId);
      const adGroup = state.world.adGroups.find((g) => g.adGroupId === keyword?.adGroupId);
      const campaign = state.world.campaigns.find((c) => c.campaignId === keyword?.campaignId);
      if (!keyword || !adGroup || !campaign) throw new Error('a keyword bid recommendation joins its keyword');
      expect(keywordItem).toMatchObject({
        kind: 'bid',
        entity: { campaignName: campaign.name, adGroupName: adGroup.name, targetText: keyword.keywordText, matchType: keyword.matchType },
        action: { type: 'set-bid', from: keyword.bid },
      });
      expect(keywordItem?.estimatedImpact.map((e) => e.metric)).toEqual(['clicks', 'orders']);
      const autoItem = items.find((i) => i.entity.level === 'target');
      const target = state.world.targets.find((t) => t.targetId === autoItem?.entity.targetId);
      expect(autoItem?.action.from).toBe(target?.bid);
    },
    SP_TEST_TIMEOUT_MS,
  );

  it(
    'keeps an unknown theme, quarantines a malformed expression and stores the rest',
    async () => {
      bff = await startTestBff(await create(), FAST_CLIENT);
      const simulator = bff.runtime.simulator;
      if (!simulator) throw new Error('no simulator');
      simulator.use(
        http.post('*/sp/targets/bid/recommendations', async ({ request }) => {
          const body = (await request.json()) as { targetingExpressions: { type: string; value?: string }[] };
          const [first, second] = body.targetingExpressions;
          return HttpResponse.json({
            bidRecommendations: [
              {
                theme: 'SUPER_BOWL_WEEK',
                impactMetrics: null,
                bidRecommendationsForTargetingExpressions: [
                  { targetingExpression: first, bidValues: [{ suggestedBid: 0.5 }, { suggestedBid: 3.21 }, { suggestedBid: 4 }] },
                  ...(second ? [{ targetingExpression: second, bidValues: [{ suggestedBid: -1 }] }] : []),
                ],
              },
            ],
          });
        }),
      );
      const summary: SyncSummary = (await bff.http.post('/api/sync?source=sp-theme-bids').expect(200)).body;
      expect(summary.sources[0]?.status).toBe('succeeded');
      expect(summary.sources[0]?.quarantined).toBeGreaterThan(0);
      expect(summary.sources[0]?.stored).toBeGreaterThan(0);
      const items = await itemsOf(bff, 'sp-theme-bids');
      expect(items.every((i) => i.sourceType === 'SUPER_BOWL_WEEK' && i.action.to === 3.21 && i.title.includes('SUPER_BOWL_WEEK'))).toBe(
        true,
      );
      const reasons = (await bff.runtime.quarantine.list('sp-theme-bids')).map((q) => q.reason);
      expect(reasons[0]).toMatch(/suggestedBid/);
    },
    SP_TEST_TIMEOUT_MS,
  );
});
