/**
 * The Brand Metrics source: for every advertiser profile, create a report, wait for it (polling with backoff; up to
 * eight profiles' reports at once), download it, keep each brand's metrics in the brand metrics table (for rules) and yield its brand-level insights.
 * A malformed record is quarantined; a profile whose report fails is reported after the others have been read.
 *
 * Unlike other adapters this one writes a table of its own (the metrics), because they are data for rules rather
 * than recommendations; the insights still flow through the ingest component like every other source's items.
 */
import { AdsApiError } from '../../ads-client/ads-client.ts';
import type { AdsProfile } from '../../ads-client/profiles.ts';
import { settledAsCompleted } from '../shared/settled-as-completed.ts';
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
  /** Reports requested and polled at the same time (default 8); the client's rate limiter still paces the calls. */
  reportsInFlight?: number;
}

const REPORTS_IN_FLIGHT = 8;

export function brandMetricsSource(options: BrandMetricsSourceOptions): SourceAdapter {
  return {
    source: 'brand-metrics',
    async *fetch(context: SourceContext): AsyncGenerator<SourceItem> {
      const failures: string[] = [];
      const couldNotRead = (profile: AdsProfile, error: unknown) => {
        if (context.signal?.aborted || !(error instanceof AdsApiError || error instanceof ReportFailedError)) throw error;
        context.log.warn({ err: error, profileId: profile.profileId }, 'Brand Metrics could not be read for a profile');
        failures.push(`profile ${profile.profileId}: ${error.message}`);
      };
      // Reports are generated upstream while we wait: several profiles' reports are requested and polled at once,
      // and each is read as soon as it is ready (one at a time, so memory holds one report's rows).
      const ready = settledAsCompleted(context.profiles, options.reportsInFlight ?? REPORTS_IN_FLIGHT, async (profile) => {
        const created = await createReport(context.client, profile, options.format, context.signal);
        return waitForReport(context.client, profile, created, {
          intervalMs: options.pollIntervalMs,
          maxIntervalMs: options.maxPollIntervalMs ?? 30_000,
          maxWaitMs: options.maxWaitMs ?? 15 * 60_000,
          now: context.now,
          signal: context.signal,
        });
      });
      for await (const { input: profile, result } of ready) {
        if (result.status === 'rejected') {
          couldNotRead(profile, result.reason);
          continue;
        }
        try {
          const rows: BrandMetricsRow[] = [];
          for await (const item of readReport(context.client, result.value, options.format, context.signal)) {
            if (!item.ok) {
              yield { type: 'quarantined', reason: item.reason, location: `profile ${profile.profileId} ${item.location}`, raw: item.raw };
              continue;
            }
            const normalised = normaliseBrandMetrics(item.record, profile);
            if (!normalised.ok) {
              yield {
                type: 'quarantined',
                reason: normalised.reason,
                location: `profile ${profile.profileId} ${item.location}`,
                raw: item.record,
              };
              continue;
            }
            rows.push(normalised.row);
            for (const insight of normalised.insights) yield { type: 'recommendation', recommendation: insight };
          }
          await options.metrics.upsert(rows);
        } catch (error) {
          couldNotRead(profile, error);
        }
      }
      if (failures.length > 0) throw new Error(`Brand Metrics failed for ${failures.length} profile(s): ${failures.join('; ')}`);
    },
  };
}
