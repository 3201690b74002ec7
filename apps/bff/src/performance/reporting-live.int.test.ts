/**
 * Live mode against an independent reporting server (a small HTTP server written here from the Reporting v3 docs,
 * not the simulator), on PGlite and the PostgreSQL server: each report window is requested once (a second sync the
 * same day requests nothing), at most 31 days per request, with the documented headers; a 425 answer's report id is
 * reused instead of asking again; reports are polled with growing waits, downloaded (gzip JSON), validated (a
 * malformed row is quarantined and counted, the rest stored) and served by GET /api/performance.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { type PerformanceSyncResult, PerformanceSyncResultSchema } from '@recdesk/shared-types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SP_TEST_TIMEOUT_MS } from '../sources/shared/sp-test-helpers.ts';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';

interface CreateCall {
  headers: IncomingMessage['headers'];
  body: { startDate: string; endDate: string; configuration: { reportTypeId: string; columns: string[]; format: string } };
}

const PROFILE_ID = 4_400_000_001;
const CAMPAIGN_ID = 9_001;
const KEYWORD_ID = 7_001;
const EXISTING_REPORT = 'existing-report-0001';
const DAY_MS = 86_400_000;

function eachDay(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS)
    days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/** A reporting server that knows nothing of RecDesk: it records what it is asked and answers as the docs say. */
