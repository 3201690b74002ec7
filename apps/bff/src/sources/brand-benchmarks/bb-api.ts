/**
 * Brand Benchmarks (Amazon Brand View Pro, docs `guides/reporting/brand-view-pro/getting-started`) as the client
 * calls it: `GET /insights/brandBenchmarks/advertisers/{advertiserCode}/allReportMetadata` (followed by `nextToken`)
 * lists the reports, `GET …/reports/{reportType}/indexDates/{indexDate}` answers `{downloadLink}`, and the link is a
 * pre-signed URL fetched without the Amazon headers. Both calls authorise with the ABVP entity's manager account
 * (`Amazon-Advertising-API-Manager-Account`), never a Scope. No versioned media type is documented: plain JSON
 * *(inferred)*. The ZIP_BRAND report is a ZIP holding the Brand Report CSV.
 */
import { z } from 'zod';
import type { AdsClient } from '../../ads-client/ads-client.ts';
import type { AdsRegion } from '../../config/env.ts';
import { zipEntries } from '../shared/zip-entries.ts';

export const BRAND_REPORT = 'ZIP_BRAND';

export const ReportMetadataSchema = z.looseObject({
  advertiserId: z.string().min(1),
  indexDate: z.iso.date(),
  obfuscatedMarketplaceId: z.string().min(1),
  // ZIP_ASIN, EXCEL, ZIP_BRAND today; new types are kept (and skipped), never a failure.
  reportType: z.string().min(1),
});
export type ReportMetadata = z.infer<typeof ReportMetadataSchema>;

const MetadataPageSchema = z.looseObject({
  nextToken: z.string().nullish(),
  reportsMetadata: z.array(z.unknown()),
});

export interface BrandViewAccount {
  region: AdsRegion;
  /** The advertiser code of the ABVP dashboard URL. */
  advertiserCode: string;
  /** The ABVP entity's manager account; the partner network account when not set. */
  managerAccountId?: string;
}

export type Listed<T> = { ok: true; value: T } | { ok: false; reason: string; raw: unknown; location: string };

const MAX_PAGES = 50;

export async function* listReportMetadata(
  client: AdsClient,
  account: BrandViewAccount,
  signal?: AbortSignal,
): AsyncGenerator<Listed<ReportMetadata>> {
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const body = await client.requestJson(
      {
        region: account.region,
        method: 'GET',
        path: `/insights/brandBenchmarks/advertisers/${encodeURIComponent(account.advertiserCode)}/allReportMetadata`,
        query: { nextToken },
        auth: { kind: 'manager-account', accountId: account.managerAccountId },
        accept: 'application/json',
        endpoint: 'brandBenchmarks.allReportMetadata',
        signal,
      },
      MetadataPageSchema,
    );
    for (const [index, raw] of body.reportsMetadata.entries()) {
      const parsed = ReportMetadataSchema.safeParse(raw);
      yield parsed.success
        ? { ok: true, value: parsed.data }
        : {
            ok: false,
            reason: `report metadata does not match the documented shape: ${z.prettifyError(parsed.error)}`,
            raw,
            location: `page ${page + 1} item ${index}`,
          };
    }
    if (!body.nextToken) return;
    nextToken = body.nextToken;
  }
  throw new Error(`Brand View Pro report metadata of ${account.advertiserCode} did not end after ${MAX_PAGES} pages`);
}

/** The latest report of a type per marketplace; the same report listed twice counts once. */
export function latestReports(metadata: readonly ReportMetadata[], reportType = BRAND_REPORT): ReportMetadata[] {
  const latest = new Map<string, ReportMetadata>();
  for (const report of metadata) {
    if (report.reportType !== reportType) continue;
    const seen = latest.get(report.obfuscatedMarketplaceId);
    if (!seen || report.indexDate > seen.indexDate) latest.set(report.obfuscatedMarketplaceId, report);
  }
  return [...latest.values()];
}

const LinkSchema = z.looseObject({ downloadLink: z.url() });

/** The Brand Report CSV of one report: the link, then the ZIP, then its CSV entry. */
export async function downloadBrandReport(
  client: AdsClient,
  account: BrandViewAccount,
  report: ReportMetadata,
  signal?: AbortSignal,
): Promise<{ name: string; csv: string }> {
  const { downloadLink } = await client.requestJson(
    {
      region: account.region,
      method: 'GET',
      path: `/insights/brandBenchmarks/advertisers/${encodeURIComponent(account.advertiserCode)}/reports/${encodeURIComponent(report.reportType)}/indexDates/${report.indexDate}`,
      auth: { kind: 'manager-account', accountId: account.managerAccountId },
      accept: 'application/json',
      endpoint: 'brandBenchmarks.getReport',
      signal,
    },
    LinkSchema,
  );
  const file = await client.download(downloadLink, 'brandBenchmarks.download', signal);
  const entries = zipEntries(Buffer.from(await file.arrayBuffer()));
  const csv = entries.find((e) => e.name.toLowerCase().endsWith('.csv'));
  if (!csv)
    throw new Error(`the ${report.reportType} report of ${report.indexDate} holds no CSV (${entries.map((e) => e.name).join(', ')})`);
  return { name: csv.name, csv: csv.data.toString('utf8') };
}
