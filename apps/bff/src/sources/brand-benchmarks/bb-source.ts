/**
 * Brand Benchmarks (Brand View Pro) as a source: per advertiser code (one per advertiser account; by default the
 * account id, or the code `advertiserCodes` maps it to), the report metadata, then the latest ZIP_BRAND report of each
 * marketplace, downloaded, unzipped and read into one benchmark insight per category for the advertiser's profile in
 * that marketplace. An advertiser Brand View Pro does not know (404) is not onboarded: skipped, not a failure. Bad
 * metadata and malformed report rows are quarantined; an account whose calls fail is reported after the others.
 */
import { AdsApiError } from '../../ads-client/ads-client.ts';
import type { AdsProfile } from '../../ads-client/profiles.ts';
import { marketplaceIdOf } from '../marketing-stream/stream-marketplaces.ts';
import type { SourceAdapter, SourceContext, SourceItem } from '../source-adapter.ts';
import { type BrandViewAccount, downloadBrandReport, latestReports, listReportMetadata, type ReportMetadata } from './bb-api.ts';
import { normaliseBenchmarks } from './bb-normalise.ts';
import { readBrandReport } from './bb-report.ts';

export interface BrandBenchmarksOptions {
  /** Account id → Brand View Pro advertiser code, where they differ. */
  advertiserCodes?: ReadonlyMap<string, string>;
  managerAccountId?: string;
}

export function brandBenchmarksSource(options: BrandBenchmarksOptions = {}): SourceAdapter {
  return {
    source: 'brand-benchmarks',
    async *fetch(context: SourceContext): AsyncGenerator<SourceItem> {
      const failures: string[] = [];
      const byAccount = new Map<string, AdsProfile[]>();
      for (const profile of context.profiles) byAccount.set(profile.accountId, [...(byAccount.get(profile.accountId) ?? []), profile]);
      for (const [accountId, profiles] of byAccount) {
        const first = profiles[0] as AdsProfile;
        const account: BrandViewAccount = {
          region: first.region,
          advertiserCode: options.advertiserCodes?.get(accountId) ?? accountId,
          managerAccountId: options.managerAccountId,
        };
        const where = `advertiser ${account.advertiserCode}`;
        try {
          const metadata: ReportMetadata[] = [];
          for await (const listed of listReportMetadata(context.client, account, context.signal)) {
            if (listed.ok) metadata.push(listed.value);
            else yield { type: 'quarantined', reason: listed.reason, location: `${where} ${listed.location}`, raw: listed.raw };
          }
          for (const report of latestReports(metadata)) {
            const profile = profiles.find((p) => marketplaceIdOf(p.countryCode) === report.obfuscatedMarketplaceId);
            if (!profile) continue;
            const { name, csv } = await downloadBrandReport(context.client, account, report, context.signal);
            const read = await readBrandReport(csv);
            for (const bad of read.malformed)
              yield { type: 'quarantined', reason: bad.reason, location: `${where} ${name} line ${bad.line}`, raw: bad.raw };
            if (read.folded > 0)
              context.log.info(
                { advertiserCode: account.advertiserCode, folded: read.folded },
                'Brand Report rows listed twice were folded',
              );
            for (const category of read.categories) {
              const item = normaliseBenchmarks(category, report, account.advertiserCode, profile);
              if ('reason' in item) yield { type: 'quarantined', reason: item.reason, location: `${where} ${name}`, raw: category.rows };
              else yield { type: 'recommendation', recommendation: item };
            }
          }
        } catch (error) {
          if (context.signal?.aborted) throw error;
          if (error instanceof AdsApiError && error.status === 404) {
            context.log.info({ advertiserCode: account.advertiserCode }, 'Brand View Pro does not know this advertiser: no benchmarks');
            continue;
          }
          if (!(error instanceof Error)) throw error;
          context.log.warn({ err: error, advertiserCode: account.advertiserCode }, 'Brand Benchmarks could not be read for an advertiser');
          failures.push(`${where}: ${error.message}`);
        }
      }
      if (failures.length > 0) throw new Error(`Brand Benchmarks failed for ${failures.length} advertiser(s): ${failures.join('; ')}`);
    },
  };
}

/** `BRAND_BENCHMARKS_ADVERTISER_CODES` (`accountId=code,…`, validated by env.ts) as a map. */
export function advertiserCodesOf(setting: string | undefined): Map<string, string> {
  return new Map(
    (setting ?? '')
      .split(',')
      .filter(Boolean)
      .map((pair) => pair.split('=') as [string, string]),
  );
}
