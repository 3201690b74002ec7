/**
 * Reach Forecasting as a source: one forecast per profile for the next 30 days, turned into a strategic insight. A
 * refused or malformed forecast is quarantined with its reason; a profile whose call fails is reported and the others
 * are still read (the run is then partial).
 */
import { AdsApiError } from '../../ads-client/ads-client.ts';
import type { SourceAdapter, SourceContext, SourceItem } from '../source-adapter.ts';
import { createReachForecast, forecastRequestOf } from './rf-api.ts';
import { normaliseForecast } from './rf-normalise.ts';

export const reachForecastingSource: SourceAdapter = {
  source: 'reach-forecasting',
  async *fetch(context: SourceContext): AsyncGenerator<SourceItem> {
    const failures: string[] = [];
    for (const profile of context.profiles) {
      try {
        const result = await createReachForecast(context.client, profile, forecastRequestOf(profile, context.now()), context.signal);
        const location = `profile ${profile.profileId} reach forecast ${result.request.startDate}..${result.request.endDate}`;
        if (!result.ok) {
          yield { type: 'quarantined', reason: result.reason, location, raw: result.raw };
          continue;
        }
        const item = normaliseForecast(result.forecast, result.request, profile);
        if ('reason' in item) yield { type: 'quarantined', reason: item.reason, location, raw: result.forecast };
        else yield { type: 'recommendation', recommendation: item };
      } catch (error) {
        if (context.signal?.aborted || !(error instanceof AdsApiError)) throw error;
        context.log.warn({ err: error, profileId: profile.profileId }, 'Reach Forecasting could not be read for a profile');
        failures.push(`profile ${profile.profileId}: ${error.message}`);
      }
    }
    if (failures.length > 0) throw new Error(`Reach Forecasting failed for ${failures.length} profile(s): ${failures.join('; ')}`);
  },
};
