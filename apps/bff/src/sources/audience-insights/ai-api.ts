/**
 * Audiences discovery and Audience Insights as the client calls them (shared/ads-api/specs/audiences-discovery.json
 * and insights.json): `POST /audiences/list` (plain application/json) finds the advertiser's own audience (its
 * customers, category `Advertiser`); `GET /insights/audiences/{audienceId}/overlappingAudiences` answers, in the
 * versioned `application/vnd.insightsaudiencesoverlap.v2+json`, which Amazon audiences those customers overlap with
 * and how strongly (affinity). Both page with `nextToken`. Items are checked one by one: a malformed entry is yielded
 * as a failure, the others go on.
 */
import { z } from 'zod';
import type { AdsClient } from '../../ads-client/ads-client.ts';
import type { AdsProfile } from '../../ads-client/profiles.ts';

export const OVERLAP_MEDIA_TYPE = 'application/vnd.insightsaudiencesoverlap.v2+json';
/** Only overlaps at least this strong are read: weaker ones are not worth a person's attention. */
export const MINIMUM_AFFINITY = 2;

const BoundsSchema = z.looseObject({ lowerBound: z.number().int().min(1), upperBound: z.number().int().min(1) });
export const AudienceMetadataSchema = z.looseObject({
  audienceId: z.string().min(1),
  name: z.string().min(1),
  category: z.string(),
  audienceForecast: z.looseObject({ dailyReach: BoundsSchema.optional(), dailyImpressions: BoundsSchema.optional() }).optional(),
});
export type AudienceMetadata = z.infer<typeof AudienceMetadataSchema>;

export const OverlapEntrySchema = z.looseObject({
  affinity: z.number().min(0),
  audienceMetadata: AudienceMetadataSchema,
});
export type OverlapEntry = z.infer<typeof OverlapEntrySchema>;

const OverlapPageSchema = z.looseObject({
  marketplace: z.string(),
  requestedAudienceMetadata: AudienceMetadataSchema,
  overlappingAudiences: z.array(z.unknown()),
  nextToken: z.string().nullish(),
});

const DiscoveredAudienceSchema = z.looseObject({ audienceId: z.string().min(1), audienceName: z.string(), category: z.string() });
export type DiscoveredAudience = z.infer<typeof DiscoveredAudienceSchema>;
const AudiencePageSchema = z.looseObject({ audiences: z.array(z.unknown()), nextToken: z.string().nullish() });

export type Listed<T> = { ok: true; value: T } | { ok: false; reason: string; raw: unknown; location: string };

/** The advertiser's own audiences (its customers), every page. */
export async function* listAdvertiserAudiences(
  client: AdsClient,
  profile: AdsProfile,
  signal?: AbortSignal,
): AsyncGenerator<Listed<DiscoveredAudience>> {
  let nextToken: string | undefined;
  let page = 0;
  do {
    const body = await client.requestJson(
      {
        region: profile.region,
        method: 'POST',
        path: '/audiences/list',
        query: { advertiserId: profile.accountId, maxResults: 250, nextToken },
        auth: { kind: 'profile', profileId: profile.profileId },
        contentType: 'application/json',
        accept: 'application/json',
        body: { adType: 'DSP', filters: [{ field: 'category', operator: 'EQ', values: ['Advertiser'] }] },
        endpoint: 'audiences.list',
        signal,
      },
      AudiencePageSchema,
    );
    for (const [index, raw] of body.audiences.entries()) {
      const parsed = DiscoveredAudienceSchema.safeParse(raw);
      yield parsed.success
        ? { ok: true, value: parsed.data }
        : {
            ok: false,
            reason: `audience does not match the published schema: ${z.prettifyError(parsed.error)}`,
            raw,
            location: `audiences page ${page} item ${index}`,
          };
    }
    nextToken = body.nextToken ?? undefined;
    page++;
  } while (nextToken);
}

export interface OverlapPage {
  requested: AudienceMetadata;
  entries: Listed<OverlapEntry>[];
}

/** The audiences overlapping one audience with at least MINIMUM_AFFINITY, every page. */
export async function* listOverlappingAudiences(
  client: AdsClient,
  profile: AdsProfile,
  audienceId: string,
  signal?: AbortSignal,
): AsyncGenerator<OverlapPage> {
  let nextToken: string | undefined;
  let page = 0;
  do {
    const body = await client.requestJson(
      {
        region: profile.region,
        method: 'GET',
        path: `/insights/audiences/${encodeURIComponent(audienceId)}/overlappingAudiences`,
        query: { adType: 'DSP', advertiserId: profile.accountId, minimumOverlapAffinity: MINIMUM_AFFINITY, maxResults: 100, nextToken },
        auth: { kind: 'profile', profileId: profile.profileId },
        accept: OVERLAP_MEDIA_TYPE,
        endpoint: 'audienceInsights.overlappingAudiences',
        signal,
      },
      OverlapPageSchema,
    );
    yield {
      requested: body.requestedAudienceMetadata,
      entries: body.overlappingAudiences.map((raw, index) => {
        const parsed = OverlapEntrySchema.safeParse(raw);
        return parsed.success
          ? { ok: true as const, value: parsed.data }
          : {
              ok: false as const,
              reason: `overlapping audience does not match the published schema: ${z.prettifyError(parsed.error)}`,
              raw,
              location: `audience ${audienceId} page ${page} item ${index}`,
            };
      }),
    };
    nextToken = body.nextToken ?? undefined;
    page++;
  } while (nextToken);
}
