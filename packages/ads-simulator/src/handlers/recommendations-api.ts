/**
 * The unified Recommendations API as Amazon serves it (shared/ads-api/specs/tactical-recommendations.json, facts.md
 * §2.6): `POST /recommendations/list` with filters and `nextToken` paging, `POST /recommendations/apply` (1..100 ids,
 * 207 with per-item successes and failures) and `PUT /recommendations/{id}` to edit `recommendedValue` before an
 * apply. Calls are scoped by the `Amazon-Advertising-API-Scope` profile; errors use the API's own media type.
 */
import { HttpResponse, http } from 'msw';
import { z } from 'zod';
import type { UnifiedRecommendation } from '../data/recommendations-api.ts';
import { type Profile, profileOf } from '../data/world.ts';
import type { SimulatorState } from '../state.ts';
import { checkBearer, logRequest } from './amazon-http.ts';
import { regionOf } from './profiles.ts';

const ERROR_TYPE = 'application/vnd.recommendationApiError.v1+json';
export const LIST_REQUEST_TYPE = 'application/vnd.listRecommendationsRequest.v1+json';
export const LIST_RESPONSE_TYPE = 'application/vnd.listRecommendationsResponse.v1+json';
export const APPLY_REQUEST_TYPE = 'application/vnd.applyRecommendationsRequest.v1+json';
export const APPLY_RESPONSE_TYPE = 'application/vnd.applyRecommendationsResponse.v1+json';
export const UPDATE_REQUEST_TYPE = 'application/vnd.updateRecommendationRequest.v1+json';
export const RECOMMENDATION_TYPE = 'application/vnd.recommendation.v1+json';

function recError(status: number, code: string, message: string) {
  return HttpResponse.json({ code, message }, { status, headers: { 'content-type': ERROR_TYPE } });
}

function mediaTypeOf(header: string | null): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Bearer, ClientId, a Scope naming a profile of the called region, and the endpoint's versioned media types. */
function guard(state: SimulatorState, request: Request, requestType: string, responseType: string): Profile | Response {
  logRequest(state, request);
  const denied = checkBearer(state, request);
  if (denied) return denied;
  const scope = request.headers.get('amazon-advertising-api-scope');
  if (!scope) return recError(400, '400', 'Amazon-Advertising-API-Scope header is missing');
  const profile = /^\d+$/.test(scope) ? profileOf(state.world, Number(scope)) : undefined;
  if (!profile) return recError(400, '400', `No matching advertiser found for scope '${scope}'`);
  const region = regionOf(new URL(request.url));
  if (region !== 'ALL' && region !== profile.marketplace.region) {
    return recError(400, '400', 'Not authorized to access scope: the profile belongs to another region');
  }
  if (mediaTypeOf(request.headers.get('content-type')) !== requestType.toLowerCase()) {
    return recError(415, '415', `Unsupported Content-Type '${request.headers.get('content-type') ?? ''}'; expected ${requestType}`);
  }
  const accept = mediaTypeOf(request.headers.get('accept'));
  if (accept !== responseType.toLowerCase()) {
    return recError(415, '415', `Unsupported Accept '${request.headers.get('accept') ?? ''}'; expected ${responseType}`);
  }
  return profile;
}

const FILTER_FIELDS = ['AD_PRODUCT', 'CAMPAIGN_ID', 'GROUPING_TYPE', 'RECOMMENDATION_ID', 'RECOMMENDATION_TYPE', 'STATUS'] as const;

const ListRequestSchema = z.strictObject({
  filters: z
    .array(
      z.strictObject({
        field: z.enum(FILTER_FIELDS),
        operator: z.literal('EXACT'),
        values: z.array(z.string()).min(1).max(500),
        include: z.boolean().default(true),
      }),
    )
    .min(1)
    .max(10)
    .optional(),
  maxResults: z.number().int().min(1).max(500).default(500),
  nextToken: z.string().min(1).optional(),
  locale: z.string().optional(),
});

const FIELD_OF: Record<(typeof FILTER_FIELDS)[number], string> = {
  AD_PRODUCT: 'adProduct',
  CAMPAIGN_ID: 'campaignId',
  GROUPING_TYPE: 'groupingType',
  RECOMMENDATION_ID: 'recommendationId',
  RECOMMENDATION_TYPE: 'recommendationType',
  STATUS: 'status',
};

const ApplyRequestSchema = z.strictObject({ recommendationIds: z.array(z.string().min(1)).min(1).max(100) });
const UpdateRequestSchema = z.looseObject({
  recommendationId: z.string().optional(),
  recommendedValue: z.string().optional(),
  ruleBasedBidding: z.object({ recommendedRuleRoas: z.number() }).optional(),
  budgetRule: z.object({ ruleDetails: z.record(z.string(), z.unknown()) }).optional(),
});

