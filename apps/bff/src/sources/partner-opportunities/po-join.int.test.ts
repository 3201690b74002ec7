import type { SyncSummary } from '@recdesk/shared-types';
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../../testing/test-runtime.ts';
import { FAST_CLIENT, itemsOf, SP_TEST_TIMEOUT_MS } from '../shared/sp-test-helpers.ts';

describe.each(databaseTargets)('Partner Opportunities joined with SP names on $name', ({ create }) => {
  let bff: TestBff | undefined;
  afterEach(async () => {
    await bff?.close();
    bff = undefined;
  }, SP_TEST_TIMEOUT_MS);

  it(
    'fills campaign and ad group names, portfolio and the current budget from the SP list endpoints',
    async () => {
      bff = await startTestBff(await create(), FAST_CLIENT);
      const state = bff.runtime.simulator?.state;
      if (!state) throw new Error('no simulator');
      const summary: SyncSummary = (await bff.http.post('/api/sync?source=partner-opportunities').expect(200)).body;
      expect(summary.sources[0]).toMatchObject({ status: 'succeeded', quarantined: 0 });
      const items = await itemsOf(bff, 'partner-opportunities');
      const row = state.opportunities.flatMap((o) => o.rows).find((r) => r.recommendationType === 'CAMPAIGN_BUDGET');
      const campaign = state.world.campaigns.find((c) => c.campaignId === row?.encryptedCampaignId);
      if (!row || !campaign) throw new Error('a budget row of a simulated campaign');
      const item = items.find((i) => i.sourceRecommendationId === row.recommendationId);
      expect(item).toMatchObject({
        entity: { campaignId: campaign.campaignId, campaignName: campaign.name, portfolioId: campaign.portfolioId },
        title: expect.stringMatching(new RegExp(`^${campaign.name.replace(/[|]/g, '\\|')}: `)),
      });
      expect(item?.action.from).not.toBeNull();
      const withAdGroup = items.find((i) => i.entity.adGroupId);
      if (withAdGroup) {
        const adGroup = state.world.adGroups.find((g) => g.adGroupId === withAdGroup.entity.adGroupId);
        expect(withAdGroup.entity.adGroupName).toBe(adGroup?.name);
      }
      const lists = state.requestLog.filter((r) => r.path.endsWith('/sp/campaigns/list'));
      expect(lists.length).toBeGreaterThan(0);
      const scopes = new Set(state.opportunities.flatMap((o) => o.rows).map((r) => r.profileId));
      for (const list of lists) expect(scopes.has(list.headers['amazon-advertising-api-scope'])).toBe(true);
    },
    SP_TEST_TIMEOUT_MS,
  );

  it(
    'goes on without names when the list endpoints fail',
    async () => {
      bff = await startTestBff(await create(), { ...FAST_CLIENT, ADS_RETRY_MAX_ATTEMPTS: '1' });
      const simulator = bff.runtime.simulator;
      if (!simulator) throw new Error('no simulator');
      simulator.use(
        http.post('*/sp/:entity/list', () => HttpResponse.json({ code: 'ACCESS_DENIED', message: 'no SP access' }, { status: 403 })),
      );
      const summary: SyncSummary = (await bff.http.post('/api/sync?source=partner-opportunities').expect(200)).body;
      const rows = simulator.state.opportunities.reduce((sum, o) => sum + o.rows.length, 0);
      expect(summary.sources[0]).toMatchObject({ status: 'succeeded', stored: rows });
      const items = await itemsOf(bff, 'partner-opportunities');
      expect(items.every((i) => i.entity.campaignName === null)).toBe(true);
    },
    SP_TEST_TIMEOUT_MS,
  );
});
