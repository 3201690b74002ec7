/**
 * Reporting v3 as Amazon serves it (shared/ads-api/specs/reporting-v3.json, facts.md "Reporting v3"): create an
 * asynchronous Sponsored Products report (spCampaigns grouped by campaign, spTargeting grouped by targeting; DAILY or
 * SUMMARY; GZIP_JSON; at most 31 days, within the 95-day look-back), poll it PENDING → PROCESSING → COMPLETED, then
 * download the gzipped JSON array of rows from `url`, a pre-signed link that lives an hour and, like S3, refuses the
 * Amazon headers. An identical request while the first one is known answers 425 with the existing report id in its
 * detail, as the real API does. Rows come from the performance model over the simulated clock's days (through
 * yesterday: today's numbers are not reported yet).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { HttpResponse, http } from 'msw';
import { z } from 'zod';
import { type Campaign, type Profile, profileOf } from '../data/world.ts';
import { addDays, dayOf, daysBetween, eachDay } from '../performance/days.ts';
import { type CampaignDay, campaignDay, type TargetingDay, targetingDays } from '../performance/performance-model.ts';
import { observeChanges } from '../performance/settings-history.ts';
import type { SimulatorState } from '../state.ts';
import { checkBearer, logRequest } from './amazon-http.ts';

export const REPORTING_MEDIA_TYPES = {
  createRequest: 'application/vnd.createasyncreportrequest.v3+json',
  createResponse: 'application/vnd.createasyncreportresponse.v3+json',
  getResponse: 'application/vnd.getasyncreportresponse.v3+json',
} as const;

const MAX_DAYS = 31;
const LOOKBACK_DAYS = 95;
const URL_LIFETIME_MS = 3_600_000;
/** Identical requests within this long are duplicates (425). */
const DUPLICATE_WINDOW_MS = 24 * 3_600_000;

const METRIC_COLUMNS = [
  'impressions',
  'clicks',
  'cost',
  'spend',
  'costPerClick',
  'clickThroughRate',
  'purchases1d',
  'purchases7d',
  'purchases14d',
  'purchases30d',
  'sales1d',
  'sales7d',
  'sales14d',
  'sales30d',
  'unitsSoldClicks14d',
] as const;

const REPORT_TYPES = {
  spCampaigns: {
    groupBy: ['campaign'],
    columns: [
      'date',
      'startDate',
      'endDate',
      'campaignId',
      'campaignName',
      'campaignStatus',
      'campaignBudgetAmount',
      'campaignBudgetType',
      'campaignBudgetCurrencyCode',
      ...METRIC_COLUMNS,
    ],
  },
  spTargeting: {
    groupBy: ['targeting'],
    columns: [
      'date',
      'startDate',
      'endDate',
      'campaignId',
      'campaignName',
      'campaignBudgetCurrencyCode',
      'adGroupId',
      'adGroupName',
      'keywordId',
      'keyword',
      'targeting',
      'keywordType',
      'matchType',
      'keywordBid',
      ...METRIC_COLUMNS,
    ],
  },
} as const;
type ReportTypeId = keyof typeof REPORT_TYPES;

const CreateReportSchema = z.object({
  name: z.string().max(256).optional(),
  startDate: z.iso.date(),
  endDate: z.iso.date(),
  configuration: z.object({
    adProduct: z.literal('SPONSORED_PRODUCTS'),
    reportTypeId: z.enum(Object.keys(REPORT_TYPES) as [ReportTypeId, ...ReportTypeId[]]),
    groupBy: z.array(z.string()).min(1),
    columns: z.array(z.string()).min(1),
    filters: z
      .array(z.object({ field: z.string(), values: z.array(z.string()) }))
      .nullable()
      .optional(),
    timeUnit: z.enum(['DAILY', 'SUMMARY']),
    format: z.literal('GZIP_JSON'),
  }),
});
type CreateReport = z.infer<typeof CreateReportSchema>;

export interface ReportingReport {
  reportId: string;
  profileId: number;
  request: CreateReport;
  /** Identifies identical requests (425). */
  key: string;
  createdAt: string;
  createdAtMs: number;
  updatedAt: string;
  polls: number;
  file: Buffer | null;
  generatedAt: string | null;
}

export interface ReportingState {
  reports: Map<string, ReportingReport>;
  /** Polls a new report answers PENDING (the first), then PROCESSING, before it is COMPLETED (at least 2). */
  pendingPolls: number;
}

export function createReportingState(): ReportingState {
  return { reports: new Map(), pendingPolls: 2 };
}