const NUMBER_TYPES = new Set([
  'CAMPAIGN_BUDGET',
  'CAMPAIGN_TOP_PLACEMENT',
  'CAMPAIGN_PRODUCT_PLACEMENT',
  'AD_GROUP_DEFAULT_BID',
  'NEW_KEYWORD',
  'KEYWORD_BID',
  'NEW_PRODUCT_TARGETING',
  'PRODUCT_TARGETING_BID',
  'NEW_AUDIENCE_TARGETING',
  'AUDIENCE_TARGETING_BID',
]);
const STATE_VALUES = ['ENABLED', 'PAUSED', 'ARCHIVED'];

/** The type of `recommendedValue` depends on the recommendation type (UpdateRecommendationRequest in the spec). */
function checkRecommendedValue(type: string, value: string): string | null {
  if (NUMBER_TYPES.has(type)) return /^\d+(\.\d+)?$/.test(value) ? null : `recommendedValue must be a number for ${type}`;
  if (type === 'CAMPAIGN_END_DATE')
    return /^\d{4}-\d{2}-\d{2}$/.test(value) ? null : 'recommendedValue must be YYYY-MM-DD for CAMPAIGN_END_DATE';
  if (type === 'AD_GROUP_BID_OPTIMIZATION') {
    return ['CLICKS', 'CONVERSIONS', 'REACH'].includes(value) ? null : 'recommendedValue must be one of CLICKS, CONVERSIONS, REACH';
  }
  if (type === 'CAMPAIGN_BIDDING_STRATEGY') {
    return ['LEGACY_FOR_SALES', 'AUTO_FOR_SALES', 'MANUAL'].includes(value) ? null : 'recommendedValue must be a bidding strategy';
  }
  if (type.endsWith('_STATE')) return STATE_VALUES.includes(value) ? null : 'recommendedValue must be one of ENABLED, PAUSED, ARCHIVED';
  return `recommendedValue cannot be edited for ${type}`;
}

const tokenFor = (offset: number) => Buffer.from(`offset:${offset}`).toString('base64url');

/** What applying does to the world, for the types whose effect the world models; the ledger records every apply. */
function applyToWorld(state: SimulatorState, rec: UnifiedRecommendation['body']): void {
  const value = rec.recommendedValue;
  const campaign = state.world.campaigns.find((c) => c.campaignId === rec.campaignId);
  const number = Number(value);
  switch (rec.recommendationType) {
    case 'CAMPAIGN_BUDGET':
      if (campaign && value) campaign.dailyBudget = number;
      break;
    case 'CAMPAIGN_STATE':
      if (campaign && value) campaign.state = value as typeof campaign.state;
      break;
    case 'CAMPAIGN_TOP_PLACEMENT':
      if (campaign && value) campaign.placementTop = number;
      break;
    case 'CAMPAIGN_PRODUCT_PLACEMENT':
      if (campaign && value) campaign.placementProductPage = number;
      break;
    case 'KEYWORD_BID': {
      const keyword = state.world.keywords.find((k) => k.keywordId === rec.targetId);
      if (keyword && value) keyword.bid = number;
      break;
    }
    case 'PRODUCT_TARGETING_BID': {
      const target = state.world.targets.find((t) => t.targetId === rec.targetId);
      if (target && value) target.bid = number;
      break;
    }
    case 'AD_GROUP_DEFAULT_BID': {
      const adGroup = state.world.adGroups.find((g) => g.adGroupId === rec.adGroupId);
      if (adGroup && value) adGroup.defaultBid = number;
      break;
    }
  }
}

