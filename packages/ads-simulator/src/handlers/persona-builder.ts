/**
 * Persona Builder's top categories purchased (`POST /insights/topCategoriesPurchased`,
 * shared/ads-api/specs/persona-builder.json) as Amazon serves it: `advertiserId` in the query, the versioned
 * `application/vnd.topcategoriespurchasedinputexpression.v1+json` in and `…topcategoriespurchasedinsights.v1+json` out,
 * an audience targeting expression as input, `maxResults` / `nextToken` paging, DSP-style error bodies.
 */
import { HttpResponse, http } from 'msw';
import { z } from 'zod';
import { topCategoriesOf } from '../data/audience-insights.ts';
import { profileOf } from '../data/world.ts';
import type { SimulatorState } from '../state.ts';
import { checkBearer, logRequest } from './amazon-http.ts';

export const TOP_CATEGORIES_INPUT = 'application/vnd.topcategoriespurchasedinputexpression.v1+json';
export const TOP_CATEGORIES_OUTPUT = 'application/vnd.topcategoriespurchasedinsights.v1+json';

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

export function personaBuilderHandlers(state: SimulatorState) {
  return [
    http.post('*/insights/topCategoriesPurchased', async ({ request }) => {
      logRequest(state, request);
      const denied = checkBearer(state, request);
      if (denied) return denied;
      const scope = request.headers.get('amazon-advertising-api-scope') ?? '';
      const profile = /^\d+$/.test(scope) ? profileOf(state.world, Number(scope)) : undefined;
      if (!profile) return HttpResponse.json({ message: 'Amazon-Advertising-API-Scope names no profile you can access' }, { status: 403 });
      if (mediaTypeOf(request.headers.get('content-type')) !== TOP_CATEGORIES_INPUT)
        return dspError(415, `Unsupported Content-Type '${request.headers.get('content-type') ?? ''}'`);
      if (mediaTypeOf(request.headers.get('accept')) !== TOP_CATEGORIES_OUTPUT)
        return dspError(415, `Unsupported Accept '${request.headers.get('accept') ?? ''}'`);
      const url = new URL(request.url);
      if (url.searchParams.get('advertiserId') !== profile.advertiser.entityId)
        return dspError(400, 'advertiserId is required and must be the advertiser of the profile');
      const maxResults = Number(url.searchParams.get('maxResults') ?? '20');
      if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100) return dspError(400, 'maxResults must be between 1 and 100');
      const offset = offsetOf(url.searchParams.get('nextToken'));
      if (offset === null) return dspError(400, 'nextToken is invalid');
      const input = InputSchema.safeParse(await request.json().catch(() => null));
      if (!input.success) return dspError(400, z.prettifyError(input.error));
      const included = input.data.audienceTargetingExpression.audiences.filter((a) => String(a.negative ?? 'false') !== 'true');
      const seed = state.audiences.find((a) => a.audienceId === included[0]?.audienceId);
      if (!seed || (seed.profileId !== null && seed.profileId !== profile.profileId))
        return HttpResponse.json(
          { message: `Audience ${included[0]?.audienceId ?? ''} not found`, requestId: 'sim-request' },
          { status: 404 },
        );
      const all = topCategoriesOf(seed, state.brandMetrics);
      const page = all.slice(offset, offset + maxResults);
      return HttpResponse.json(
        {
          lastUpdatedAt: state.audiencesCreatedAt.toISOString(),
          retailCategories: page.map((c) => ({
            id: c.id,
            name: c.name,
            path: c.path,
            insightMetrics: { affinity: c.affinity, overlapPercentage: c.overlapPercentage },
          })),
          ...(offset + maxResults < all.length ? { nextToken: tokenFor(offset + maxResults) } : {}),
        },
        { headers: { 'content-type': TOP_CATEGORIES_OUTPUT } },
      );
    }),
  ];
}
