/**
 * Cross-product conflicts on the simulated world, after ingestion: the SP consolidated budget cuts meet the SB / SD
 * budget raises and SD audience expansions of the same advertiser and marketplace, and every such conflict pairs an SP
 * cut with SB / SD items of the same profile, never of another.
 */
import type { SimulatorState } from '@recdesk/ads-simulator/state';
import type { ConflictWithMembers } from '@recdesk/shared-types';
import { adProductOf } from '@recdesk/shared-types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAST_CLIENT, SP_TEST_TIMEOUT_MS } from '../sources/shared/sp-test-helpers.ts';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';

describe.each(databaseTargets)('cross-product conflicts on $name', ({ create }) => {
  let bff: TestBff;
  beforeEach(async () => {
    bff = await startTestBff(await create(), FAST_CLIENT);
  }, SP_TEST_TIMEOUT_MS);
  afterEach(async () => {
    await bff.close();
  }, SP_TEST_TIMEOUT_MS);

  it(
    'finds SB / SD raises and SD audience expansion against SP budget cuts of the same profile, with explanations',
    async () => {
      // The day's SP budget cuts follow the performance model; one more is made sure of, on a profile with SB and SD.
      const state = bff.runtime.simulator?.state as SimulatorState;
      const sd = state.sbsd.sdCampaigns[0];
      const sp = state.world.campaigns.find((c) => c.campaignId === sd?.spCampaignId);
      if (!sd || !sp) throw new Error('no SD campaign beside an SP one');
      const recommendations = state.sp.consolidated.get(sp.profileId) ?? [];
      state.sp.consolidated.set(sp.profileId, [
        ...recommendations.filter((r) => r.campaignId !== sp.campaignId),
        { campaignId: sp.campaignId, budgetRecommendation: { action: 'DECREASE', suggestedBudget: Math.max(1, sp.dailyBudget / 2) } },
      ]);
      for (const source of ['sp-consolidated', 'sb-recommendations', 'sd-recommendations'])
        await bff.http.post(`/api/sync?source=${source}`).expect(200);
      const { items } = (await bff.http.get('/api/conflicts').query({ status: 'open', limit: 200 }).expect(200)).body as {
        items: ConflictWithMembers[];
      };
      const across = items.filter((c) => c.kind === 'cross_product_budget' || c.kind === 'audience_expansion_during_budget_cut');
      expect(new Set(across.map((c) => c.kind))).toEqual(new Set(['cross_product_budget', 'audience_expansion_during_budget_cut']));
      for (const conflict of across) {
        const [cut, ...others] = [...conflict.members].sort((a, b) =>
          adProductOf(a.source) === 'SP' ? -1 : adProductOf(b.source) === 'SP' ? 1 : 0,
        );
        expect(cut && adProductOf(cut.source)).toBe('SP');
        expect(cut?.action).toMatchObject({ type: 'set-budget', direction: 'decrease' });
        for (const other of others) {
          expect(['SB', 'SD']).toContain(adProductOf(other.source));
          expect(other.profileId).toBe(cut?.profileId);
        }
        expect(conflict.explanation).toMatch(/^Sponsored Products budget cut .* on Campaign /);
        expect(conflict.suggestedResolution.length).toBeGreaterThan(20);
      }
    },
    SP_TEST_TIMEOUT_MS,
  );
});
