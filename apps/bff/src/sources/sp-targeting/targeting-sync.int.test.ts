import type { SyncSummary } from '@recdesk/shared-types';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../../testing/test-runtime.ts';
import { FAST_CLIENT, itemsOf, SP_TEST_TIMEOUT_MS } from '../shared/sp-test-helpers.ts';

describe.each(databaseTargets)('SP keyword and product targeting recommendations on $name', ({ create }) => {
  let bff: TestBff | undefined;
  afterEach(async () => {
    await bff?.close();
    bff = undefined;
  }, SP_TEST_TIMEOUT_MS);

  it(
    'stores keyword and product suggestions the ad group does not target yet, with names joined',
    async () => {
      bff = await startTestBff(await create(), FAST_CLIENT);
      const state = bff.runtime.simulator?.state;
      if (!state) throw new Error('no simulator');
      const summary: SyncSummary = (await bff.http.post('/api/sync?source=sp-targeting').expect(200)).body;
      expect(summary.sources[0]).toMatchObject({ source: 'sp-targeting', status: 'succeeded', quarantined: 0 });

      const keywordCalls = state.requestLog.filter((r) => r.path.endsWith('/sp/targets/keywords/recommendations'));
      const productCalls = state.requestLog.filter((r) => r.path.endsWith('/sp/targets/products/recommendations'));
      expect(keywordCalls.length).toBeGreaterThan(0);
      expect(productCalls.length).toBeGreaterThan(0);
      for (const call of keywordCalls) {
        expect(call.headers['content-type']).toBe('application/vnd.spkeywordsrecommendation.v4+json');
        expect(call.headers.accept).toBe('application/vnd.spkeywordsrecommendation.v4+json');
      }
      for (const call of productCalls) {
        expect(call.headers['content-type']).toBe('application/vnd.spproductrecommendation.v3+json');
        expect(call.headers.accept).toBe('application/vnd.spproductrecommendationresponse.asins.v3+json');
      }
      expect(
        state.requestLog.some((r) => r.path.endsWith('/sp/productAds/list') && r.headers.accept === 'application/vnd.spProductAd.v3+json'),
      ).toBe(true);

      const items = await itemsOf(bff, 'sp-targeting');
      const keywords = items.filter((i) => i.action.type === 'add-keyword');
      const products = items.filter((i) => i.action.type === 'add-target');
      expect(keywords.length).toBeGreaterThan(0);
      expect(products.length).toBeGreaterThan(0);
      expect(items.every((i) => i.kind === 'targeting' && i.goal === 'performance' && i.entity.campaignName && i.entity.adGroupName)).toBe(
        true,
      );
      // The keyword API ranks the ad group's own first keyword among its suggestions; it is not proposed again.
      for (const item of keywords) {
        const owned = state.world.keywords.some(
          (k) =>
            k.adGroupId === item.entity.adGroupId &&
            k.matchType === item.entity.matchType &&
            k.keywordText.toLowerCase() === item.entity.targetText?.toLowerCase(),
        );
        expect(owned).toBe(false);
      }
      const product = products[0];
      expect(product?.action).toMatchObject({ to: `asin="${product?.entity.asin}"`, direction: 'add' });
    },
    SP_TEST_TIMEOUT_MS,
  );
});
