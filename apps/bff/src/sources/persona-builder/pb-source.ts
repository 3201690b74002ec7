/**
 * Persona Builder as a source: per profile, the advertiser's own audiences (audiences discovery), then the top
 * categories their customers buy, as one persona insight each. A malformed category is quarantined and the persona is
 * made of the others; a profile whose calls fail is reported and the others are still read (the run is then partial).
 */
import { AdsApiError } from '../../ads-client/ads-client.ts';
import { listAdvertiserAudiences } from '../audience-insights/ai-api.ts';
import type { SourceAdapter, SourceContext, SourceItem } from '../source-adapter.ts';
import { topCategoriesPurchased } from './pb-api.ts';
import { normalisePersona } from './pb-normalise.ts';

export const personaBuilderSource: SourceAdapter = {
  source: 'persona-builder',
  async *fetch(context: SourceContext): AsyncGenerator<SourceItem> {
    const failures: string[] = [];
    for (const profile of context.profiles) {
      try {
        const own: { audienceId: string; audienceName: string }[] = [];
        for await (const audience of listAdvertiserAudiences(context.client, profile, context.signal)) {
          if (audience.ok) own.push(audience.value);
          else
            yield {
              type: 'quarantined',
              reason: audience.reason,
              location: `profile ${profile.profileId} ${audience.location}`,
              raw: audience.raw,
            };
        }
        for (const audience of own) {
          const top = await topCategoriesPurchased(context.client, profile, audience.audienceId, context.signal);
          for (const bad of top.malformed) {
            yield {
              type: 'quarantined',
              reason: bad.reason,
              location: `profile ${profile.profileId} audience ${audience.audienceId} category ${bad.index}`,
              raw: bad.raw,
            };
          }
          const persona = normalisePersona(audience, top.categories, top.lastUpdatedAt, profile, context.now());
          if (persona) yield { type: 'recommendation', recommendation: persona };
        }
      } catch (error) {
        if (context.signal?.aborted || !(error instanceof AdsApiError)) throw error;
        context.log.warn({ err: error, profileId: profile.profileId }, 'Persona Builder could not be read for a profile');
        failures.push(`profile ${profile.profileId}: ${error.message}`);
      }
    }
    if (failures.length > 0) throw new Error(`Persona Builder failed for ${failures.length} profile(s): ${failures.join('; ')}`);
  },
};
