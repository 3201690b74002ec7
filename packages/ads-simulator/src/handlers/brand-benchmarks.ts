/**
 * Brand Benchmarks (Amazon Brand View Pro) as the docs describe it (`guides/reporting/brand-view-pro/getting-started`):
 * `GET /insights/brandBenchmarks/advertisers/{advertiserCode}/allReportMetadata` lists the latest reports
 * (`advertiserId`, `indexDate`, `obfuscatedMarketplaceId`, `reportType` ZIP_ASIN | EXCEL | ZIP_BRAND) with a
 * `nextToken`; `GET …/reports/{reportType}/indexDates/{indexDate}` answers `{downloadLink}`, a pre-signed URL to the
 * report. Both authorise by ClientId, Bearer and the Manager-Account header (no Scope). The ZIP_BRAND file is a ZIP
 * holding the Brand Report CSV. The report path names no marketplace, so a code stands for one marketplace *(inferred)*:
 * in the simulator an advertiser's code is its entity id and covers its home marketplace (its first profile's). Only
 * ZIP_BRAND files are generated (the other types are listed, and answer 404).
 */
import { createHmac } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import { HttpResponse, http } from 'msw';
import { hashed } from '../data/audience-insights.ts';
import { BENCHMARKED_METRICS, categoryDistributions } from '../data/brand-benchmarks.ts';
import type { Profile } from '../data/world.ts';
import { zip } from '../files/zip.ts';
import type { SimulatorState } from '../state.ts';
import { amazonError, checkBearer, checkManagerAccount, logRequest } from './amazon-http.ts';

export const REPORT_TYPES = ['ZIP_ASIN', 'EXCEL', 'ZIP_BRAND'] as const;
const PAGE_SIZE = 4;
const LINK_LIFETIME_MS = 300_000;
const DAY_MS = 86_400_000;

export const BRAND_REPORT_COLUMNS = [
  'Root Browse Node',
  'Level 2 Browse Node',
  'Level 3 Browse Node',
  'Level 4 Browse Node',
  'Level 5 Browse Node',
  'Brand Name',
  'Brand Owner',
  'Metric Name',
  'Metric Type',
  'YTD',
  'TTM',
] as const;

