/**
 * Audience Insights as a source: per profile, the advertiser's own audiences (discovery), then the Amazon audiences
 * each one overlaps with. A malformed audience or overlap is quarantined and the others go on; a profile whose calls
 * fail is reported and the other profiles are still read (the run is then partial).
 */
import { AdsApiError } from '../../ads-client/ads-client.ts';
import type { SourceAdapter, SourceContext, SourceItem } from '../source-adapter.ts';
import { listAdvertiserAudiences, listOverlappingAudiences } from './ai-api.ts';
import { normaliseOverlap } from './ai-normalise.ts';

export const audienceInsightsSource: SourceAdapter = {
  source: 'audience-insights',
  async *fetch(context: SourceContext): AsyncGenerator<SourceItem> {
    const failures: string[] = [];
    for (const profile of context.profiles) {
      try {
        const own: string[] = [];
        for await (const audience of listAdvertiserAudiences(context.client, profile, context.signal)) {
          if (audience.ok) own.push(audience.value.audienceId);
          else
            yield {
              type: 'quarantined',
              reason: audience.reason,
              location: `profile ${profile.profileId} ${audience.location}`,
              raw: audience.raw,
            };
        }
        for (const audienceId of own) {
          for await (const page of listOverlappingAudiences(context.client, profile, audienceId, context.signal)) {
            for (const entry of page.entries) {
              if (!entry.ok) {
                yield {
                  type: 'quarantined',
                  reason: entry.reason,
                  location: `profile ${profile.profileId} ${entry.location}`,
                  raw: entry.raw,
                };
                continue;
              }
              yield { type: 'recommendation', recommendation: normaliseOverlap(entry.value, page.requested, profile, context.now()) };
            }
          }
        }
      } catch (error) {
        if (context.signal?.aborted || !(error instanceof AdsApiError)) throw error;
        context.log.warn({ err: error, profileId: profile.profileId }, 'Audience Insights could not be read for a profile');
        failures.push(`profile ${profile.profileId}: ${error.message}`);
      }
    }
    if (failures.length > 0) throw new Error(`Audience Insights failed for ${failures.length} profile(s): ${failures.join('; ')}`);
  },
};
