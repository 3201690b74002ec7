/**
 * `POST /api/stream/messages`: Marketing Stream deliveries (one, or a batch), for the forwarder holding the shared
 * secret (its declaration's access), never for a session. The body's outer shape is checked here; each message is then
 * validated on its own, so a malformed one is quarantined and acknowledged (a 4xx would make the forwarder redeliver
 * it forever) while the rest of the batch is processed.
 */
import { StreamMessagesBodySchema, StreamMessagesResponseSchema } from '@recdesk/shared-types';
import express, { type RequestHandler } from 'express';
import { type AnyApiRoute, apiRoute, json } from '../http/api-route.ts';
import { RequestValidationError } from '../http/validate.ts';
import type { StreamIngest } from './stream-ingest.ts';

// An SNS HTTP(S) subscription posts its notification as text/plain; read it as the JSON it is.
const textAsJson: RequestHandler[] = [
  express.text({ type: 'text/plain', limit: '1mb' }),
  (req, _res, next) => {
    if (typeof req.body === 'string') {
      try {
        req.body = JSON.parse(req.body) as unknown;
      } catch {
        throw new RequestValidationError(
          400,
          'invalid-request',
          'The body is not JSON',
          'A Stream delivery must be a JSON object or an array of them.',
        );
      }
    }
    next();
  },
];

export function streamRoutes(stream: StreamIngest): AnyApiRoute[] {
  return [
    apiRoute({
      method: 'post',
      path: '/stream/messages',
      access: 'stream-secret',
      // Deliveries are about every advertiser: stored whoever's session cookie may ride along.
      advertiser: { from: 'system' },
      summary: 'Amazon Marketing Stream deliveries (SQS message body or SNS notification; one or a batch), deduplicated',
      request: { body: StreamMessagesBodySchema, bodyTypes: ['application/json', 'text/plain'] },
      responses: {
        200: json('What happened to each message: accepted, duplicate, ignored or quarantined', StreamMessagesResponseSchema),
      },
      before: textAsJson,
      handler: async ({ body }, _req, res) => {
        res.json(await stream.receive(body));
      },
    }),
  ];
}
