/**
 * Reporting v3 as the client calls it (shared/ads-api/specs/reporting-v3.json, facts.md "Reporting v3"): create an
 * asynchronous Sponsored Products report for one profile and window, read its status, and download the finished file
 * (a gzipped JSON array from a pre-signed URL, followed without the Amazon headers). A 425 answer means the same
 * request is already known upstream: its detail names the existing report id, which is returned for reuse instead of
 * asking again.
 */
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { AdsApiError, type AdsClient } from '../ads-client/ads-client.ts';
import type { AdsProfile } from '../ads-client/profiles.ts';

export const CREATE_REPORT_MEDIA_TYPE = 'application/vnd.createasyncreportrequest.v3+json';

export type PerformanceReportType = 'spCampaigns' | 'spTargeting';

/** The columns asked for, per report type: what performance_daily keeps, and the ids and names to key it. */
export const REPORT_COLUMNS: Readonly<Record<PerformanceReportType, { groupBy: string[]; columns: string[] }>> = {
  spCampaigns: {
    groupBy: ['campaign'],
    columns: [
      'date',
      'campaignId',
      'campaignName',
      'campaignBudgetAmount',
      'campaignBudgetCurrencyCode',
      'impressions',
      'clicks',
      'cost',
      'sales14d',
      'purchases14d',
    ],
  },
  spTargeting: {
    groupBy: ['targeting'],
    columns: [
      'date',
      'campaignId',
      'adGroupId',
      'keywordId',
      'keyword',
      'keywordType',
      'campaignBudgetCurrencyCode',
      'impressions',
      'clicks',
      'cost',
      'sales14d',
      'purchases14d',
    ],
  },
};

export const ReportStatusSchema = z.looseObject({
  reportId: z.string().min(1),
  // Amazon adds statuses without a version bump: anything but COMPLETED and FAILED is read as "not yet".
  status: z.string(),
  url: z.string().nullish(),
  urlExpiresAt: z.string().nullish(),
  failureReason: z.string().nullish(),
});
export type ReportStatus = z.infer<typeof ReportStatusSchema>;

export interface ReportWindow {
  startDate: string;
  endDate: string;
}

/** A created report, or the existing one a 425 named. */
export type CreatedReport = { reportId: string; reused: boolean };

const DUPLICATE_ID = /([0-9A-Za-z][0-9A-Za-z-]{7,})\s*$/;

export async function createReport(
  client: AdsClient,
  profile: AdsProfile,
  type: PerformanceReportType,
  window: ReportWindow,
  signal?: AbortSignal,
): Promise<CreatedReport> {
  const answer = await client.request({
    region: profile.region,
    method: 'POST',
    path: '/reporting/reports',
    auth: { kind: 'profile', profileId: profile.profileId },
    contentType: CREATE_REPORT_MEDIA_TYPE,
    accept: 'application/vnd.createasyncreportresponse.v3+json',
    body: {
      name: `RecDesk ${type} ${window.startDate}..${window.endDate}`,
      startDate: window.startDate,
      endDate: window.endDate,
      configuration: {
        adProduct: 'SPONSORED_PRODUCTS',
        reportTypeId: type,
        ...REPORT_COLUMNS[type],
        timeUnit: 'DAILY',
        format: 'GZIP_JSON',
      },
    },
    endpoint: 'reporting.createReport',
    acceptStatuses: [425],
    signal,
  });
  if (answer.status === 425) {
    const detail = z.looseObject({ detail: z.string() }).safeParse(answer.body);
    const id = detail.success ? DUPLICATE_ID.exec(detail.data.detail)?.[1] : undefined;
    if (!id)
      throw new AdsApiError('reporting.createReport', 425, '425', 'a duplicate request whose detail names no report id', answer.body);
    return { reportId: id, reused: true };
  }
  const created = ReportStatusSchema.safeParse(answer.body);
  if (!created.success) {
    throw new AdsApiError('reporting.createReport', answer.status, '', `unexpected answer: ${z.prettifyError(created.error)}`, answer.body);
  }
  return { reportId: created.data.reportId, reused: false };
}

export async function getReport(client: AdsClient, profile: AdsProfile, reportId: string, signal?: AbortSignal): Promise<ReportStatus> {
  return client.requestJson(
    {
      region: profile.region,
      method: 'GET',
      path: `/reporting/reports/${encodeURIComponent(reportId)}`,
      auth: { kind: 'profile', profileId: profile.profileId },
      accept: 'application/vnd.getasyncreportresponse.v3+json',
      endpoint: 'reporting.getReport',
      signal,
    },
    ReportStatusSchema,
  );
}

/** The report's rows as sent: an array of unknown objects (validated row by row by the caller), or why not. */
export async function downloadReport(
  client: AdsClient,
  url: string,
  signal?: AbortSignal,
): Promise<{ ok: true; rows: unknown[] } | { ok: false; reason: string }> {
  const response = await client.download(url, 'reporting.download', signal);
  const bytes = Buffer.from(await response.arrayBuffer());
  let text: string;
  try {
    // A proxy may already have decoded it: gzip starts with 1f 8b.
    text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8');
  } catch (error) {
    return { ok: false, reason: `the report file is not valid gzip: ${(error as Error).message}` };
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'the report file is not JSON' };
  }
  return Array.isArray(document) ? { ok: true, rows: document } : { ok: false, reason: 'the report file is not a JSON array of rows' };
}
