/** `GET /api/advertisers/:advertiserId/plan`: the read-only plan view of an advertiser (plan-service.ts). */
import { AdvertiserParamsSchema, AdvertiserPlanSchema } from '@recdesk/shared-types';
import { type AnyApiRoute, apiRoute, json } from '../http/api-route.ts';
import type { PlanService } from './plan-service.ts';

export function planRoutes(plans: PlanService): AnyApiRoute[] {
  return [
    apiRoute({
      method: 'get',
      path: '/advertisers/:advertiserId/plan',
      access: 'signed-in',
      advertiser: { from: 'param', field: 'advertiserId' },
      summary: "An advertiser's plan view: persona, top overlapping audiences with affinity and reach, and the latest reach curve",
      request: { params: AdvertiserParamsSchema },
      responses: { 200: json('The plan view (profiles without insights yet are absent)', AdvertiserPlanSchema) },
      handler: async ({ params }, _req, res) => {
        res.json(await plans.forAdvertiser(params.advertiserId));
      },
    }),
  ];
}
