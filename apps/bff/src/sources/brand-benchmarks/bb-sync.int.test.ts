import { DEFAULT_CREDENTIALS } from '@recdesk/ads-simulator/state';
import type { ActionableRecommendation, RecommendationPage, SyncSummary } from '@recdesk/shared-types';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { databaseTargets } from '../../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../../testing/test-runtime.ts';

vi.setConfig({ testTimeout: 120_000 });

async function benchmarkItems(bff: TestBff): Promise<ActionableRecommendation[]> {
  const page: RecommendationPage = (
    await bff.http.get('/api/recommendations').query({ source: 'brand-benchmarks', limit: 500 }).expect(200)
  ).body;
  return page.items as ActionableRecommendation[];
}

interface Benchmark {
  key: string;
  value: number;
  p25: number;
  p50: number;
  p75: number;
  p90: number;
}

describe.each(databaseTargets)('Brand Benchmarks sync on $name', ({ create }) => {
  let bff: TestBff | undefined;
  afterEach(async () => {
    await bff?.close();
    bff = undefined;
  });

  it('reads each advertiser’s latest Brand Report with the manager account and places its brand in each category, as Brand Metrics does', async () => {
    bff = await startTestBff(await create());
    const state = bff.runtime.simulator?.state;
    if (!state) throw new Error('no simulator');
    const summary: SyncSummary = (await bff.http.post('/api/sync?source=brand-benchmarks').expect(200)).body;
    // One report per advertiser (its home marketplace, the first profile), one item per category it sells in there.
    const firstOf = new Map<string, (typeof state.world.profiles)[number]>();
    for (const p of state.world.profiles) if (!firstOf.has(p.advertiser.entityId)) firstOf.set(p.advertiser.entityId, p);
    const expected = [...firstOf.values()].flatMap((p) => state.brandMetrics.filter((r) => r.profileId === p.profileId));
    expect(summary.sources[0]).toMatchObject({ source: 'brand-benchmarks', status: 'succeeded', quarantined: 0, stored: expected.length });
    const calls = state.requestLog.filter((r) => r.path.includes('/insights/brandBenchmarks/'));
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) {
      expect(call.headers['amazon-advertising-api-manager-account']).toBe(DEFAULT_CREDENTIALS.partnerAccountId);
      expect(call.headers['amazon-advertising-api-scope']).toBeUndefined();
      expect(call.headers.accept).toBe('application/json');
    }
    // The latest index date only, never the week before.
    const latest = state.brandMetrics[0]?.metadata.metricsComputationDate;
    expect(calls.filter((c) => c.path.includes('/reports/')).every((c) => c.path.endsWith(`/ZIP_BRAND/indexDates/${latest}`))).toBe(true);
    const items = await benchmarkItems(bff);
    expect(items).toHaveLength(expected.length);
    for (const record of expected) {
      const item = items.find(
        (i) => i.profileId === String(record.profileId) && i.title.includes(` in ${record.metadata.categoryNodeName}: `),
      );
      expect(item).toMatchObject({ kind: 'strategic', goal: 'strategic', applicable: false, freshness: 'fresh' });
      expect(item?.actions.approve.allowed).toBe(false);
      expect(item?.expiresAt).not.toBeNull();
      const detail = (await bff.http.get(`/api/recommendations/${item?.id}`).expect(200)).body as { raw: { benchmarks: Benchmark[] } };
      const ntb = detail.raw.benchmarks.find((b) => b.key === 'newToBrandCustomerRate');
      // Coherent with Brand Metrics: the brand's value and its category median are the same numbers.
      expect(ntb?.value).toBeCloseTo(Number(record.metrics.newToBrandCustomerRate), 4);
      expect(ntb?.p50).toBeCloseTo(Number(record.metrics.newToBrandCustomerRateCategoryMedian), 4);
      expect(ntb && ntb.p25 <= ntb.p50 && ntb.p50 <= ntb.p75 && ntb.p75 <= ntb.p90).toBe(true);
    }
    // The next week's sync replaces, never piles up.
    await bff.http.post('/api/sync?source=brand-benchmarks').expect(200);
    expect(await benchmarkItems(bff)).toHaveLength(expected.length);
  });

  it('quarantines a malformed row, folds a row listed twice, and skips an advertiser Brand View Pro does not know', async () => {
    bff = await startTestBff(await create());
    const state = bff.runtime.simulator?.state;
    if (!state) throw new Error('no simulator');
    const profile = state.world.profiles[0];
    if (!profile) throw new Error('no profile');
    const other = state.world.profiles.find((p) => p.advertiser.entityId !== profile.advertiser.entityId);
    const { brandReportCsv } = await import('@recdesk/ads-simulator/brand-benchmarks');
    const { zip } = await import('@recdesk/ads-simulator/zip');
    const { http, HttpResponse } = await import('msw');
    bff.runtime.simulator?.use(
      http.get('*/_files/brand-benchmarks/:code/:marketplace/:file', ({ params }) => {
        if (params.code !== profile.advertiser.entityId) return undefined;
        const csv = brandReportCsv(state, String(params.code), String(params.marketplace), String(params.file).replace(/\.zip$/, ''));
        const [header, firstRow, ...rest] = csv.trimEnd().split('\n');
        const broken = (firstRow as string).replace(/,Absolute,([^,]+),/, ',Absolute,lots,');
        const body = [header, firstRow, firstRow, broken, ...rest].join('\n');
        return new HttpResponse(zip([{ name: 'brand_report.csv', data: Buffer.from(body) }]), {
          headers: { 'content-type': 'application/zip' },
        });
      }),
      http.get('*/insights/brandBenchmarks/advertisers/:code/allReportMetadata', ({ params }) =>
        params.code === other?.advertiser.entityId
          ? HttpResponse.json({ code: 'NOT_FOUND', details: 'unknown advertiser' }, { status: 404 })
          : undefined,
      ),
    );
    const summary: SyncSummary = (await bff.http.post('/api/sync?source=brand-benchmarks').expect(200)).body;
    expect(summary.sources[0]).toMatchObject({ status: 'succeeded', quarantined: 1 });
    const items = await benchmarkItems(bff);
    expect(items.some((i) => i.advertiserId === profile.advertiser.entityId)).toBe(true);
    expect(items.some((i) => i.advertiserId === other?.advertiser.entityId)).toBe(false);
  });
});
