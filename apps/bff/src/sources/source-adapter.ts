/**
 * What every source adapter is: a function from the upstream to a stream of normalised recommendations and
 * quarantined items. Adapters only describe calls through the AdsClient and map data; the ingest component stores
 * what they yield, so a malformed item never stops the others.
 */
import type { NormalisedRecommendation, RecommendationSource } from '@recdesk/shared-types';
import type { Logger } from 'pino';
import type { AdsClient } from '../ads-client/ads-client.ts';
import type { AdsProfile } from '../ads-client/profiles.ts';

export interface SourceContext {
  client: AdsClient;
  profiles: readonly AdsProfile[];
  now: () => Date;
  log: Logger;
  signal?: AbortSignal;
}

export type SourceItem =
  | { type: 'recommendation'; recommendation: NormalisedRecommendation }
  | { type: 'quarantined'; reason: string; location: string; raw: unknown };

export interface SourceAdapter {
  source: RecommendationSource;
  fetch(context: SourceContext): AsyncIterable<SourceItem>;
}