export function recommendationsApiHandlers(state: SimulatorState) {
  const ofProfile = (profile: Profile) => state.unifiedRecommendations.filter((r) => r.profileId === profile.profileId);

  return [
    http.post('*/recommendations/list', async ({ request }) => {
      const profile = guard(state, request, LIST_REQUEST_TYPE, LIST_RESPONSE_TYPE);
      if (profile instanceof Response) return profile;
      const parsed = ListRequestSchema.safeParse(await request.json().catch(() => null));
      if (!parsed.success) return recError(400, '400', z.prettifyError(parsed.error));
      const { filters = [], maxResults, nextToken } = parsed.data;
      const offset = nextToken ? Number(Buffer.from(nextToken, 'base64url').toString('utf8').replace('offset:', '')) : 0;
      if (!Number.isInteger(offset) || offset < 0) return recError(400, '400', 'nextToken is invalid');
      const matching = ofProfile(profile).filter((rec) =>
        filters.every((filter) => {
          const value = rec.body[FIELD_OF[filter.field]];
          const hit = filter.values.includes(String(value ?? ''));
          return filter.include ? hit : !hit;
        }),
      );
      const page = matching.slice(offset, offset + maxResults);
      return HttpResponse.json(
        {
          recommendations: page.map((rec) => rec.body),
          totalResults: matching.length,
          ...(offset + maxResults < matching.length ? { nextToken: tokenFor(offset + maxResults) } : {}),
        },
        { headers: { 'content-type': LIST_RESPONSE_TYPE } },
      );
    }),

    http.post('*/recommendations/apply', async ({ request }) => {
      const profile = guard(state, request, APPLY_REQUEST_TYPE, APPLY_RESPONSE_TYPE);
      if (profile instanceof Response) return profile;
      const parsed = ApplyRequestSchema.safeParse(await request.json().catch(() => null));
      if (!parsed.success) return recError(400, '400', `recommendationIds must hold 1 to 100 ids: ${z.prettifyError(parsed.error)}`);
      const successes: unknown[] = [];
      const failures: unknown[] = [];
      const now = state.clock.now().toISOString();
      parsed.data.recommendationIds.forEach((recommendationId, index) => {
        const rec = ofProfile(profile).find((r) => r.body.recommendationId === recommendationId);
        if (!rec) {
          failures.push({ index, recommendationId, error: { code: '404', message: 'Recommendation not found for this advertiser' } });
          return;
        }
        if (rec.body.status !== 'PUBLISHED' && rec.body.status !== 'APPLY_FAILED') {
          failures.push({
            index,
            recommendationId,
            error: { code: '400', message: `Recommendation cannot be applied in status ${rec.body.status}` },
          });
          return;
        }
        // New campaigns are created asynchronously: the client polls /list for the outcome (facts.md §2.6).
        const asynchronous = rec.body.recommendationType === 'NEW_CAMPAIGN' || rec.body.recommendationType === 'NEW_VIDEO_CAMPAIGN';
        rec.body.status = asynchronous ? 'APPLY_IN_PROGRESS' : 'APPLY_SUCCESS';
        if (!asynchronous) applyToWorld(state, rec.body);
        state.ledger.push({
          at: now,
          api: 'recommendations.apply',
          key: recommendationId,
          body: { recommendation: structuredClone(rec.body) },
        });
        successes.push({
          index,
          recommendationId,
          recommendation: rec.body,
          success: { code: asynchronous ? '202' : '200', message: 'Recommendation applied' },
        });
      });
      return HttpResponse.json({ successes, failures }, { status: 207, headers: { 'content-type': APPLY_RESPONSE_TYPE } });
    }),

    http.put('*/recommendations/:recommendationId', async ({ request, params }) => {
      const profile = guard(state, request, UPDATE_REQUEST_TYPE, RECOMMENDATION_TYPE);
      if (profile instanceof Response) return profile;
      const id = String(params.recommendationId);
      const rec = ofProfile(profile).find((r) => r.body.recommendationId === id);
      if (!rec) return recError(404, '404', `Recommendation ${id} not found`);
      const parsed = UpdateRequestSchema.safeParse(await request.json().catch(() => null));
      if (!parsed.success) return recError(400, '400', z.prettifyError(parsed.error));
      const body = parsed.data;
      if (rec.body.status !== 'PUBLISHED') return recError(400, '400', `Recommendation cannot be edited in status ${rec.body.status}`);
      if (body.recommendedValue !== undefined) {
        const problem = checkRecommendedValue(rec.body.recommendationType, body.recommendedValue);
        if (problem) return recError(400, '400', problem);
        rec.body.recommendedValue = body.recommendedValue;
      }
      if (body.ruleBasedBidding) {
        if (!rec.body.recommendationType.endsWith('BIDDING_RULE'))
          return recError(400, '400', 'ruleBasedBidding can only be updated on bidding rule recommendations');
        rec.body.ruleBasedBidding = {
          ...(rec.body.ruleBasedBidding as object),
          recommendedRuleRoas: body.ruleBasedBidding.recommendedRuleRoas,
        };
      }
      if (body.budgetRule) {
        if (!rec.body.recommendationType.endsWith('BUDGET_RULE'))
          return recError(400, '400', 'budgetRule can only be updated on budget rule recommendations');
        const current = (rec.body.budgetRule ?? {}) as { ruleDetails?: object };
        rec.body.budgetRule = { ...current, ruleDetails: { ...current.ruleDetails, ...body.budgetRule.ruleDetails } };
      }
      state.ledger.push({ at: state.clock.now().toISOString(), api: 'recommendations.update', key: id, body });
      return HttpResponse.json(rec.body, { headers: { 'content-type': RECOMMENDATION_TYPE } });
    }),
  ];
}
