/**
 * `/api/stream/subscriptions`: the admin screen's Marketing Stream subscriptions. Admins only; each answer carries the
 * warning that a subscription is tied to the user who granted the token (facts.md §4).
 */
import {
  CreateStreamSubscriptionBodySchema,
  STREAM_SUBSCRIPTION_WARNING,
  StreamSubscriptionAnswerSchema,
  StreamSubscriptionIdParamsSchema,
  StreamSubscriptionListSchema,
  StreamSubscriptionQuerySchema,
  UpdateStreamSubscriptionBodySchema,
} from '@recdesk/shared-types';
import { personOf } from '../http/actor.ts';
import { type AnyApiRoute, apiRoute, json } from '../http/api-route.ts';
import type { StreamSubscriptionService } from './subscription-service.ts';

export function streamSubscriptionRoutes(service: StreamSubscriptionService): AnyApiRoute[] {
  return [
    apiRoute({
      method: 'get',
      path: '/stream/subscriptions',
      access: 'admin',
      advertiser: { from: 'item' },
      summary: 'Marketing Stream subscriptions RecDesk created, newest first, with the warning about who granted the token',
      request: { query: StreamSubscriptionQuerySchema },
      responses: { 200: json('The subscriptions', StreamSubscriptionListSchema) },
      handler: async ({ query }, _req, res) => {
        res.json({ items: await service.list(query.advertiserId), warning: STREAM_SUBSCRIPTION_WARNING });
      },
    }),
    apiRoute({
      method: 'post',
      path: '/stream/subscriptions',
      access: 'admin',
      advertiser: { from: 'body', field: 'advertiserId' },
      summary:
        'Subscribe a profile to a Stream dataset into an SQS queue (idempotent on clientRequestToken; 409 and 429 from Amazon answered as such)',
      request: { body: CreateStreamSubscriptionBodySchema },
      responses: { 201: json('The subscription as Amazon accepted it', StreamSubscriptionAnswerSchema) },
      handler: async ({ body }, req, res) => {
        const subscription = await service.create(body, personOf(req).id);
        res.status(201).json({ subscription, warning: STREAM_SUBSCRIPTION_WARNING });
      },
    }),
    apiRoute({
      method: 'put',
      path: '/stream/subscriptions/:id',
      access: 'admin',
      advertiser: { from: 'item' },
      summary: 'Change a subscription’s notes, or archive it (Amazon’s only way to pause; resuming creates a new one)',
      request: { params: StreamSubscriptionIdParamsSchema, body: UpdateStreamSubscriptionBodySchema },
      responses: { 200: json('The subscription now', StreamSubscriptionAnswerSchema) },
      handler: async ({ params, body }, _req, res) => {
        res.json({ subscription: await service.update(params.id, body), warning: STREAM_SUBSCRIPTION_WARNING });
      },
    }),
  ];
}
