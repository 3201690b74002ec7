import type { SyncSummary } from '@recdesk/shared-types';
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../../testing/test-runtime.ts';
import { FAST_CLIENT, itemsOf, SP_TEST_TIMEOUT_MS } from '../shared/sp-test-helpers.ts';

describe.each(databaseTargets)('SP budget recommendations on $name', ({ create }) => {
  let bff: TestBff | undefined;
  afterEach(async () => {
    await bff?.close();
    bff = undefined;
  }, SP_TEST_TIMEOUT_MS);

  it(
    'asks about every live campaign in batches of at most 100 and stores the changes with names and budgets',
    async () => {
      bff = await startTestBff(await create(), { ...FAST_CLIENT, ADS_REGIONS: 'NA' });
      const state = bff.runtime.simulator?.state;
      if (!state) throw new Error('no simulator');
      // Enough campaigns in one profile to need two batches.
      const profile = state.world.profiles.find((p) => p.marketplace.region === 'NA');
      const template = state.world.campaigns.find((c) => c.profileId === profile?.profileId);
      const budgetTemplate = template && state.sp.budgets.get(template.campaignId);
      if (!profile || !template || !budgetTemplate) throw new Error('no NA profile');
      for (let n = 0; n < 120; n++) {
        const campaignId = String(900_000_000_000 + n);
        state.world.campaigns.push({ ...template, campaignId, name: `Bulk campaign ${n}`, dailyBudget: 20 });
        state.sp.budgets.set(campaignId, { ...budgetTemplate, campaignId, suggestedBudget: 30 + n });
      }
      const summary: SyncSummary = (await bff.http.post('/api/sync?source=sp-budget').expect(200)).body;
      expect(summary.sources[0]).toMatchObject({ source: 'sp-budget', status: 'succeeded', quarantined: 0 });

      const calls = state.requestLog.filter((r) => r.path.endsWith('/sp/campaigns/budgetRecommendations'));
      const scopes = calls.map((c) => c.headers['amazon-advertising-api-scope']);
      expect(scopes.filter((s) => s === String(profile.profileId))).toHaveLength(2);
      for (const call of calls) {
        expect(call.headers['content-type']).toBe('application/vnd.budgetrecommendation.v3+json');
        expect(call.headers.accept).toBe('application/vnd.budgetrecommendation.v3+json');
      }

      const items = await itemsOf(bff, 'sp-budget');
      const naCampaigns = state.world.campaigns.filter(
        (c) => state.world.profiles.find((p) => p.profileId === c.profileId)?.marketplace.region === 'NA',
      );
      const changing = naCampaigns.filter(
        (c) => c.state !== 'ARCHIVED' && state.sp.budgets.get(c.campaignId)?.suggestedBudget !== c.dailyBudget,
      );
      expect(items).toHaveLength(changing.length);
      const bulk = items.find((i) => i.entity.campaignName === 'Bulk campaign 7');
      expect(bulk).toMatchObject({
        sourceRecommendationId: '900000000007',
        kind: 'budget',
        action: { type: 'set-budget', from: 20, to: 37, currency: 'USD', direction: 'increase' },
        title: 'Bulk campaign 7: daily budget 20.00 → 37.00 USD',
      });
      expect(bulk?.estimatedImpact.map((e) => e.metric)).toEqual(expect.arrayContaining(['missed clicks', 'missed impressions']));
    },
    SP_TEST_TIMEOUT_MS,
  );

  it(
    'quarantines a malformed success item, logs error items and keeps the rest',
    async () => {
      bff = await startTestBff(await create(), FAST_CLIENT);
      const simulator = bff.runtime.simulator;
      if (!simulator) throw new Error('no simulator');
      simulator.use(
        http.post('*/sp/campaigns/budgetRecommendations', async ({ request }) => {
          const { campaignIds } = (await request.json()) as { campaignIds: string[] };
          return HttpResponse.json(
            {
              budgetRecommendationsSuccessResults: [
                {
                  index: 0,
                  campaignId: campaignIds[0],
                  suggestedBudget: 99,
                  sevenDaysMissedOpportunities: { startDate: '20261116', endDate: '20261123', percentTimeInBudget: 0.5 },
                  budgetRuleRecommendation: {},
                },
                { index: 1, campaignId: campaignIds[1], suggestedBudget: 'ninety' },
              ],
              budgetRecommendationsErrorResults: campaignIds.slice(2).map((campaignId, i) => ({
                index: i + 2,
                campaignId,
                Error: { code: '404', details: 'not found' },
              })),
            },
            { headers: { 'content-type': 'application/vnd.budgetrecommendation.v3+json' } },
          );
        }),
      );
      const summary: SyncSummary = (await bff.http.post('/api/sync?source=sp-budget').expect(200)).body;
      const profiles = bff.runtime.simulator?.state.world.profiles.length ?? 0;
      expect(summary.sources[0]).toMatchObject({ status: 'succeeded', quarantined: profiles, stored: profiles });
      const [reason] = (await bff.runtime.quarantine.list('sp-budget')).map((q) => q.reason);
      expect(reason).toMatch(/suggestedBudget/);
      const items = await itemsOf(bff, 'sp-budget');
      expect(items.every((i) => i.action.to === 99 && i.generatedAt === '2026-11-23T00:00:00.000Z')).toBe(true);
    },
    SP_TEST_TIMEOUT_MS,
  );
});