function reportError(status: number, detail: string, headers?: Record<string, string>) {
  return HttpResponse.json({ code: String(status), detail }, { status, headers });
}

function guard(state: SimulatorState, request: Request): Profile | Response {
  logRequest(state, request);
  const denied = checkBearer(state, request);
  if (denied) return denied;
  const scope = request.headers.get('amazon-advertising-api-scope') ?? '';
  const profile = /^\d+$/.test(scope) ? profileOf(state.world, Number(scope)) : undefined;
  if (!profile) return reportError(401, `Amazon-Advertising-API-Scope '${scope}' names no profile you can access`);
  return profile;
}

function signature(state: SimulatorState, reportId: string, expires: number): string {
  return createHmac('sha256', `recdesk-simulator-reporting-${state.world.seed}`).update(`${reportId}:${expires}`).digest('hex');
}

function keyOf(profileId: number, body: CreateReport): string {
  const { configuration: c } = body;
  return JSON.stringify([
    profileId,
    body.startDate,
    body.endDate,
    c.reportTypeId,
    [...c.groupBy].sort(),
    [...c.columns].sort(),
    c.timeUnit,
    c.filters ?? null,
  ]);
}

/** What is wrong with a request that parsed, as the real API words it; null when it can be served. */
function problemOf(body: CreateReport, today: string): string | null {
  const type = REPORT_TYPES[body.configuration.reportTypeId];
  if (body.endDate < body.startDate) return 'endDate must not be before startDate';
  if (daysBetween(body.startDate, body.endDate) + 1 > MAX_DAYS) return `The date range must not exceed ${MAX_DAYS} days`;
  if (daysBetween(body.startDate, today) > LOOKBACK_DAYS) return `startDate must be within the last ${LOOKBACK_DAYS} days`;
  if (body.endDate > today) return 'endDate must not be in the future';
  const badGroup = body.configuration.groupBy.filter((g) => !(type.groupBy as readonly string[]).includes(g));
  if (badGroup.length > 0) return `invalid groupBy for ${body.configuration.reportTypeId}: ${badGroup.join(', ')}`;
  const badColumns = body.configuration.columns.filter((c) => !(type.columns as readonly string[]).includes(c));
  if (badColumns.length > 0) return `invalid columns for ${body.configuration.reportTypeId}: ${badColumns.join(', ')}`;
  if (
    body.configuration.timeUnit === 'DAILY' &&
    (body.configuration.columns.includes('startDate') || body.configuration.columns.includes('endDate'))
  )
    return 'startDate and endDate columns are only available with timeUnit SUMMARY';
  if (body.configuration.timeUnit === 'SUMMARY' && body.configuration.columns.includes('date'))
    return 'the date column is only available with timeUnit DAILY';
  return null;
}

function statusOf(state: SimulatorState, report: ReportingReport, origin: string) {
  const base = {
    configuration: report.request.configuration,
    createdAt: report.createdAt,
    endDate: report.request.endDate,
    name: report.request.name ?? null,
    reportId: report.reportId,
    startDate: report.request.startDate,
    updatedAt: report.updatedAt,
  };
  if (!report.file) {
    const status = report.polls <= 1 ? 'PENDING' : 'PROCESSING';
    return { ...base, status, url: null, urlExpiresAt: null, fileSize: null, generatedAt: null, failureReason: null };
  }
  const expires = state.clock.now().getTime() + URL_LIFETIME_MS;
  return {
    ...base,
    status: 'COMPLETED',
    url: `${origin}/_files/reporting/${report.reportId}.json.gz?X-Amz-Expires=${expires}&X-Amz-Signature=${signature(state, report.reportId, expires)}`,
    urlExpiresAt: new Date(expires).toISOString(),
    fileSize: report.file.length,
    generatedAt: report.generatedAt,
    failureReason: null,
  };
}

const round2 = (value: number) => Math.round(value * 100) / 100;

function metricValues(m: { impressions: number; clicks: number; cost: number; sales: number; orders: number }) {
  // Shorter attribution windows see fewer of the 14-day orders; the 30-day one a few more.
  const part = (share: number) => Math.round(m.orders * share);
  const salesPart = (share: number) => (m.orders > 0 ? round2((m.sales * part(share)) / m.orders) : 0);
  return {
    impressions: m.impressions,
    clicks: m.clicks,
    cost: m.cost,
    spend: m.cost,
    costPerClick: m.clicks > 0 ? round2(m.cost / m.clicks) : 0,
    clickThroughRate: m.impressions > 0 ? Math.round((m.clicks / m.impressions) * 1e6) / 1e6 : 0,
    purchases1d: part(0.78),
    purchases7d: part(0.94),
    purchases14d: m.orders,
    purchases30d: part(1.03),
    sales1d: salesPart(0.78),
    sales7d: salesPart(0.94),
    sales14d: m.sales,
    sales30d: salesPart(1.03),
    unitsSoldClicks14d: m.orders,
  };
}

