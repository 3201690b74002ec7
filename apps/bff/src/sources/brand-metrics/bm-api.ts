/**
 * Brand Metrics as the client calls it (shared/ads-api/specs/brand-metrics.json, facts.md §3): create a report for a
 * profile, poll it with capped exponential backoff until it is SUCCESSFUL, then download it from `location` (a
 * pre-signed URL followed as given, without the Amazon headers) as JSON or CSV. The download is streamed for CSV;
 * a JSON report is one document and is read whole (reports hold a few records per brand and category).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { AdsClient } from '../../ads-client/ads-client.ts';
import type { AdsProfile } from '../../ads-client/profiles.ts';
import { readCsvRows } from '../shared/csv-rows.ts';

/** v1.1 adds the Subscribe & Save metrics and lower-case look-back periods. */
export const BM_MEDIA_TYPE = 'application/vnd.insightsbrandmetrics.v1.1+json';

export type ReportFormat = 'JSON' | 'CSV';

const ReportStatusSchema = z.looseObject({
  reportId: z.string().min(1),
  // Amazon adds statuses without a version bump: anything but SUCCESSFUL and FAILED is read as "not yet".
  status: z.string(),
  statusDetails: z.string().optional(),
  format: z.string().optional(),
  location: z.string().optional(),
  expiration: z.number().optional(),
  brandsInfo: z.array(z.looseObject({ id: z.string().optional(), name: z.string().optional() })).optional(),
});
export type ReportStatus = z.infer<typeof ReportStatusSchema>;

export interface PollOptions {
  /** First wait between polls; doubled after each IN_PROGRESS answer, up to `maxIntervalMs`. */
  intervalMs: number;
  maxIntervalMs: number;
  /** Give up after this long: the P99 of an asynchronous report is 15 minutes (facts.md §5). */
  maxWaitMs: number;
  now: () => Date;
  signal?: AbortSignal;
}

export async function createReport(
  client: AdsClient,
  profile: AdsProfile,
  format: ReportFormat,
  signal?: AbortSignal,
): Promise<ReportStatus> {
  return client.requestJson(
    {
      region: profile.region,
      method: 'POST',
      path: '/insights/brandMetrics/report',
      auth: { kind: 'profile', profileId: profile.profileId },
      contentType: BM_MEDIA_TYPE,
      accept: BM_MEDIA_TYPE,
      // An empty body asks for the latest date, all brands and all metrics; only the format is chosen.
      body: { format, lookBackPeriod: '1w' },
      endpoint: 'brandMetrics.createReport',
      signal,
    },
    ReportStatusSchema,
  );
}

export class ReportFailedError extends Error {}

/** Polls until SUCCESSFUL (returned) or FAILED / too long (thrown). */
export async function waitForReport(
  client: AdsClient,
  profile: AdsProfile,
  created: ReportStatus,
  options: PollOptions,
): Promise<ReportStatus> {
  const started = options.now().getTime();
  let status = created;
  let interval = options.intervalMs;
  for (;;) {
    if (status.status === 'SUCCESSFUL') return status;
    if (status.status === 'FAILED')
      throw new ReportFailedError(`Brand Metrics report ${status.reportId} failed: ${status.statusDetails ?? 'no details'}`);
    if (options.now().getTime() - started > options.maxWaitMs) {
      throw new ReportFailedError(`Brand Metrics report ${status.reportId} was not ready after ${Math.round(options.maxWaitMs / 1000)} s`);
    }
    await sleep(interval, undefined, { signal: options.signal });
    interval = Math.min(options.maxIntervalMs, interval * 2);
    status = await client.requestJson(
      {
        region: profile.region,
        method: 'GET',
        path: `/insights/brandMetrics/report/${encodeURIComponent(status.reportId)}`,
        auth: { kind: 'profile', profileId: profile.profileId },
        accept: BM_MEDIA_TYPE,
        endpoint: 'brandMetrics.getReport',
        signal: options.signal,
      },
      ReportStatusSchema,
    );
  }
}

export type ReportRecord = { ok: true; record: unknown; location: string } | { ok: false; reason: string; raw: unknown; location: string };

/** The records of a finished report, whatever its format: `{metadata, metrics}` objects, or header-keyed CSV rows. */
export async function* readReport(
  client: AdsClient,
  status: ReportStatus,
  format: ReportFormat,
  signal?: AbortSignal,
): AsyncGenerator<ReportRecord> {
  // A SUCCESSFUL report without location has no data (test accounts, brands without Brand Metrics).
  if (!status.location) return;
  const response = await client.download(status.location, 'brandMetrics.download', signal);
  if (format === 'CSV') {
    if (!response.body) return;
    for await (const row of readCsvRows(response.body)) {
      const location = `report ${status.reportId} line ${row.line}`;
      yield row.ok
        ? { ok: true, record: row.row, location }
        : { ok: false, reason: `unreadable CSV row: ${row.reason}`, raw: row.raw, location };
    }
    return;
  }
  const document = z.looseObject({ brandBuildingMetrics: z.array(z.unknown()) }).safeParse(await response.json().catch(() => null));
  if (!document.success) {
    yield { ok: false, reason: 'the report is not a brandBuildingMetrics JSON document', raw: null, location: `report ${status.reportId}` };
    return;
  }
  for (const [index, record] of document.data.brandBuildingMetrics.entries()) {
    yield { ok: true, record, location: `report ${status.reportId} record ${index}` };
  }
}
