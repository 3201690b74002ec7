/**
 * Audiences discovery (`POST /audiences/list`, shared/ads-api/specs/audiences-discovery.json) and Audience Insights'
 * overlapping audiences (`GET /insights/audiences/{audienceId}/overlappingAudiences`, insights.json) as Amazon serves
 * them: profile-scoped, discovery in plain `application/json`, overlaps in the versioned
 * `application/vnd.insightsaudiencesoverlap.v2+json` (errors in `application/vnd.insightserror.v1+json`), both paged
 * with `maxResults` and an opaque `nextToken`.
 */
import { HttpResponse, http } from 'msw';
import { z } from 'zod';
import { overlapsOf, type SimulatedAudience } from '../data/audience-insights.ts';
import { profileOf } from '../data/world.ts';
import type { SimulatorState } from '../state.ts';
import { checkBearer, logRequest } from './amazon-http.ts';

export const OVERLAP_MEDIA_TYPE = 'application/vnd.insightsaudiencesoverlap.v2+json';
const INSIGHTS_ERROR_TYPE = 'application/vnd.insightserror.v1+json';

function insightsError(status: number, message: string) {
  return HttpResponse.json({ message, requestId: 'sim-request' }, { status, headers: { 'content-type': INSIGHTS_ERROR_TYPE } });
}

function discoveryError(status: number, code: string, message: string) {
  return HttpResponse.json({ code, message }, { status });
}

const tokenFor = (offset: number) => Buffer.from(`offset:${offset}`).toString('base64url');
function offsetOf(token: string | null): number | null {
  if (!token) return 0;
  const match = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : null;
}

function scopedProfile(state: SimulatorState, request: Request) {
  const scope = request.headers.get('amazon-advertising-api-scope') ?? '';
  return /^\d+$/.test(scope) ? profileOf(state.world, Number(scope)) : undefined;
}

const FilterSchema = z.looseObject({
  field: z.enum(['audienceName', 'category', 'categoryPath', 'audienceId', 'status']),
  operator: z.enum(['EQ', 'NOT_EQ']).default('EQ'),
  values: z.array(z.string()),
});
const TaxonomyBodySchema = z.looseObject({
  adType: z.enum(['DSP', 'SD', 'ST']).optional(),
  categoryPath: z.array(z.string()).optional(),
  countries: z.array(z.string()).min(1).max(1).optional(),
});

const ListBodySchema = z.looseObject({
  adType: z.enum(['DSP', 'SD', 'ST']).optional(),
  countries: z.array(z.string()).min(1).max(1).optional(),
  filters: z.array(FilterSchema).optional(),
});

function matches(audience: SimulatedAudience, filter: z.infer<typeof FilterSchema>): boolean {
  const value = (() => {
    switch (filter.field) {
      case 'audienceName':
        return filter.values.some((v) => audience.audienceName.toLowerCase().includes(v.toLowerCase()));
      case 'category':
        return filter.values.includes(audience.category);
      case 'categoryPath':
        return filter.values.includes(audience.shoppingCategory ?? '');
      case 'audienceId':
        return filter.values.includes(audience.audienceId);
      case 'status':
        return filter.values.includes('Active');
    }
  })();
  return filter.operator === 'EQ' ? value : !value;
}

function discoveryView(audience: SimulatedAudience, createDate: string) {
  return {
    audienceId: audience.audienceId,
    audienceName: audience.audienceName,
    category: audience.category,
    ...(audience.shoppingCategory ? { subCategory: audience.shoppingCategory } : {}),
    description: audience.description,
    status: 'Active',
    createDate,
    updateDate: createDate,
    forecasts: {
      inventoryForecasts: {
        all: {
          dailyReach: { lowerBoundInclusive: audience.dailyReach.lowerBound, upperBoundExclusive: audience.dailyReach.upperBound },
          dailyImpressions: {
            lowerBoundInclusive: audience.dailyImpressions.lowerBound,
            upperBoundExclusive: audience.dailyImpressions.upperBound,
          },
        },
      },
    },
  };
}

function overlapMetadata(audience: SimulatedAudience) {
  return {
    audienceId: audience.audienceId,
    name: audience.audienceName,
    category: audience.category,
    audienceForecast: { dailyReach: audience.dailyReach, dailyImpressions: audience.dailyImpressions },
  };
}

