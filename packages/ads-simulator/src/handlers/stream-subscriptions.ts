/**
 * Marketing Stream subscriptions (`/streams/subscriptions`, marketing-stream.json): create (idempotent on
 * `clientRequestToken`), list (paged), get, and update (notes, or ARCHIVED: the only status a caller may set; an
 * archived subscription stays listed and delivers nothing). Per profile (Amazon-Advertising-API-Scope). A second
 * active subscription of a profile to the same dataset and destination is a 409, as is a token reused for a
 * different request. New subscriptions are ACTIVE at once (the SQS confirmation Amazon waits for is not simulated).
 */
import { randomUUID } from 'node:crypto';
import { HttpResponse, http } from 'msw';
import { z } from 'zod';
import { profileOf } from '../data/world.ts';
import type { SimulatorState } from '../state.ts';
import { checkBearer, checkMediaType, logRequest } from './amazon-http.ts';

export const STREAM_SUBSCRIPTIONS_MEDIA_TYPE = 'application/vnd.amazonmarketingstreamsubscriptions.v1+json';
const MEDIA = /^application\/vnd\.amazonmarketingstreamsubscriptions\.v1\+json\b/;

/** The datasets the simulator knows (facts.md §4 and the data guide's traffic / conversion sets). */
export const STREAM_DATASETS = [
  'budget-usage',
  'sp-budget-recommendations',
  'sponsored-ads-campaign-diagnostics-recommendations',
  'sp-traffic',
  'sp-conversion',
  'sb-traffic',
  'sb-conversion',
  'sd-traffic',
  'sd-conversion',
] as const;

export interface StreamSubscription {
  subscriptionId: string;
  profileId: number;
  clientRequestToken: string;
  dataSetId: string;
  destinationArn: string;
  notes?: string;
  status: 'ACTIVE' | 'ARCHIVED';
  createdDate: string;
  updatedDate: string;
}

const SQS_ARN = /^arn:aws:sqs:[a-z0-9-]+:\d{12}:[\w-]{1,80}$/;
const CreateSchema = z
  .object({
    clientRequestToken: z.string().min(22).max(36),
    dataSetId: z.string().min(1),
    destinationArn: z.string().min(20).max(2048).optional(),
    destination: z.object({ sqsDestination: z.object({ queueArn: z.string().max(255) }).optional() }).optional(),
    notes: z.string().max(128).optional(),
  })
  .refine((body) => body.destinationArn || body.destination?.sqsDestination, 'name destinationArn or destination.sqsDestination');
const UpdateSchema = z.object({ notes: z.string().max(128).optional(), status: z.enum(['ARCHIVED']).optional() });

function streamError(status: number, code: string, message: string, headers?: Record<string, string>) {
  return HttpResponse.json({ code, message }, { status, headers: { 'content-type': STREAM_SUBSCRIPTIONS_MEDIA_TYPE, ...headers } });
}

function answer(body: Record<string, unknown>) {
  return HttpResponse.json(body, { headers: { 'content-type': STREAM_SUBSCRIPTIONS_MEDIA_TYPE } });
}

function view(s: StreamSubscription) {
  return {
    subscriptionId: s.subscriptionId,
    dataSetId: s.dataSetId,
    destinationArn: s.destinationArn,
    destination: { sqsDestination: { queueArn: s.destinationArn } },
    ...(s.notes !== undefined ? { notes: s.notes } : {}),
    status: s.status,
    createdDate: s.createdDate,
    updatedDate: s.updatedDate,
  };
}

