import { DEFAULT_CREDENTIALS } from '@recdesk/ads-simulator/state';
import type { RecommendationPage, SyncSummary } from '@recdesk/shared-types';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { databaseTargets } from '../../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../../testing/test-runtime.ts';
import { BM_MEDIA_TYPE } from './bm-api.ts';

// PGlite starts slowly on a loaded machine; these tests make real HTTP calls to the simulator and many queries.
vi.setConfig({ testTimeout: 120_000 });

async function brandItems(bff: TestBff) {
  const page: RecommendationPage = (await bff.http.get('/api/recommendations').query({ source: 'brand-metrics', limit: 500 }).expect(200))
    .body;
  return page.items;
}

describe.each(databaseTargets)('Brand Metrics sync on $name', ({ create }) => {
  let bff: TestBff | undefined;
  afterEach(async () => {
    await bff?.close();
    bff = undefined;
  });

  it.each(['CSV', 'JSON'])(
    'creates, polls and downloads a %s report per profile; keeps metrics per brand and brand-level insights',
    async (format) => {
      bff = await startTestBff(await create(), { BRAND_METRICS_REPORT_FORMAT: format, BRAND_METRICS_POLL_INTERVAL_MS: '1' });
      const state = bff.runtime.simulator?.state;
      if (!state) throw new Error('no simulator');
      state.brandMetricsPendingPolls = 2;
      const summary: SyncSummary = (await bff.http.post('/api/sync?source=brand-metrics').expect(200)).body;
      const withNtb = state.brandMetrics.filter((r) => r.metrics.newToBrandCustomerRate !== 'N/A').length;
      const withConversion = state.brandMetrics.filter((r) => r.metrics.customerConversionRate !== 'N/A').length;
      expect(summary.sources[0]).toMatchObject({
        source: 'brand-metrics',
        status: 'succeeded',
        quarantined: 0,
        stored: withNtb + withConversion,
      });

      const creates = state.requestLog.filter((r) => r.method === 'POST' && r.path.endsWith('/insights/brandMetrics/report'));
      expect(creates).toHaveLength(state.world.profiles.length);
      for (const call of creates) {
        expect(call.headers).toMatchObject({
          'content-type': BM_MEDIA_TYPE,
          accept: BM_MEDIA_TYPE,
          'amazon-advertising-api-clientid': DEFAULT_CREDENTIALS.clientId,
        });
        expect(call.headers['amazon-advertising-api-scope']).toMatch(/^\d+$/);
      }
      // Two IN_PROGRESS answers, then SUCCESSFUL: three polls per report.
      const polls = state.requestLog.filter((r) => r.method === 'GET' && r.path.includes('/insights/brandMetrics/report/'));
      expect(polls).toHaveLength(3 * state.world.profiles.length);
      const downloads = state.requestLog.filter((r) => r.path.startsWith('/_files/brand-metrics/'));
      expect(downloads).toHaveLength(state.world.profiles.length);
      for (const download of downloads) expect(download.headers).not.toHaveProperty('authorization');

      const items = await brandItems(bff);
      expect(items.length).toBe(withNtb + withConversion);
      for (const item of items) expect(item).toMatchObject({ applicable: false, entity: { level: 'brand' }, action: { type: 'insight' } });
      expect(new Set(items.map((i) => i.kind))).toEqual(new Set(['audience', 'strategic']));

      // The metrics themselves, per advertiser and brand, for rules: strings read as numbers, N/A as null.
      const profile = state.world.profiles[0];
      if (!profile) throw new Error('no profile');
      const latest = await bff.runtime.brandMetrics.latestFor(profile.advertiser.entityId, profile.advertiser.brand);
      const records = state.brandMetrics.filter(
        (r) =>
          r.metadata.brandName === profile.advertiser.brand &&
          state.world.profiles.some((p) => p.profileId === r.profileId && p.advertiser === profile.advertiser),
      );
      expect(latest).toHaveLength(records.length);
      const record = records.find((r) => r.profileId === profile.profileId);
      const snapshot = latest.find(
        (s) => s.profileId === String(profile.profileId) && s.categoryNodeName === record?.metadata.categoryNodeName,
      );
      expect(snapshot).toMatchObject({
        brandName: profile.advertiser.brand,
        computedOn: record?.metadata.metricsComputationDate,
        newToBrandCustomerRate: Number(record?.metrics.newToBrandCustomerRate),
        customerConversionRate: Number(record?.metrics.customerConversionRate),
      });
      const sns = record?.metrics.totalSnSCustomers;
      expect(snapshot?.metrics.totalSnSCustomers).toBe(sns === 'N/A' ? null : Number(sns));
    },
  );

  it('quarantines a record with a metric that is not a number and keeps the others', async () => {
    bff = await startTestBff(await create(), { BRAND_METRICS_POLL_INTERVAL_MS: '1' });
    const state = bff.runtime.simulator?.state;
    const record = state?.brandMetrics[0];
    if (!state || !record) throw new Error('no brand metrics');
    record.metrics.addToCarts = 'twelve';
    const summary: SyncSummary = (await bff.http.post('/api/sync?source=brand-metrics').expect(200)).body;
    expect(summary.sources[0]).toMatchObject({ status: 'succeeded', quarantined: 1 });
    const quarantine = (await bff.http.get('/api/sources/brand-metrics/quarantine').expect(200)).body;
    expect(quarantine.items).toEqual([expect.objectContaining({ reason: "metrics.addToCarts: 'twelve' is not a number" })]);
    expect((await brandItems(bff)).length).toBeGreaterThan(0);
  });

  it('reports a profile whose report fails and still reads the others', async () => {
    bff = await startTestBff(await create(), { BRAND_METRICS_POLL_INTERVAL_MS: '1' });
    const state = bff.runtime.simulator?.state;
    if (!state) throw new Error('no simulator');
    const failing = state.world.profiles[1];
    state.brandMetrics = state.brandMetrics.filter((r) => r.profileId !== failing?.profileId);
    state.brandMetricsReports.clear();
    const { http, HttpResponse } = await import('msw');
    bff.runtime.simulator?.use(
      http.get('*/insights/brandMetrics/report/:id', ({ request }) =>
        request.headers.get('amazon-advertising-api-scope') === String(failing?.profileId)
          ? HttpResponse.json({ reportId: 'x', status: 'FAILED', statusDetails: 'Brand not eligible', format: 'CSV', expiration: 0 })
          : undefined,
      ),
    );
    const summary: SyncSummary = (await bff.http.post('/api/sync?source=brand-metrics').expect(200)).body;
    expect(summary.sources[0]).toMatchObject({
      status: 'partial',
      errors: [expect.stringContaining(`profile ${failing?.profileId}: Brand Metrics report x failed: Brand not eligible`)],
    });
    expect(summary.sources[0]?.stored).toBeGreaterThan(0);
  });
});
