/**
 * Brand Metrics as Amazon serves it (shared/ads-api/specs/brand-metrics.json, facts.md §3): create a report, poll it
 * until SUCCESSFUL, then download it from `location`, a pre-signed URL that lives `expiration` ms and, like S3,
 * refuses the Amazon headers. Reports come as JSON (`brandBuildingMetrics`) or CSV; metric values are strings and
 * unavailable ones are `N/A`.
 */
import { createHmac } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import { HttpResponse, http } from 'msw';
import { z } from 'zod';
import { BRAND_METRIC_NAMES, BRAND_METRICS_METADATA_COLUMNS, type BrandMetricsRecord } from '../data/brand-metrics.ts';
import { type Profile, profileOf } from '../data/world.ts';
import type { BrandMetricsReport, SimulatorState } from '../state.ts';
import { checkBearer, logRequest } from './amazon-http.ts';

const MEDIA_TYPE = /^application\/vnd\.insightsbrandmetrics\.v1(\.1)?\+json$/i;
const ERROR_TYPE = 'application/vnd.insightsbrandmetricserror.v1+json';
/** The pre-signed download URL lives 5 minutes (the spec's example `expiration`). */
const LOCATION_LIFETIME_MS = 300_000;

function bmError(status: number, errorCode: string, message: string) {
  return HttpResponse.json(
    { code: String(status), details: message, requestId: 'sim-request', errors: [{ errorCode, errorId: status, errorMessage: message }] },
    { status, headers: { 'content-type': ERROR_TYPE } },
  );
}

function mediaTypeOf(header: string | null): string {
  return (header ?? '').split(';')[0]?.trim() ?? '';
}

function guard(state: SimulatorState, request: Request, withBody: boolean): Profile | Response {
  logRequest(state, request);
  const denied = checkBearer(state, request);
  if (denied) return denied;
  const scope = request.headers.get('amazon-advertising-api-scope') ?? '';
  const profile = /^\d+$/.test(scope) ? profileOf(state.world, Number(scope)) : undefined;
  if (!profile) return bmError(401, 'INVALID_HEADER', `Amazon-Advertising-API-Scope '${scope}' names no profile you can access`);
  if (withBody && !MEDIA_TYPE.test(mediaTypeOf(request.headers.get('content-type')))) {
    return bmError(400, 'INVALID_HEADER', `Unsupported Content-Type '${request.headers.get('content-type') ?? ''}'`);
  }
  if (!MEDIA_TYPE.test(mediaTypeOf(request.headers.get('accept')))) {
    return bmError(400, 'INVALID_HEADER', `Unsupported Accept '${request.headers.get('accept') ?? ''}'`);
  }
  return profile;
}

const ReportRequestSchema = z.looseObject({
  brandName: z.string().min(1).optional(),
  categoryTreeName: z.string().optional(),
  categoryPath: z.array(z.string()).max(20).optional(),
  reportStartDate: z.iso.date().optional(),
  reportEndDate: z.iso.date().optional(),
  lookBackPeriod: z.enum(['1w', '1m', '1cm', '1W', '1M', '1CM']).optional(),
  format: z.enum(['JSON', 'CSV']).default('JSON'),
  metrics: z.array(z.enum(BRAND_METRIC_NAMES)).max(500).optional(),
});

function signature(state: SimulatorState, reportId: string, expires: number): string {
  return createHmac('sha256', `recdesk-simulator-bm-${state.world.seed}`).update(`${reportId}:${expires}`).digest('hex');
}

function recordsOf(state: SimulatorState, report: BrandMetricsReport): BrandMetricsRecord[] {
  return state.brandMetrics.filter(
    (r) => r.profileId === report.profileId && (!report.brandName || r.metadata.brandName === report.brandName),
  );
}

function metricsOf(record: BrandMetricsRecord, names: readonly string[] | undefined): Record<string, string> {
  if (!names) return record.metrics;
  return Object.fromEntries(names.map((name) => [name, record.metrics[name] ?? 'N/A']));
}

