/**
 * Persona Builder as a source: per profile, the advertiser's own audiences (audiences discovery) and the taxonomy's
 * main categories, then for each audience the top categories its customers buy, its top overlapping audiences, its
 * demographics and its banded size, as one persona insight each. A malformed category is quarantined and the persona is
 * made of the others; a profile whose calls fail is reported and the others are still read (the run is then partial).
 */
import { AdsApiError } from '../../ads-client/ads-client.ts';
import { listAdvertiserAudiences } from '../audience-insights/ai-api.ts';
import type { SourceAdapter, SourceContext, SourceItem } from '../source-adapter.ts';
import { topCategoriesPurchased } from './pb-api.ts';
import { audienceTaxonomy, bandedSize, demographics, topOverlappingAudiences } from './pb-facts-api.ts';
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
        // The taxonomy's main categories, once per profile: what the overlapping audiences' categories belong to.
        const taxonomy = own.length > 0 ? await audienceTaxonomy(context.client, profile, [], context.signal) : [];
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
          const overlapping = await topOverlappingAudiences(context.client, profile, audience.audienceId, context.signal);
          for (const bad of overlapping.malformed)
            yield {
              type: 'quarantined',
              reason: bad.reason,
              location: `profile ${profile.profileId} audience ${audience.audienceId} ${bad.location}`,
              raw: bad.raw,
            };
          const facts = {
            topAudiences: overlapping.audiences,
            demographics: await demographics(context.client, profile, audience.audienceId, context.signal),
            bandedSize: await bandedSize(context.client, profile, audience.audienceId, context.signal),
            taxonomy,
          };
          const persona = normalisePersona(audience, top.categories, top.lastUpdatedAt, profile, context.now(), facts);
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