export function streamSubscriptionHandlers(state: SimulatorState) {
  const subscriptions = state.stream.subscriptions;
  /** Bearer, ClientId and a profile scope, as every Stream subscription call needs. */
  const guard = (request: Request): { profileId: number } | Response => {
    logRequest(state, request);
    const denied = checkBearer(state, request);
    if (denied) return denied;
    const scope = request.headers.get('amazon-advertising-api-scope') ?? '';
    const profile = /^\d+$/.test(scope) ? profileOf(state.world, Number(scope)) : undefined;
    if (!profile) return streamError(403, 'FORBIDDEN', `Amazon-Advertising-API-Scope '${scope}' names no profile you can access`);
    return { profileId: profile.profileId };
  };
  const owned = (profileId: number, id: string) => {
    const found = subscriptions.get(id);
    return found && found.profileId === profileId ? found : undefined;
  };
  return [
    http.post('*/streams/subscriptions', async ({ request }) => {
      const scope = guard(request);
      if (scope instanceof Response) return scope;
      const media = checkMediaType(request, 'content-type', MEDIA);
      if (media) return media;
      const parsed = CreateSchema.safeParse(await request.json().catch(() => undefined));
      if (!parsed.success) return streamError(400, 'BAD_REQUEST', z.prettifyError(parsed.error));
      const body = parsed.data;
      if (!(STREAM_DATASETS as readonly string[]).includes(body.dataSetId))
        return streamError(400, 'BAD_REQUEST', `dataSetId '${body.dataSetId}' is not a Marketing Stream dataset`);
      const destinationArn = body.destinationArn ?? body.destination?.sqsDestination?.queueArn ?? '';
      if (!SQS_ARN.test(destinationArn)) return streamError(400, 'BAD_REQUEST', `'${destinationArn}' is not an SQS queue ARN`);
      const same = [...subscriptions.values()].find(
        (s) => s.profileId === scope.profileId && s.clientRequestToken === body.clientRequestToken,
      );
      if (same) {
        // A retry of the same request answers the same subscription; the token on another request is a conflict.
        if (same.dataSetId === body.dataSetId && same.destinationArn === destinationArn)
          return answer({ clientRequestToken: same.clientRequestToken, subscriptionId: same.subscriptionId });
        return streamError(409, 'CONFLICT', 'clientRequestToken was already used for a different subscription request');
      }
      const active = [...subscriptions.values()].find(
        (s) =>
          s.profileId === scope.profileId && s.status === 'ACTIVE' && s.dataSetId === body.dataSetId && s.destinationArn === destinationArn,
      );
      if (active)
        return streamError(
          409,
          'CONFLICT',
          `an active subscription ${active.subscriptionId} already delivers ${body.dataSetId} to this destination`,
        );
      const now = state.clock.now().toISOString();
      const created: StreamSubscription = {
        subscriptionId: `amzn1.fead.cs1.${randomUUID()}`,
        profileId: scope.profileId,
        clientRequestToken: body.clientRequestToken,
        dataSetId: body.dataSetId,
        destinationArn,
        notes: body.notes,
        status: 'ACTIVE',
        createdDate: now,
        updatedDate: now,
      };
      subscriptions.set(created.subscriptionId, created);
      state.ledger.push({ at: now, api: 'streams.subscriptions.create', key: `subscription:${created.subscriptionId}`, body });
      return answer({ clientRequestToken: created.clientRequestToken, subscriptionId: created.subscriptionId });
    }),
    http.get('*/streams/subscriptions', ({ request }) => {
      const scope = guard(request);
      if (scope instanceof Response) return scope;
      const url = new URL(request.url);
      const max = Number(url.searchParams.get('maxResults') ?? 5000);
      if (!Number.isInteger(max) || max < 1 || max > 5000) return streamError(400, 'BAD_REQUEST', 'maxResults must be 1..5000');
      const start = Number(url.searchParams.get('startingToken') ?? 0);
      const mine = [...subscriptions.values()].filter((s) => s.profileId === scope.profileId);
      const page = mine.slice(start, start + max);
      return answer({ subscriptions: page.map(view), ...(start + max < mine.length ? { nextToken: String(start + max) } : {}) });
    }),
    http.get('*/streams/subscriptions/:subscriptionId', ({ request, params }) => {
      const scope = guard(request);
      if (scope instanceof Response) return scope;
      const found = owned(scope.profileId, String(params.subscriptionId));
      if (!found) return streamError(404, 'NOT_FOUND', `no subscription ${String(params.subscriptionId)}`);
      return answer({ subscription: view(found) });
    }),
    http.put('*/streams/subscriptions/:subscriptionId', async ({ request, params }) => {
      const scope = guard(request);
      if (scope instanceof Response) return scope;
      const media = checkMediaType(request, 'content-type', MEDIA);
      if (media) return media;
      const found = owned(scope.profileId, String(params.subscriptionId));
      if (!found) return streamError(404, 'NOT_FOUND', `no subscription ${String(params.subscriptionId)}`);
      const parsed = UpdateSchema.safeParse(await request.json().catch(() => undefined));
      if (!parsed.success) return streamError(400, 'BAD_REQUEST', z.prettifyError(parsed.error));
      if (found.status === 'ARCHIVED') return streamError(409, 'CONFLICT', 'an archived subscription cannot be changed');
      if (parsed.data.notes !== undefined) found.notes = parsed.data.notes;
      if (parsed.data.status) found.status = parsed.data.status;
      found.updatedDate = state.clock.now().toISOString();
      state.ledger.push({
        at: found.updatedDate,
        api: 'streams.subscriptions.update',
        key: `subscription:${found.subscriptionId}`,
        body: parsed.data,
      });
      return new HttpResponse(null, { status: 200 });
    }),
  ];
}
