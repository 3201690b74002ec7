/**
 * Persona Builder (shared/ads-api/specs/persona-builder.json) as Amazon serves it: top categories purchased, top
 * overlapping audiences, demographics and the banded size of an audience, each a POST with `advertiserId` in the
 * query, its own versioned input and output media types, an audience targeting expression as input, `maxResults` /
 * `nextToken` paging on the two lists, DSP-style error bodies. The answers follow the world: the overlapping audiences
 * are Audience Insights' overlaps of the same audience, the size is the audience's reach.
 */
import { HttpResponse, http } from 'msw';
import { z } from 'zod';
import { hashed, overlapsOf, type SimulatedAudience, topCategoriesOf } from '../data/audience-insights.ts';
import { type Profile, profileOf } from '../data/world.ts';
import type { SimulatorState } from '../state.ts';
import { checkBearer, logRequest } from './amazon-http.ts';

export const TOP_CATEGORIES_INPUT = 'application/vnd.topcategoriespurchasedinputexpression.v1+json';
export const TOP_CATEGORIES_OUTPUT = 'application/vnd.topcategoriespurchasedinsights.v1+json';
export const TOP_OVERLAPPING_INPUT = 'application/vnd.topoverlappingaudiencesinputexpression.v1+json';
export const TOP_OVERLAPPING_OUTPUT = 'application/vnd.topoverlappingaudiencesinsights.v1+json';
export const DEMOGRAPHICS_INPUT = 'application/vnd.demographicinputexpressions.v1+json';
export const DEMOGRAPHICS_OUTPUT = 'application/vnd.demographicinsights.v1+json';
export const BANDED_SIZE_INPUT = 'application/vnd.bandedsizeinputexpression.v1+json';
export const BANDED_SIZE_OUTPUT = 'application/vnd.bandedsizeinsights.v1+json';

function dspError(status: number, message: string) {
  return HttpResponse.json(
    { message, requestId: 'sim-request', errors: [{ errorType: status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'INVALID_ARGUMENT', message }] },
    { status },
  );
}

const mediaTypeOf = (value: string | null) => (value ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

const InputSchema = z.looseObject({
  audienceTargetingExpression: z.looseObject({
    audiences: z
      .array(
        z.looseObject({
          audienceId: z.string().min(1),
          groupId: z.string().optional(),
          negative: z.union([z.boolean(), z.string()]).optional(),
        }),
      )
      .min(1)
      .max(5500),
  }),
});

const tokenFor = (offset: number) => Buffer.from(`offset:${offset}`).toString('base64url');
function offsetOf(token: string | null): number | null {
  if (!token) return 0;
  const match = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : null;
}

interface PersonaCall {
  profile: Profile;
  seed: SimulatedAudience;
  offset: number;
  maxResults: number;
  body: z.infer<typeof InputSchema>;
}

/** One Persona Builder endpoint: the checks every one makes, then `answer` for the audience asked about. */
function personaEndpoint(
  state: SimulatorState,
  path: string,
  media: { input: string; output: string },
  answer: (call: PersonaCall) => { body: Record<string, unknown>; total?: number },
) {
  return http.post(`*${path}`, async ({ request }) => {
    logRequest(state, request);
    const entry = state.requestLog.at(-1);
    const denied = checkBearer(state, request);
    if (denied) return denied;
    const scope = request.headers.get('amazon-advertising-api-scope') ?? '';
    const profile = /^\d+$/.test(scope) ? profileOf(state.world, Number(scope)) : undefined;
    if (!profile) return HttpResponse.json({ message: 'Amazon-Advertising-API-Scope names no profile you can access' }, { status: 403 });
    if (mediaTypeOf(request.headers.get('content-type')) !== media.input)
      return dspError(415, `Unsupported Content-Type '${request.headers.get('content-type') ?? ''}'`);
    if (mediaTypeOf(request.headers.get('accept')) !== media.output)
      return dspError(415, `Unsupported Accept '${request.headers.get('accept') ?? ''}'`);
    const url = new URL(request.url);
    if (url.searchParams.get('advertiserId') !== profile.advertiser.entityId)
      return dspError(400, 'advertiserId is required and must be the advertiser of the profile');
    const maxResults = Number(url.searchParams.get('maxResults') ?? '20');
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100) return dspError(400, 'maxResults must be between 1 and 100');
    const offset = offsetOf(url.searchParams.get('nextToken'));
    if (offset === null) return dspError(400, 'nextToken is invalid');
    const json = await request.json().catch(() => null);
    // Kept on the log entry, for tests to check requests against the published spec.
    if (entry) entry.body = json;
    const input = InputSchema.safeParse(json);
    if (!input.success) return dspError(400, z.prettifyError(input.error));
    const included = input.data.audienceTargetingExpression.audiences.filter((a) => String(a.negative ?? 'false') !== 'true');
    const seed = state.audiences.find((a) => a.audienceId === included[0]?.audienceId);
    if (!seed || (seed.profileId !== null && seed.profileId !== profile.profileId))
      return HttpResponse.json(
        { message: `Audience ${included[0]?.audienceId ?? ''} not found`, requestId: 'sim-request' },
        { status: 404 },
      );
    const { body, total } = answer({ profile, seed, offset, maxResults, body: input.data });
    const next = total !== undefined && offset + maxResults < total ? { nextToken: tokenFor(offset + maxResults) } : {};
    return HttpResponse.json(
      { lastUpdatedAt: state.audiencesCreatedAt.toISOString(), ...body, ...next },
      { headers: { 'content-type': media.output } },
    );
  });
}