function sum<T extends { impressions: number; clicks: number; cost: number; sales: number; orders: number }>(days: T[]) {
  return days.reduce(
    (a, d) => ({
      impressions: a.impressions + d.impressions,
      clicks: a.clicks + d.clicks,
      cost: round2(a.cost + d.cost),
      sales: round2(a.sales + d.sales),
      orders: a.orders + d.orders,
    }),
    { impressions: 0, clicks: 0, cost: 0, sales: 0, orders: 0 },
  );
}

function pick(row: Record<string, unknown>, columns: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(columns.map((c) => [c, row[c] ?? null]));
}

/** The report's rows: the model's days of the profile's campaigns (or their keywords and targets), in its columns. */
export function reportRows(state: SimulatorState, profile: Profile, request: CreateReport): Record<string, unknown>[] {
  const yesterday = addDays(dayOf(state.clock.now()), -1);
  const [lastDay = yesterday] = [request.endDate, yesterday].sort();
  const days = eachDay(request.startDate, lastDay);
  const { world } = state;
  const history = state.performance.history;
  const campaigns = world.campaigns.filter((c) => c.profileId === profile.profileId);
  const { columns, timeUnit, reportTypeId } = request.configuration;
  const currency = profile.marketplace.currency;
  const campaignCells = (c: Campaign, budget: number) => ({
    campaignId: Number(c.campaignId),
    campaignName: c.name,
    campaignStatus: c.state,
    campaignBudgetAmount: budget,
    campaignBudgetType: 'DAILY_BUDGET',
    campaignBudgetCurrencyCode: currency,
  });
  const rows: Record<string, unknown>[] = [];
  for (const campaign of campaigns) {
    const perDay: CampaignDay[] = days.map((day) => campaignDay(world, history, campaign, day));
    if (reportTypeId === 'spCampaigns') {
      if (timeUnit === 'DAILY') {
        for (const d of perDay) {
          rows.push(pick({ date: d.date, ...campaignCells(campaign, d.budget), ...metricValues(d) }, columns));
        }
      } else if (perDay.length > 0) {
        const last = perDay.at(-1) as CampaignDay;
        rows.push(
          pick(
            {
              startDate: request.startDate,
              endDate: request.endDate,
              ...campaignCells(campaign, last.budget),
              ...metricValues(sum(perDay)),
            },
            columns,
          ),
        );
      }
      continue;
    }
    const byTargeting = new Map<string, TargetingDay[]>();
    for (const d of perDay) {
      for (const t of targetingDays(world, history, d)) byTargeting.set(t.targetingId, [...(byTargeting.get(t.targetingId) ?? []), t]);
    }
    for (const [id, targetingRows] of byTargeting) {
      const keyword = world.keywords.find((k) => k.keywordId === id);
      const target = keyword ? undefined : world.targets.find((t) => t.targetId === id);
      const adGroupId = keyword?.adGroupId ?? target?.adGroupId ?? '';
      const adGroup = world.adGroups.find((g) => g.adGroupId === adGroupId);
      const cells = (bid: number) => ({
        campaignId: Number(campaign.campaignId),
        campaignName: campaign.name,
        campaignBudgetCurrencyCode: currency,
        adGroupId: Number(adGroupId),
        adGroupName: adGroup?.name ?? null,
        keywordId: Number(id),
        keyword: keyword?.keywordText ?? target?.expression ?? '',
        targeting: keyword?.keywordText ?? target?.expression ?? '',
        keywordType: keyword
          ? keyword.matchType
          : target?.expressionType === 'AUTO'
            ? 'TARGETING_EXPRESSION_PREDEFINED'
            : 'TARGETING_EXPRESSION',
        matchType: keyword
          ? keyword.matchType
          : target?.expressionType === 'AUTO'
            ? 'TARGETING_EXPRESSION_PREDEFINED'
            : 'TARGETING_EXPRESSION',
        keywordBid: bid,
      });
      if (timeUnit === 'DAILY') {
        for (const t of targetingRows) rows.push(pick({ date: t.date, ...cells(t.bid), ...metricValues(t) }, columns));
      } else {
        const last = targetingRows.at(-1) as TargetingDay;
        rows.push(
          pick(
            { startDate: request.startDate, endDate: request.endDate, ...cells(last.bid), ...metricValues(sum(targetingRows)) },
            columns,
          ),
        );
      }
    }
  }
  return rows;
}

