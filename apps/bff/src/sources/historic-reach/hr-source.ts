/**
 * Historic Reach as a source: per profile in a supported geography, the advertiser's own audiences (audiences
 * discovery), then the reach curve of the last 12 weeks on Streaming TV for them: created, polled, read page by page,
 * turned into one insight. A malformed point is quarantined and the curve made of the others; a failed curve or a
 * profile whose calls fail is reported after the others have been read.
 */
import { AdsApiError } from '../../ads-client/ads-client.ts';
import { listAdvertiserAudiences } from '../audience-insights/ai-api.ts';
import type { SourceAdapter, SourceContext, SourceItem } from '../source-adapter.ts';
import { CurveFailedError, createCurve, curveRequest, type DataPoint, geographyOf, readCurve, waitForCurve } from './hr-api.ts';
import { normaliseCurve } from './hr-normalise.ts';

export interface HistoricReachOptions {
  pollIntervalMs: number;
  maxPollIntervalMs?: number;
  maxWaitMs?: number;
}

export function historicReachSource(options: HistoricReachOptions): SourceAdapter {
  return {
    source: 'historic-reach',
    async *fetch(context: SourceContext): AsyncGenerator<SourceItem> {
      const failures: string[] = [];
      for (const profile of context.profiles) {
        const geography = geographyOf(profile.countryCode);
        if (!geography) continue;
        try {
          const audiences: { audienceId: string; audienceName: string }[] = [];
          for await (const listed of listAdvertiserAudiences(context.client, profile, context.signal)) {
            if (listed.ok) audiences.push(listed.value);
            else
              yield {
                type: 'quarantined',
                reason: listed.reason,
                location: `profile ${profile.profileId} ${listed.location}`,
                raw: listed.raw,
              };
          }
          const request = curveRequest(
            geography,
            audiences.map((a) => a.audienceId),
            context.now(),
          );
          const created = await createCurve(context.client, profile, request, context.signal);
          await waitForCurve(context.client, profile, created, {
            intervalMs: options.pollIntervalMs,
            maxIntervalMs: options.maxPollIntervalMs ?? 30_000,
            maxWaitMs: options.maxWaitMs ?? 15 * 60_000,
            now: context.now,
            signal: context.signal,
          });
          const points: DataPoint[] = [];
          for await (const item of readCurve(context.client, profile, created.reportId, context.signal)) {
            if (item.ok) points.push(item.point);
            else
              yield {
                type: 'quarantined',
                reason: item.reason,
                location: `profile ${profile.profileId} curve ${created.reportId} ${item.location}`,
                raw: item.raw,
              };
          }
          const insight = normaliseCurve(
            points,
            request,
            audiences.map((a) => a.audienceName),
            profile,
            context.now(),
          );
          if ('reason' in insight)
            yield {
              type: 'quarantined',
              reason: insight.reason,
              location: `profile ${profile.profileId} curve ${created.reportId}`,
              raw: points,
            };
          else yield { type: 'recommendation', recommendation: insight };
        } catch (error) {
          if (context.signal?.aborted || !(error instanceof AdsApiError || error instanceof CurveFailedError)) throw error;
          context.log.warn({ err: error, profileId: profile.profileId }, 'Historic Reach could not be read for a profile');
          failures.push(`profile ${profile.profileId}: ${error.message}`);
        }
      }
      if (failures.length > 0) throw new Error(`Historic Reach failed for ${failures.length} profile(s): ${failures.join('; ')}`);
    },
  };
}