const metric = (key: string, affinity: [number, number], overlap: [number, number]) => ({
  affinity: Math.round(hashed(`${key}|a`, ...affinity) * 100) / 100,
  overlapPercentage: Math.round(hashed(`${key}|o`, ...overlap) * 10) / 10,
});

/** Shares that add up to about 100%, one per segment, from the audience's id. */
function shares(key: string, segments: readonly string[]): number[] {
  const weights = segments.map((s) => hashed(`${key}|${s}`, 0.5, 2));
  const sum = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => Math.round((w / sum) * 1000) / 10);
}

export function demographicsOf(seed: SimulatedAudience, currency: string) {
  const key = `${seed.audienceId}|demographics`;
  const ages: [number, number | undefined][] = [
    [18, 24],
    [25, 34],
    [35, 44],
    [45, 54],
    [55, 64],
    [65, undefined],
  ];
  const ageShares = shares(
    `${key}|age`,
    ages.map(([min]) => String(min)),
  );
  const genders = ['FEMALE', 'MALE'] as const;
  const genderShares = shares(`${key}|gender`, genders);
  const incomes: [number, number | undefined][] = [
    [0, 50_000],
    [50_000, 100_000],
    [100_000, 150_000],
    [150_000, undefined],
  ];
  const incomeShares = shares(
    `${key}|income`,
    incomes.map(([min]) => String(min)),
  );
  const educations = ['HIGH_SCHOOL', 'SOME_COLLEGE', 'BACHELORS_DEGREE', 'GRADUATE_DEGREE'] as const;
  const educationShares = shares(`${key}|education`, educations);
  const range = (min: number, max: number | undefined) => (max === undefined ? { min } : { min, max });
  return {
    age: ages.map(([min, max], i) => ({
      segmentId: `age-${min}${max ? `-${max}` : '-plus'}`,
      range: range(min, max),
      insightMetrics: { affinity: metric(`${key}|age|${min}`, [0.6, 1.8], [0, 1]).affinity, overlapPercentage: ageShares[i] ?? 0 },
    })),
    gender: genders.map((attribute, i) => ({
      attribute,
      segmentId: `gender-${attribute.toLowerCase()}`,
      insightMetrics: {
        affinity: metric(`${key}|gender|${attribute}`, [0.7, 1.4], [0, 1]).affinity,
        overlapPercentage: genderShares[i] ?? 0,
      },
    })),
    income: incomes.map(([min, max], i) => ({
      currency,
      segmentId: `income-${min}`,
      range: range(min, max),
      insightMetrics: { affinity: metric(`${key}|income|${min}`, [0.6, 1.7], [0, 1]).affinity, overlapPercentage: incomeShares[i] ?? 0 },
    })),
    education: educations.map((attribute, i) => ({
      attribute,
      segmentId: `education-${attribute.toLowerCase()}`,
      insightMetrics: {
        affinity: metric(`${key}|education|${attribute}`, [0.7, 1.5], [0, 1]).affinity,
        overlapPercentage: educationShares[i] ?? 0,
      },
    })),
  };
}

/** The estimated unique customers of an audience, in Amazon's bands: its daily reach over a month, banded. */
export function bandedSizeOf(seed: SimulatedAudience): { min: number; max?: number } {
  const size = seed.dailyReach.upperBound * 30;
  const bands = [0, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];
  const at = bands.findLastIndex((b) => size >= b);
  const max = bands[at + 1];
  return max === undefined ? { min: bands[at] as number } : { min: bands[at] as number, max };
}

export function personaBuilderHandlers(state: SimulatorState) {
  return [
    personaEndpoint(state, '/insights/topCategoriesPurchased', { input: TOP_CATEGORIES_INPUT, output: TOP_CATEGORIES_OUTPUT }, (call) => {
      const all = topCategoriesOf(call.seed, state.brandMetrics);
      return {
        total: all.length,
        body: {
          retailCategories: all.slice(call.offset, call.offset + call.maxResults).map((c) => ({
            id: c.id,
            name: c.name,
            path: c.path,
            insightMetrics: { affinity: c.affinity, overlapPercentage: c.overlapPercentage },
          })),
        },
      };
    }),
    personaEndpoint(
      state,
      '/insights/topOverlappingAudiences',
      { input: TOP_OVERLAPPING_INPUT, output: TOP_OVERLAPPING_OUTPUT },
      (call) => {
        // At most 30 audiences in all (the spec's maxItems), best affinity first: Audience Insights' overlaps.
        const all = overlapsOf(call.seed, state.audiences, state.brandMetrics).slice(0, 30);
        return {
          total: all.length,
          body: {
            audiences: all.slice(call.offset, call.offset + call.maxResults).map(({ affinity, audience }) => ({
              id: audience.audienceId,
              name: audience.audienceName,
              category: audience.category,
              forecast: { dailyReach: audience.dailyReach, dailyImpressions: audience.dailyImpressions },
              insightMetrics: {
                affinity,
                overlapPercentage:
                  Math.round(Math.min(100, affinity * hashed(`${call.seed.audienceId}|${audience.audienceId}|o`, 2, 8)) * 10) / 10,
              },
            })),
          },
        };
      },
    ),
    personaEndpoint(state, '/insights/demographics', { input: DEMOGRAPHICS_INPUT, output: DEMOGRAPHICS_OUTPUT }, (call) => ({
      body: { demographics: demographicsOf(call.seed, call.profile.marketplace.currency) },
    })),
    personaEndpoint(state, '/insights/bandedSize', { input: BANDED_SIZE_INPUT, output: BANDED_SIZE_OUTPUT }, (call) => ({
      body: { estimatedSize: bandedSizeOf(call.seed) },
    })),
  ];
}
