/**
 * Historic Reach as a source: per profile in a supported geography, the advertiser's own audiences (audiences
 * discovery), then the reach curve of the last 12 weeks on Streaming TV for them: created, polled (up to eight
 * profiles' curves at once), read page by page, turned into one insight. A malformed point is quarantined and the curve made of the others; a failed curve or a
 * profile whose calls fail is reported after the others have been read.
 */
import { AdsApiError } from '../../ads-client/ads-client.ts';
import type { AdsProfile } from '../../ads-client/profiles.ts';
import { listAdvertiserAudiences } from '../audience-insights/ai-api.ts';
import { settledAsCompleted } from '../shared/settled-as-completed.ts';
import type { SourceAdapter, SourceContext, SourceItem } from '../source-adapter.ts';
import { CurveFailedError, createCurve, curveRequest, type DataPoint, geographyOf, readCurve, waitForCurve } from './hr-api.ts';
import { normaliseCurve } from './hr-normalise.ts';

export interface HistoricReachOptions {
  pollIntervalMs: number;
  maxPollIntervalMs?: number;
  maxWaitMs?: number;
  /** Curves requested and polled at the same time (default 8); the client's rate limiter still paces the calls. */
  curvesInFlight?: number;
}

const CURVES_IN_FLIGHT = 8;

export function historicReachSource(options: HistoricReachOptions): SourceAdapter {
  return {
    source: 'historic-reach',
    async *fetch(context: SourceContext): AsyncGenerator<SourceItem> {
      const failures: string[] = [];
      const couldNotRead = (profile: AdsProfile, error: unknown) => {
        if (context.signal?.aborted || !(error instanceof AdsApiError || error instanceof CurveFailedError)) throw error;
        context.log.warn({ err: error, profileId: profile.profileId }, 'Historic Reach could not be read for a profile');
        failures.push(`profile ${profile.profileId}: ${error.message}`);
      };
      // A curve is generated upstream while we wait (seconds of polling each): several profiles' curves are requested
      // and polled at once, and each is read as soon as it is ready.
      const located = context.profiles.flatMap((profile) => {
        const geography = geographyOf(profile.countryCode);
        return geography ? [{ profile, geography }] : [];
      });
      const ready = settledAsCompleted(located, options.curvesInFlight ?? CURVES_IN_FLIGHT, async ({ profile, geography }) => {
        const audiences: { audienceId: string; audienceName: string }[] = [];
        const quarantined: SourceItem[] = [];
        for await (const listed of listAdvertiserAudiences(context.client, profile, context.signal)) {
          if (listed.ok) audiences.push(listed.value);
          else
            quarantined.push({
              type: 'quarantined',
              reason: listed.reason,
              location: `profile ${profile.profileId} ${listed.location}`,
              raw: listed.raw,
            });
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
        return { audiences, quarantined, request, created };
      });
      for await (const {
        input: { profile },
        result,
      } of ready) {
        if (result.status === 'rejected') {
          couldNotRead(profile, result.reason);
          continue;
        }
        const { audiences, quarantined, request, created } = result.value;
        yield* quarantined;
        try {
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
          couldNotRead(profile, error);
        }
      }
      if (failures.length > 0) throw new Error(`Historic Reach failed for ${failures.length} profile(s): ${failures.join('; ')}`);
    },
  };
}
