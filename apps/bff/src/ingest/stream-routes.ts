/**
 * `POST /api/stream/messages`: Marketing Stream deliveries (one, or a batch). The body's outer shape is checked here;
 * each message is then validated on its own, so a malformed one is quarantined and acknowledged (a 4xx would make
 * the forwarder redeliver it forever) while the rest of the batch is processed.
 */
import { StreamMessagesBodySchema } from '@recdesk/shared-types';
import express, { Router } from 'express';
import { parseBody, RequestValidationError } from '../http/validate.ts';
import type { StreamIngest } from './stream-ingest.ts';

export function streamRoutes(stream: StreamIngest): Router {
  const router = Router();
  // An SNS HTTP(S) subscription posts its notification as text/plain; read it as the JSON it is.
  router.post('/stream/messages', express.text({ type: 'text/plain', limit: '1mb' }), async (req, res) => {
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
    const body = parseBody(StreamMessagesBodySchema, req);
    res.json(await stream.receive(body));
  });
  return router;
}