export function reportingHandlers(state: SimulatorState) {
  const reporting = state.performance.reporting;
  return [
    http.post('*/reporting/reports', async ({ request }) => {
      const profile = guard(state, request);
      if (profile instanceof Response) return profile;
      if ((request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() !== REPORTING_MEDIA_TYPES.createRequest) {
        return reportError(415, `Content-Type must be ${REPORTING_MEDIA_TYPES.createRequest}`);
      }
      const parsed = CreateReportSchema.safeParse(await request.json().catch(() => undefined));
      if (!parsed.success) return reportError(400, z.prettifyError(parsed.error));
      const now = state.clock.now();
      const problem = problemOf(parsed.data, dayOf(now));
      if (problem) return reportError(400, problem);
      const key = keyOf(profile.profileId, parsed.data);
      const duplicate = [...reporting.reports.values()].find((r) => r.key === key && now.getTime() - r.createdAtMs < DUPLICATE_WINDOW_MS);
      if (duplicate) return reportError(425, `The Request is a duplicate of : ${duplicate.reportId}`);
      const at = now.toISOString();
      const report: ReportingReport = {
        reportId: randomUUID(),
        profileId: profile.profileId,
        request: parsed.data,
        key,
        createdAt: at,
        createdAtMs: now.getTime(),
        updatedAt: at,
        polls: 0,
        file: null,
        generatedAt: null,
      };
      reporting.reports.set(report.reportId, report);
      return HttpResponse.json(statusOf(state, report, new URL(request.url).origin), {
        headers: { 'content-type': REPORTING_MEDIA_TYPES.createResponse },
      });
    }),

    http.get('*/reporting/reports/:reportId', ({ request, params }) => {
      const profile = guard(state, request);
      if (profile instanceof Response) return profile;
      const report = reporting.reports.get(String(params.reportId));
      if (!report || report.profileId !== profile.profileId) return reportError(404, 'Not Found');
      report.polls++;
      if (!report.file && report.polls > Math.max(2, reporting.pendingPolls)) {
        // Generated when it completes: the changes made while it was processing are in it, like a real report.
        observeChanges(state);
        report.file = gzipSync(JSON.stringify(reportRows(state, profile, report.request)));
        report.generatedAt = state.clock.now().toISOString();
      }
      report.updatedAt = state.clock.now().toISOString();
      return HttpResponse.json(statusOf(state, report, new URL(request.url).origin), {
        headers: { 'content-type': REPORTING_MEDIA_TYPES.getResponse },
      });
    }),

    http.delete('*/reporting/reports/:reportId', ({ request, params }) => {
      const profile = guard(state, request);
      if (profile instanceof Response) return profile;
      const report = reporting.reports.get(String(params.reportId));
      if (!report || report.profileId !== profile.profileId) return reportError(404, 'Not Found');
      reporting.reports.delete(report.reportId);
      return HttpResponse.json(
        { code: '200', detail: 'Report deleted', reportId: report.reportId },
        { headers: { 'content-type': 'application/vnd.deleteasyncreportresponse.v3+json' } },
      );
    }),

    // The pre-signed download URL: no Amazon headers, a signature and an expiry, a gzipped JSON array.
    http.get('*/_files/reporting/:file', ({ request, params }) => {
      logRequest(state, request);
      const s3Error = (status: number, code: string, message: string) =>
        new HttpResponse(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`, {
          status,
          headers: { 'content-type': 'application/xml' },
        });
      if (request.headers.get('authorization')) return s3Error(400, 'InvalidArgument', 'Only one auth mechanism allowed');
      const url = new URL(request.url);
      const reportId = String(params.file).replace(/\.json\.gz$/, '');
      const expires = Number(url.searchParams.get('X-Amz-Expires'));
      if (url.searchParams.get('X-Amz-Signature') !== signature(state, reportId, expires)) {
        return s3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided');
      }
      if (expires <= state.clock.now().getTime()) return s3Error(403, 'AccessDenied', 'Request has expired');
      const report = reporting.reports.get(reportId);
      if (!report?.file) return s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
      return new HttpResponse(new Uint8Array(report.file), { headers: { 'content-type': 'application/x-gzip' } });
    }),
  ];
}
