/**
 * Drafting changes from an advertiser's plan (plan-drafts.ts): the campaigns a plan may change, the drafts with their
 * forecast and measured impact, and the draft itself. Drafting proposes a change (it does not approve or apply one),
 * so approvers and admins may draft; viewers change nothing.
 */
import {
  AdvertiserParamsSchema,
  PlanCampaignsSchema,
  PlanDraftAnswerSchema,
  PlanDraftBodySchema,
  PlanDraftsSchema,
} from '@recdesk/shared-types';
import { personOf } from '../http/actor.ts';
import { type AnyApiRoute, apiRoute, json, problem } from '../http/api-route.ts';
import type { PlanDraftService } from './plan-drafts.ts';

export function planDraftRoutes(drafts: PlanDraftService): AnyApiRoute[] {
  return [
    apiRoute({
      method: 'get',
      path: '/advertisers/:advertiserId/plan/campaigns',
      access: 'signed-in',
      advertiser: { from: 'param', field: 'advertiserId' },
      summary: 'The campaigns a plan may change, per profile, as the Ads API lists them now (budgets included)',
      request: { params: AdvertiserParamsSchema },
      responses: { 200: json('The campaigns per profile (profiles without insights yet are absent)', PlanCampaignsSchema) },
      handler: async ({ params }, _req, res) => {
        res.json(await drafts.campaigns(params.advertiserId));
      },
    }),
    apiRoute({
      method: 'get',
      path: '/advertisers/:advertiserId/plan/drafts',
      access: 'signed-in',
      advertiser: { from: 'param', field: 'advertiserId' },
      summary: "The advertiser's drafted plans, newest first: who planned each, its forecast, and its measured impact once measured",
      request: { params: AdvertiserParamsSchema },
      responses: { 200: json('The drafts with their forecasts and impacts', PlanDraftsSchema) },
      handler: async ({ params }, req, res) => {
        res.json(await drafts.drafts(params.advertiserId, personOf(req)));
      },
    }),
    apiRoute({
      method: 'post',
      path: '/advertisers/:advertiserId/plan/drafts',
      access: 'approver',
      advertiser: { from: 'param', field: 'advertiserId' },
      summary:
        'Draft a change from a reach forecast (a campaign budget or a new audience target): it enters the queue as a recommendation of source plan; audited',
      request: { params: AdvertiserParamsSchema, body: PlanDraftBodySchema },
      responses: {
        201: json('The drafted recommendation, validated, with its actions', PlanDraftAnswerSchema),
        200: json('The same change was already pending: that item, folded into (no second one)', PlanDraftAnswerSchema),
        404: problem('No such profile, campaign or audience for this advertiser'),
        409: problem('A draft of the same change with another value is pending (`pendingId`)'),
        502: problem('Reach Forecasting or the campaign list did not answer as expected'),
      },
      handler: async ({ params, body }, req, res) => {
        const answer = await drafts.draft(params.advertiserId, body, personOf(req));
        res.status(answer.folded ? 200 : 201).json(answer);
      },
    }),
  ];
}