export function audienceInsightsHandlers(state: SimulatorState) {
  return [
    http.post('*/audiences/list', async ({ request }) => {
      logRequest(state, request);
      const denied = checkBearer(state, request);
      if (denied) return denied;
      const profile = scopedProfile(state, request);
      if (!profile) return discoveryError(403, 'ACCESS_DENIED', 'Amazon-Advertising-API-Scope names no profile you can access');
      if (!/^application\/json\b/i.test(request.headers.get('content-type') ?? ''))
        return discoveryError(400, 'INVALID_ARGUMENT', 'Content-Type must be application/json');
      const url = new URL(request.url);
      const maxResults = Number(url.searchParams.get('maxResults') ?? '10');
      if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 250)
        return discoveryError(400, 'INVALID_ARGUMENT', 'maxResults must be between 1 and 250');
      const offset = offsetOf(url.searchParams.get('nextToken'));
      if (offset === null) return discoveryError(400, 'INVALID_ARGUMENT', 'nextToken is invalid');
      const json = (await request.json().catch(() => ({}))) ?? {};
      const entry = state.requestLog.at(-1);
      if (entry) entry.body = json;
      const parsed = ListBodySchema.safeParse(json);
      if (!parsed.success) return discoveryError(400, 'INVALID_ARGUMENT', z.prettifyError(parsed.error));
      // A profile sees Amazon's audiences and its own customers in its marketplace, never another profile's.
      const visible = state.audiences.filter((a) => a.profileId === null || a.profileId === profile.profileId);
      const matching = visible.filter((a) => (parsed.data.filters ?? []).every((f) => matches(a, f)));
      const createDate = state.audiencesCreatedAt.toISOString();
      return HttpResponse.json({
        audiences: matching.slice(offset, offset + maxResults).map((a) => discoveryView(a, createDate)),
        matchCount: matching.length,
        ...(offset + maxResults < matching.length ? { nextToken: tokenFor(offset + maxResults) } : {}),
      });
    }),

    // The taxonomy: main categories without a path, the shopping categories under one (In-market), with counts.
    http.post('*/audiences/taxonomy/list', async ({ request }) => {
      logRequest(state, request);
      const denied = checkBearer(state, request);
      if (denied) return denied;
      const profile = scopedProfile(state, request);
      if (!profile) return discoveryError(403, 'ACCESS_DENIED', 'Amazon-Advertising-API-Scope names no profile you can access');
      if (!/^application\/json\b/i.test(request.headers.get('content-type') ?? ''))
        return discoveryError(400, 'INVALID_ARGUMENT', 'Content-Type must be application/json');
      const url = new URL(request.url);
      const maxResults = Number(url.searchParams.get('maxResults') ?? '10');
      if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 250)
        return discoveryError(400, 'INVALID_ARGUMENT', 'maxResults must be between 1 and 250');
      const offset = offsetOf(url.searchParams.get('nextToken'));
      if (offset === null) return discoveryError(400, 'INVALID_ARGUMENT', 'nextToken is invalid');
      const json = (await request.json().catch(() => ({}))) ?? {};
      const entry = state.requestLog.at(-1);
      if (entry) entry.body = json;
      const parsed = TaxonomyBodySchema.safeParse(json);
      if (!parsed.success) return discoveryError(400, 'INVALID_ARGUMENT', z.prettifyError(parsed.error));
      if (parsed.data.adType === 'DSP' && !url.searchParams.get('advertiserId'))
        return discoveryError(400, 'INVALID_ARGUMENT', 'advertiserId is required for the DSP adType');
      const path = parsed.data.categoryPath ?? [];
      const visible = state.audiences.filter((a) => a.profileId === null || a.profileId === profile.profileId);
      const counts = new Map<string, number>();
      for (const audience of visible) {
        const levels = [audience.category, ...(audience.shoppingCategory ? [audience.shoppingCategory] : [])];
        if (path.some((p, i) => levels[i] !== p)) continue;
        const child = levels[path.length];
        if (child) counts.set(child, (counts.get(child) ?? 0) + 1);
      }
      const categories = [...counts].map(([category, audienceCount]) => ({ category, audienceCount }));
      return HttpResponse.json({
        categoryPath: path,
        categories: categories.slice(offset, offset + maxResults),
        ...(offset + maxResults < categories.length ? { nextToken: tokenFor(offset + maxResults) } : {}),
      });
    }),

    http.get('*/insights/audiences/:audienceId/overlappingAudiences', ({ request, params }) => {
      logRequest(state, request);
      const denied = checkBearer(state, request);
      if (denied) return denied;
      const profile = scopedProfile(state, request);
      if (!profile) return insightsError(403, 'Amazon-Advertising-API-Scope names no profile you can access');
      if ((request.headers.get('accept') ?? '').split(';')[0]?.trim() !== OVERLAP_MEDIA_TYPE)
        return insightsError(400, `Unsupported Accept '${request.headers.get('accept') ?? ''}': use ${OVERLAP_MEDIA_TYPE}`);
      const url = new URL(request.url);
      const adType = url.searchParams.get('adType');
      if (adType !== 'DSP' && adType !== 'SD') return insightsError(400, 'adType is required and must be DSP or SD');
      const maxResults = Number(url.searchParams.get('maxResults') ?? '30');
      if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 500)
        return insightsError(400, 'maxResults must be between 1 and 500');
      const minimum = Number(url.searchParams.get('minimumOverlapAffinity') ?? '0');
      const maximum = Number(url.searchParams.get('maximumOverlapAffinity') ?? 'Infinity');
      if (Number.isNaN(minimum) || Number.isNaN(maximum) || minimum < 0)
        return insightsError(400, 'overlap affinity bounds must be numbers ≥ 0');
      const offset = offsetOf(url.searchParams.get('nextToken'));
      if (offset === null) return insightsError(400, 'nextToken is invalid');
      const seed = state.audiences.find((a) => a.audienceId === String(params.audienceId));
      if (!seed || (seed.profileId !== null && seed.profileId !== profile.profileId))
        return insightsError(404, `Audience ${String(params.audienceId)} not found`);
      const categories = url.searchParams.getAll('audienceCategory');
      const overlaps = overlapsOf(seed, state.audiences, state.brandMetrics).filter(
        (o) => o.affinity >= minimum && o.affinity <= maximum && (categories.length === 0 || categories.includes(o.audience.category)),
      );
      const page = overlaps.slice(offset, offset + maxResults);
      return HttpResponse.json(
        {
          marketplace: profile.marketplace.countryCode === 'UK' ? 'GB' : profile.marketplace.countryCode,
          requestedAudienceMetadata: overlapMetadata(seed),
          overlappingAudiences: page.map((o) => ({ affinity: o.affinity, audienceMetadata: overlapMetadata(o.audience) })),
          ...(offset + maxResults < overlaps.length ? { nextToken: tokenFor(offset + maxResults) } : {}),
        },
        { headers: { 'content-type': OVERLAP_MEDIA_TYPE } },
      );
    }),
  ];
}