function statusBody(state: SimulatorState, report: BrandMetricsReport, origin: string) {
  const base = { reportId: report.reportId, format: report.format };
  if (report.pollsLeft > 0) {
    return { ...base, status: 'IN_PROGRESS', statusDetails: 'Report generation is in progress.', expiration: 0 };
  }
  const expires = state.clock.now().getTime() + LOCATION_LIFETIME_MS;
  const records = recordsOf(state, report);
  const brands = [...new Set(records.map((r) => r.metadata.brandName))];
  return {
    ...base,
    status: 'SUCCESSFUL',
    statusDetails: 'Report has been successfully generated.',
    location: `${origin}/_files/brand-metrics/${report.reportId}.${report.format.toLowerCase()}?X-Amz-Expires=${expires}&X-Amz-Signature=${signature(state, report.reportId, expires)}`,
    expiration: LOCATION_LIFETIME_MS,
    brandsInfo: brands.slice(0, 200).map((name, i) => ({ id: String(700_000 + (report.profileId % 1000) + i), name })),
  };
}

export function brandMetricsHandlers(state: SimulatorState) {
  return [
    http.post('*/insights/brandMetrics/report', async ({ request }) => {
      const profile = guard(state, request, true);
      if (profile instanceof Response) return profile;
      const parsed = ReportRequestSchema.safeParse((await request.json().catch(() => ({}))) ?? {});
      if (!parsed.success) return bmError(400, 'INVALID_PARAMETER', z.prettifyError(parsed.error));
      const reportId = String(1_111_000_000 + state.brandMetricsReports.size + 1);
      const report: BrandMetricsReport = {
        reportId,
        profileId: profile.profileId,
        format: parsed.data.format,
        brandName: parsed.data.brandName,
        metrics: parsed.data.metrics,
        pollsLeft: state.brandMetricsPendingPolls,
      };
      state.brandMetricsReports.set(reportId, report);
      return HttpResponse.json(statusBody(state, { ...report, pollsLeft: Math.max(1, report.pollsLeft) }, new URL(request.url).origin), {
        headers: { 'content-type': mediaTypeOf(request.headers.get('accept')) },
      });
    }),

    http.get('*/insights/brandMetrics/report/:reportId', ({ request, params }) => {
      const profile = guard(state, request, false);
      if (profile instanceof Response) return profile;
      const report = state.brandMetricsReports.get(String(params.reportId));
      if (!report || report.profileId !== profile.profileId)
        return bmError(400, 'INVALID_PARAMETER', `No report ${String(params.reportId)} for this profile`);
      const body = statusBody(state, report, new URL(request.url).origin);
      if (report.pollsLeft > 0) report.pollsLeft--;
      return HttpResponse.json(body, { headers: { 'content-type': mediaTypeOf(request.headers.get('accept')) } });
    }),

    // The pre-signed download URL: no Amazon headers, a signature and an expiry.
    http.get('*/_files/brand-metrics/:file', ({ request, params }) => {
      logRequest(state, request);
      const s3Error = (status: number, code: string, message: string) =>
        new HttpResponse(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`, {
          status,
          headers: { 'content-type': 'application/xml' },
        });
      if (request.headers.get('authorization')) return s3Error(400, 'InvalidArgument', 'Only one auth mechanism allowed');
      const url = new URL(request.url);
      const reportId = String(params.file).replace(/\.(json|csv)$/, '');
      const expires = Number(url.searchParams.get('X-Amz-Expires'));
      if (url.searchParams.get('X-Amz-Signature') !== signature(state, reportId, expires)) {
        return s3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided');
      }
      if (expires <= state.clock.now().getTime()) return s3Error(403, 'AccessDenied', 'Request has expired');
      const report = state.brandMetricsReports.get(reportId);
      if (!report) return s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
      const records = recordsOf(state, report);
      if (report.format === 'CSV') {
        const metricNames = report.metrics ?? [...BRAND_METRIC_NAMES];
        const csv = stringify(
          records.map((r) => ({ ...r.metadata, ...metricsOf(r, report.metrics) })),
          { header: true, columns: [...BRAND_METRICS_METADATA_COLUMNS, ...metricNames] },
        );
        return new HttpResponse(csv, { headers: { 'content-type': 'text/csv; charset=utf-8' } });
      }
      return HttpResponse.json({
        brandBuildingMetrics: records.map((r) => ({ metadata: r.metadata, metrics: metricsOf(r, report.metrics) })),
      });
    }),
  ];
}
