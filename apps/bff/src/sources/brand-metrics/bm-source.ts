/**
 * The Brand Metrics source: for every advertiser profile, create a report, wait for it (polling with backoff),
 * download it, keep each brand's metrics in the brand metrics table (for rules) and yield its brand-level insights.
 * A malformed record is quarantined; a profile whose report fails is reported after the others have been read.
 *
 * Unlike other adapters this one writes a table of its own (the metrics), because they are data for rules rather
 * than recommendations; the insights still flow through the ingest component like every other source's items.
 */
import { AdsApiError } from '../../ads-client/ads-client.ts';
import type { SourceAdapter, SourceContext, SourceItem } from '../source-adapter.ts';
import { createReport, ReportFailedError, type ReportFormat, readReport, waitForReport } from './bm-api.ts';
import { type BrandMetricsRow, normaliseBrandMetrics } from './bm-normalise.ts';
import type { BrandMetricsStore } from './brand-metrics-store.ts';

export interface BrandMetricsSourceOptions {
  metrics: BrandMetricsStore;
  format: ReportFormat;
  pollIntervalMs: number;
  maxPollIntervalMs?: number;
  maxWaitMs?: number;
}

export function brandMetricsSource(options: BrandMetricsSourceOptions): SourceAdapter {
  return {
    source: 'brand-metrics',
    async *fetch(context: SourceContext): AsyncGenerator<SourceItem> {
      const failures: string[] = [];
      for (const profile of context.profiles) {
        try {
          const created = await createReport(context.client, profile, options.format, context.signal);
          const done = await waitForReport(context.client, profile, created, {
            intervalMs: options.pollIntervalMs,
            maxIntervalMs: options.maxPollIntervalMs ?? 30_000,
            maxWaitMs: options.maxWaitMs ?? 15 * 60_000,
            now: context.now,
            signal: context.signal,
          });
          const rows: BrandMetricsRow[] = [];
          for await (const item of readReport(context.client, done, options.format, context.signal)) {
            if (!item.ok) {
              yield { type: 'quarantined', reason: item.reason, location: `profile ${profile.profileId} ${item.location}`, raw: item.raw };
              continue;
            }
            const result = normaliseBrandMetrics(item.record, profile);
            if (!result.ok) {
              yield {
                type: 'quarantined',
                reason: result.reason,
                location: `profile ${profile.profileId} ${item.location}`,
                raw: item.record,
              };
              continue;
            }
            rows.push(result.row);
            for (const insight of result.insights) yield { type: 'recommendation', recommendation: insight };
          }
          await options.metrics.upsert(rows);
        } catch (error) {
          if (context.signal?.aborted || !(error instanceof AdsApiError || error instanceof ReportFailedError)) throw error;
          context.log.warn({ err: error, profileId: profile.profileId }, 'Brand Metrics could not be read for a profile');
          failures.push(`profile ${profile.profileId}: ${error.message}`);
        }
      }
      if (failures.length > 0) throw new Error(`Brand Metrics failed for ${failures.length} profile(s): ${failures.join('; ')}`);
    },
  };
}