interface ReportMetadata {
  advertiserId: string;
  indexDate: string;
  obfuscatedMarketplaceId: string;
  reportType: (typeof REPORT_TYPES)[number];
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function profilesOf(state: SimulatorState, code: string): Profile[] {
  return state.world.profiles.filter((p) => p.advertiser.entityId === code);
}

/** The latest index date is Brand Metrics' computation date (weekly); the week before is listed too. */
function indexDates(state: SimulatorState): string[] {
  const latest = state.brandMetrics[0]?.metadata.metricsComputationDate ?? day(state.clock.now().getTime());
  return [latest, day(Date.parse(latest) - 7 * DAY_MS)];
}

function metadataOf(state: SimulatorState, code: string): ReportMetadata[] {
  const marketplaces = profilesOf(state, code)
    .slice(0, 1)
    .map((p) => p.marketplace.marketplaceStringId);
  const [latest, previous] = indexDates(state);
  const rows: ReportMetadata[] = [];
  for (const obfuscatedMarketplaceId of marketplaces) {
    for (const reportType of REPORT_TYPES)
      rows.push({ advertiserId: code, indexDate: latest as string, obfuscatedMarketplaceId, reportType });
    rows.push({ advertiserId: code, indexDate: previous as string, obfuscatedMarketplaceId, reportType: 'ZIP_BRAND' });
  }
  return rows;
}

function signature(state: SimulatorState, path: string, expires: number): string {
  return createHmac('sha256', `recdesk-simulator-bb-${state.world.seed}`).update(`${path}:${expires}`).digest('hex');
}

/** The Brand Report CSV of an advertiser in one marketplace, for the week before `indexDate`. */
export function brandReportCsv(state: SimulatorState, code: string, marketplaceId: string, indexDate: string): string {
  const profiles = profilesOf(state, code).filter((p) => p.marketplace.marketplaceStringId === marketplaceId);
  const ownBrand = profiles[0]?.advertiser.brand;
  const marketplace = profiles[0]?.marketplace.code;
  const weekEnd = Date.parse(indexDate) - DAY_MS;
  const weeks = [3, 2, 1, 0].map((back) => `WE: ${day(weekEnd - back * 7 * DAY_MS)}`);
  const weeksThisYear = Math.max(1, Math.ceil((weekEnd - Date.UTC(new Date(weekEnd).getUTCFullYear(), 0, 1)) / (7 * DAY_MS)));
  const rows: Record<string, string>[] = [];
  for (const distribution of categoryDistributions(state.world, state.brandMetrics)) {
    if (distribution.marketplace !== marketplace) continue;
    if (!distribution.brands.some((b) => b.brandName === ownBrand)) continue;
    for (const brand of distribution.brands) {
      for (const metric of BENCHMARKED_METRICS) {
        const value = brand.values[metric.value];
        if (value === undefined || !Number.isFinite(value)) continue;
        const key = `${code}|${distribution.category}|${brand.brandName}|${metric.value}|${indexDate}`;
        const text = (v: number) => (metric.kind === 'rate' ? v.toFixed(4) : String(Math.round(v)));
        const row: Record<string, string> = {
          'Root Browse Node': distribution.category,
          'Level 2 Browse Node': '',
          'Level 3 Browse Node': '',
          'Level 4 Browse Node': '',
          'Level 5 Browse Node': '',
          'Brand Name': brand.brandName,
          'Brand Owner': brand.brandName === ownBrand ? 'Own Brand' : 'Competitor',
          'Metric Name': metric.reportName,
          'Metric Type': 'Absolute',
          YTD: text(metric.kind === 'rate' ? value * hashed(`${key}|ytd`, 0.9, 1.1) : value * weeksThisYear),
          TTM: text(metric.kind === 'rate' ? value * hashed(`${key}|ttm`, 0.9, 1.1) : value * 52),
        };
        // The latest week is the week Brand Metrics reports; the weeks before vary around it.
        weeks.forEach((week, i) => {
          row[week] = text(i === weeks.length - 1 ? value : value * hashed(`${key}|${week}`, 0.85, 1.15));
        });
        rows.push(row);
        if (brand.brandName === ownBrand) {
          const yoy: Record<string, string> = {
            ...row,
            'Metric Name': `${metric.reportName} - YoY`,
            'Metric Type': 'Year-over-Year (YoY Growth)',
          };
          for (const column of ['YTD', 'TTM', ...weeks]) yoy[column] = hashed(`${key}|yoy|${column}`, 0.7, 1.4).toFixed(4);
          rows.push(yoy);
        }
      }
    }
  }
  return stringify(rows, { header: true, columns: [...BRAND_REPORT_COLUMNS, ...weeks] });
}

const tokenFor = (offset: number) => Buffer.from(`offset:${offset}`).toString('base64url');
function offsetOf(token: string | null): number | null {
  if (!token) return 0;
  const match = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : null;
}

function guard(state: SimulatorState, request: Request, code: string): Response | null {
  logRequest(state, request);
  const denied = checkBearer(state, request) ?? checkManagerAccount(state, request);
  if (denied) return denied;
  if (profilesOf(state, code).length === 0)
    return amazonError(404, 'NOT_FOUND', `No Brand View Pro advertiser '${code}' for this manager account`);
  return null;
}

export function brandBenchmarksHandlers(state: SimulatorState) {
  return [
    http.get('*/insights/brandBenchmarks/advertisers/:code/allReportMetadata', ({ request, params }) => {
      const code = String(params.code);
      const refused = guard(state, request, code);
      if (refused) return refused;
      const offset = offsetOf(new URL(request.url).searchParams.get('nextToken'));
      if (offset === null) return amazonError(400, 'BAD_REQUEST', 'nextToken is invalid');
      const all = metadataOf(state, code);
      return HttpResponse.json({
        nextToken: offset + PAGE_SIZE < all.length ? tokenFor(offset + PAGE_SIZE) : null,
        reportsMetadata: all.slice(offset, offset + PAGE_SIZE),
      });
    }),

    http.get('*/insights/brandBenchmarks/advertisers/:code/reports/:type/indexDates/:date', ({ request, params }) => {
      const code = String(params.code);
      const refused = guard(state, request, code);
      if (refused) return refused;
      const listed = metadataOf(state, code).filter((m) => m.reportType === params.type && m.indexDate === params.date);
      if (listed.length === 0 || params.type !== 'ZIP_BRAND')
        return amazonError(404, 'NOT_FOUND', `No ${String(params.type)} report of ${String(params.date)} for advertiser '${code}'`);
      const origin = new URL(request.url).origin;
      const path = `${code}/${(listed[0] as ReportMetadata).obfuscatedMarketplaceId}/${String(params.date)}.zip`;
      const expires = state.clock.now().getTime() + LINK_LIFETIME_MS;
      return HttpResponse.json({
        downloadLink: `${origin}/_files/brand-benchmarks/${path}?X-Amz-Expires=${expires}&X-Amz-Signature=${signature(state, path, expires)}`,
      });
    }),

    http.get('*/_files/brand-benchmarks/:code/:marketplace/:file', ({ request, params }) => {
      logRequest(state, request);
      const s3Error = (status: number, code: string, message: string) =>
        new HttpResponse(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`, {
          status,
          headers: { 'content-type': 'application/xml' },
        });
      if (request.headers.get('authorization')) return s3Error(400, 'InvalidArgument', 'Only one auth mechanism allowed');
      const url = new URL(request.url);
      const path = `${String(params.code)}/${String(params.marketplace)}/${String(params.file)}`;
      const expires = Number(url.searchParams.get('X-Amz-Expires'));
      if (url.searchParams.get('X-Amz-Signature') !== signature(state, path, expires))
        return s3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided');
      if (expires <= state.clock.now().getTime()) return s3Error(403, 'AccessDenied', 'Request has expired');
      const indexDate = String(params.file).replace(/\.zip$/, '');
      const csv = brandReportCsv(state, String(params.code), String(params.marketplace), indexDate);
      const body = zip([{ name: `brand_report_${indexDate}.csv`, data: Buffer.from(csv, 'utf8') }]);
      return new HttpResponse(body, { headers: { 'content-type': 'application/zip' } });
    }),
  ];
}