async function startReportingServer(today: string) {
  const creates: CreateCall[] = [];
  const polls = new Map<string, number[]>();
  const reports = new Map<string, CreateCall['body']>();
  let next = 0;
  const json = (res: ServerResponse, status: number, body: unknown, type = 'application/json') => {
    res.writeHead(status, { 'content-type': type });
    res.end(JSON.stringify(body));
  };
  const read = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const rowsOf = (body: CreateCall['body']) => {
    const days = eachDay(body.startDate, body.endDate);
    if (body.configuration.reportTypeId === 'spCampaigns') {
      return [
        ...days.map((date, i) => ({
          date,
          campaignId: CAMPAIGN_ID,
          campaignName: 'Live campaign',
          campaignBudgetAmount: 50,
          campaignBudgetCurrencyCode: 'USD',
          impressions: 10_000 + i,
          clicks: 40,
          cost: 48.5,
          sales14d: 160,
          purchases14d: 5,
        })),
        // Malformed: negative clicks. Quarantined, never stored, never fatal.
        { date: days[0], campaignId: CAMPAIGN_ID, impressions: 1, clicks: -3, cost: 1, sales14d: 0, purchases14d: 0 },
      ];
    }
    return days.map((date) => ({
      date,
      campaignId: CAMPAIGN_ID,
      adGroupId: 8_001,
      keywordId: KEYWORD_ID,
      keyword: 'live kettle',
      keywordType: 'EXACT',
      campaignBudgetCurrencyCode: 'USD',
      impressions: 2_000,
      clicks: 9,
      cost: 10.8,
      sales14d: 30,
      purchases14d: 1,
    }));
  };
  // The recent spTargeting window was asked for before (by another tool of the agency): the server knows it.
  const yesterday = new Date(Date.parse(`${today}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'POST' && url.pathname === '/auth/o2/token') {
      await read(req);
      return json(res, 200, { access_token: 'live-token', refresh_token: 'live-refresh', token_type: 'bearer', expires_in: 3600 });
    }
    if (req.headers.authorization !== 'Bearer live-token' && !url.pathname.startsWith('/files/'))
      return json(res, 401, { code: 'UNAUTHORIZED' });
    if (req.method === 'GET' && url.pathname === '/v2/profiles') {
      return json(res, 200, [
        {
          profileId: PROFILE_ID,
          countryCode: 'US',
          currencyCode: 'USD',
          timezone: 'America/Los_Angeles',
          accountInfo: { marketplaceStringId: 'ATVPDKIKX0DER', id: 'ENTITYLIVE0001', type: 'seller', name: 'Live Seller' },
        },
      ]);
    }
    if (req.method === 'POST' && url.pathname === '/reporting/reports') {
      const body = JSON.parse(await read(req)) as CreateCall['body'];
      creates.push({ headers: req.headers, body });
      if (body.configuration.reportTypeId === 'spTargeting' && body.endDate === yesterday) {
        reports.set(EXISTING_REPORT, body);
        return json(res, 425, { code: '425', detail: `The Request is a duplicate of : ${EXISTING_REPORT}` });
      }
      const reportId = `live-report-${++next}`;
      reports.set(reportId, body);
      return json(
        res,
        200,
        { reportId, status: 'PENDING', startDate: body.startDate, endDate: body.endDate },
        'application/vnd.createasyncreportresponse.v3+json',
      );
    }
    const status = /^\/reporting\/reports\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && status) {
      const reportId = decodeURIComponent(status[1] ?? '');
      const body = reports.get(reportId);
      if (!body) return json(res, 404, { code: '404', detail: 'Not Found' });
      const times = [...(polls.get(reportId) ?? []), Date.now()];
      polls.set(reportId, times);
      const done = times.length >= 3;
      return json(res, 200, {
        reportId,
        status: done ? 'COMPLETED' : times.length === 1 ? 'PENDING' : 'PROCESSING',
        url: done ? `http://${req.headers.host}/files/${reportId}.json.gz` : null,
        startDate: body.startDate,
        endDate: body.endDate,
      });
    }
    const file = /^\/files\/(.+)\.json\.gz$/.exec(url.pathname);
    if (req.method === 'GET' && file) {
      if (req.headers.authorization) return json(res, 400, { code: 'InvalidArgument' });
      const body = reports.get(file[1] ?? '');
      if (!body) return json(res, 404, { code: 'NoSuchKey' });
      res.writeHead(200, { 'content-type': 'application/x-gzip' });
      return res.end(gzipSync(JSON.stringify(rowsOf(body))));
    }
    return json(res, 404, { code: 'NOT_FOUND', details: `${req.method} ${url.pathname}` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    creates,
    polls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe.each(databaseTargets)('performance in live mode on $name', ({ create }) => {
  let bff: TestBff;
  let upstream: Awaited<ReturnType<typeof startReportingServer>>;
  const today = new Date().toISOString().slice(0, 10);

  beforeEach(async () => {
    upstream = await startReportingServer(today);
    bff = await startTestBff(await create(), {
      ADS_API_MODE: 'live',
      ADS_API_BASE_URL: upstream.url,
      ADS_LWA_TOKEN_URL: `${upstream.url}/auth/o2/token`,
      ADS_CLIENT_ID: 'live-client-id',
      ADS_CLIENT_SECRET: 'live-client-secret',
      ADS_REFRESH_TOKEN: 'live-refresh',
      ADS_PARTNER_ACCOUNT_ID: 'amzn1.ads1.ma1.live',
      ADS_REGIONS: 'NA',
      PERFORMANCE_SYNC_SCHEDULE: 'off',
      PERFORMANCE_LOOKBACK_DAYS: '40',
      PERFORMANCE_REPORT_POLL_INTERVAL_MS: '40',
      IMPACT_JOB_SCHEDULE: 'off',
    });
  }, SP_TEST_TIMEOUT_MS);
  afterEach(async () => {
    await bff?.close();
    await upstream?.close();
  });

  const sync = async (): Promise<PerformanceSyncResult> =>
    PerformanceSyncResultSchema.parse((await bff.http.post('/api/performance/sync').send({}).expect(200)).body);

  it(
    'requests each window once, reuses the id a 425 names, polls with backoff, downloads, validates and stores',
    async () => {
      expect(bff.runtime.simulator).toBeNull();
      await bff.http.get('/api/simulator/clock').expect(404);
      const first = await sync();
      expect(first.errors).toEqual([]);
      // 40 days: the last 31 and 9 older, for both report types; the recent targeting window answered 425.
      expect(upstream.creates).toHaveLength(4);
      expect(first).toMatchObject({
        profiles: 1,
        reportsRequested: 3,
        reportsReused: 1,
        reportsStored: 4,
        reportsFailed: 0,
        reportsPending: 0,
      });
      for (const call of upstream.creates) {
        expect(call.headers['amazon-advertising-api-scope']).toBe(String(PROFILE_ID));
        expect(call.headers['amazon-advertising-api-clientid']).toBe('live-client-id');
        expect(call.headers['content-type']).toContain('application/vnd.createasyncreportrequest.v3+json');
        expect(call.body.configuration.format).toBe('GZIP_JSON');
        expect(eachDay(call.body.startDate, call.body.endDate).length).toBeLessThanOrEqual(31);
      }
      // Polled until COMPLETED, three times each, the waits growing; the reused id was polled, never re-requested.
      expect(upstream.polls.get(EXISTING_REPORT)).toHaveLength(3);
      for (const [, times] of upstream.polls) {
        expect(times).toHaveLength(3);
        const [a = 0, b = 0, c = 0] = times;
        expect(b - a).toBeGreaterThanOrEqual(35);
        expect(c - b).toBeGreaterThanOrEqual(75);
      }
      const reports = await bff.runtime.db.selectFrom('performance_reports').selectAll().orderBy('start_date').execute();
      expect(reports.map((r) => r.status)).toEqual(['stored', 'stored', 'stored', 'stored']);
      expect(reports.filter((r) => r.upstream_report_id === EXISTING_REPORT)).toHaveLength(1);
      // One malformed row per campaign report: quarantined and counted, the others stored.
      expect(first.rowsQuarantined).toBe(2);
      expect(reports.filter((r) => r.report_type === 'spCampaigns').map((r) => r.rows_quarantined)).toEqual([1, 1]);
      expect(first.rowsStored).toBe(80);
      const quarantined = await bff.runtime.db
        .selectFrom('quarantine')
        .select(['reason'])
        .where('source', '=', 'performance-reports')
        .execute();
      expect(quarantined).toHaveLength(2);
      expect(quarantined[0]?.reason).toContain('malformed spCampaigns row');

      const series = (await bff.http.get(`/api/performance?entity=campaign:${CAMPAIGN_ID}`).expect(200)).body;
      expect(series.days).toHaveLength(40);
      expect(series.days[0]).toMatchObject({ clicks: 40, cost: 48.5, cpc: 1.2125, acos: 0.303125, budgetUtilization: 0.97 });
      const keyword = (await bff.http.get(`/api/performance?entity=keyword:${KEYWORD_ID}`).expect(200)).body;
      expect(keyword.days.at(-1)).toMatchObject({ clicks: 9, budgetUtilization: null });

      // Later the same day: nothing is requested again (and nothing polled: every report is stored).
      const pollsBefore = [...upstream.polls.values()].reduce((sum, t) => sum + t.length, 0);
      const again = await sync();
      expect(again).toMatchObject({ reportsRequested: 0, reportsReused: 0, reportsStored: 0 });
      expect(upstream.creates).toHaveLength(4);
      expect([...upstream.polls.values()].reduce((sum, t) => sum + t.length, 0)).toBe(pollsBefore);
    },
    SP_TEST_TIMEOUT_MS,
  );
});
