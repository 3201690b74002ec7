/**
 * The rest of Persona Builder (shared/ads-api/specs/persona-builder.json) and the audiences taxonomy
 * (audiences-discovery.json), as the client calls them: top overlapping audiences, demographics and the banded size of
 * an audience (each a POST with `advertiserId` in the query, the advertiser's own audience as the input expression,
 * and the endpoint's own versioned media types), and `POST /audiences/taxonomy/list` (plain JSON, paged). Malformed
 * entries come back apart, for the source to quarantine.
 */
import { z } from 'zod';
import type { AdsClient } from '../../ads-client/ads-client.ts';
import type { AdsProfile } from '../../ads-client/profiles.ts';

export const TOP_OVERLAPPING_INPUT = 'application/vnd.topoverlappingaudiencesinputexpression.v1+json';
export const TOP_OVERLAPPING_OUTPUT = 'application/vnd.topoverlappingaudiencesinsights.v1+json';
export const DEMOGRAPHICS_INPUT = 'application/vnd.demographicinputexpressions.v1+json';
export const DEMOGRAPHICS_OUTPUT = 'application/vnd.demographicinsights.v1+json';
export const BANDED_SIZE_INPUT = 'application/vnd.bandedsizeinputexpression.v1+json';
export const BANDED_SIZE_OUTPUT = 'application/vnd.bandedsizeinsights.v1+json';
/** How many overlapping audiences a persona names (one page). */
export const TOP_AUDIENCES = 10;

const Metric = z.looseObject({ affinity: z.number().min(0), overlapPercentage: z.number().min(0).max(100) });
const Bands = z.looseObject({ lowerBound: z.number(), upperBound: z.number().optional() });
export const AudienceInsightSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().min(1),
  category: z.string(),
  forecast: z.looseObject({ dailyReach: Bands, dailyImpressions: Bands }),
  insightMetrics: Metric,
});
export type AudienceInsight = z.infer<typeof AudienceInsightSchema>;

const Range = z.looseObject({ min: z.number().optional(), max: z.number().optional() });
const Ranged = z.looseObject({ segmentId: z.string(), range: Range, insightMetrics: Metric });
const Attributed = z.looseObject({ attribute: z.string(), insightMetrics: Metric });
export const DemographicsSchema = z.looseObject({
  age: z.array(Ranged).optional(),
  gender: z.array(Attributed).optional(),
  income: z.array(Ranged.extend({ currency: z.string() })).optional(),
  education: z.array(Attributed).optional(),
});
export type Demographics = z.infer<typeof DemographicsSchema>;
export const BandedSizeSchema = z.looseObject({ min: z.number().min(0), max: z.number().min(0).optional() });
export type BandedSize = z.infer<typeof BandedSizeSchema>;

const expression = (audienceId: string) => ({
  audienceTargetingExpression: { audiences: [{ audienceId, groupId: 'customers', negative: false }] },
});

async function personaCall<S extends z.ZodType>(
  client: AdsClient,
  profile: AdsProfile,
  call: { path: string; input: string; output: string; endpoint: string; audienceId: string; maxResults?: number },
  schema: S,
  signal?: AbortSignal,
): Promise<z.infer<S>> {
  return client.requestJson(
    {
      region: profile.region,
      method: 'POST',
      path: call.path,
      query: { advertiserId: profile.accountId, maxResults: call.maxResults },
      auth: { kind: 'profile', profileId: profile.profileId },
      contentType: call.input,
      accept: call.output,
      body: expression(call.audienceId),
      endpoint: call.endpoint,
      signal,
    },
    schema,
  );
}

export interface Malformed {
  reason: string;
  raw: unknown;
  location: string;
}

export async function topOverlappingAudiences(client: AdsClient, profile: AdsProfile, audienceId: string, signal?: AbortSignal) {
  const body = await personaCall(
    client,
    profile,
    {
      path: '/insights/topOverlappingAudiences',
      input: TOP_OVERLAPPING_INPUT,
      output: TOP_OVERLAPPING_OUTPUT,
      endpoint: 'personaBuilder.topOverlappingAudiences',
      audienceId,
      maxResults: TOP_AUDIENCES,
    },
    z.looseObject({ audiences: z.array(z.unknown()), lastUpdatedAt: z.string().optional() }),
    signal,
  );
  const audiences: AudienceInsight[] = [];
  const malformed: Malformed[] = [];
  for (const [index, raw] of body.audiences.entries()) {
    const parsed = AudienceInsightSchema.safeParse(raw);
    if (parsed.success) audiences.push(parsed.data);
    else
      malformed.push({
        reason: `overlapping audience does not match the published schema: ${z.prettifyError(parsed.error)}`,
        raw,
        location: `top overlapping audience ${index}`,
      });
  }
  return { audiences, malformed };
}

export async function demographics(
  client: AdsClient,
  profile: AdsProfile,
  audienceId: string,
  signal?: AbortSignal,
): Promise<Demographics> {
  const body = await personaCall(
    client,
    profile,
    {
      path: '/insights/demographics',
      input: DEMOGRAPHICS_INPUT,
      output: DEMOGRAPHICS_OUTPUT,
      endpoint: 'personaBuilder.demographics',
      audienceId,
    },
    z.looseObject({ demographics: DemographicsSchema }),
    signal,
  );
  return body.demographics;
}

export async function bandedSize(client: AdsClient, profile: AdsProfile, audienceId: string, signal?: AbortSignal): Promise<BandedSize> {
  const body = await personaCall(
    client,
    profile,
    {
      path: '/insights/bandedSize',
      input: BANDED_SIZE_INPUT,
      output: BANDED_SIZE_OUTPUT,
      endpoint: 'personaBuilder.bandedSize',
      audienceId,
    },
    z.looseObject({ estimatedSize: BandedSizeSchema }),
    signal,
  );
  return body.estimatedSize;
}

const TaxonomyPageSchema = z.looseObject({
  categories: z.array(z.looseObject({ category: z.string().min(1), audienceCount: z.number().int().min(0).optional() })).default([]),
  nextToken: z.string().nullish(),
});
export type TaxonomyNode = { category: string; audienceCount: number | null };

/** The taxonomy's categories under a path (the main ones for an empty path), every page. */
export async function audienceTaxonomy(
  client: AdsClient,
  profile: AdsProfile,
  categoryPath: readonly string[] = [],
  signal?: AbortSignal,
): Promise<TaxonomyNode[]> {
  const nodes: TaxonomyNode[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < 20; page++) {
    const body = await client.requestJson(
      {
        region: profile.region,
        method: 'POST',
        path: '/audiences/taxonomy/list',
        query: { advertiserId: profile.accountId, maxResults: 250, nextToken },
        auth: { kind: 'profile', profileId: profile.profileId },
        contentType: 'application/json',
        accept: 'application/json',
        body: { adType: 'DSP', categoryPath: [...categoryPath] },
        endpoint: 'audiences.taxonomy',
        signal,
      },
      TaxonomyPageSchema,
    );
    nodes.push(...body.categories.map((c) => ({ category: c.category, audienceCount: c.audienceCount ?? null })));
    if (!body.nextToken) break;
    nextToken = body.nextToken;
  }
  return nodes;
}
