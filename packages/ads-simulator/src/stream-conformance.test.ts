/**
 * The simulated Marketing Stream, checked against Amazon's published marketing-stream.json with ajv (subscriptions:
 * create, idempotent retry, 409s, list, get, archive) and against facts.md §4 (what the producer sends, off the clock).
 */
import { Ajv, type AnySchema } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdvanceableClock } from './clock.ts';
import { STREAM_SUBSCRIPTIONS_MEDIA_TYPE } from './handlers/stream-subscriptions.ts';
import { type RunningSimulator, startSimulator } from './server.ts';
import { createSimulatorState, DEFAULT_CREDENTIALS } from './state.ts';
import { SimulatedQueue } from './stream/sqs-queue.ts';
import { produceStream } from './stream/stream-producer.ts';
import { accessTokenOf } from './testing/access-token.ts';
import { loadPublishedSpec } from './testing/published-specs.ts';

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(loadPublishedSpec('marketing-stream.json') as AnySchema, 'ms');

function expectValid(name: string, body: unknown): void {
  const validate = ajv.getSchema(`ms#/components/schemas/${name}`);
  if (!validate) throw new Error(`no schema ${name}`);
  const valid = validate(body);
  expect(valid ? [] : ajv.errorsText(validate.errors, { separator: '\n' }).split('\n')).toEqual([]);
}

let simulator: RunningSimulator;
let headers: Record<string, string>;

beforeAll(async () => {
  simulator = await startSimulator();
  const profile = simulator.state.world.profiles[0];
  if (!profile) throw new Error('no profile');
  headers = {
    authorization: `Bearer ${await accessTokenOf(simulator.url)}`,
    'amazon-advertising-api-clientid': DEFAULT_CREDENTIALS.clientId,
    'amazon-advertising-api-scope': String(profile.profileId),
    'content-type': STREAM_SUBSCRIPTIONS_MEDIA_TYPE,
    accept: STREAM_SUBSCRIPTIONS_MEDIA_TYPE,
  };
});
afterAll(async () => {
  await simulator.close();
});

const call = (method: string, path: string, body?: unknown) =>
  fetch(`${simulator.url}/na${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });

describe('Stream subscriptions answer as marketing-stream.json says', () => {
  it('creates once per clientRequestToken, refuses a second one to the same place, lists, gets and archives', async () => {
    const request = {
      clientRequestToken: '5f0c8f3e-6f7a-4d55-9f00-3b1d1c8d2a11',
      dataSetId: 'budget-usage',
      destinationArn: 'arn:aws:sqs:us-east-1:123456789012:recdesk-stream',
      notes: 'RecDesk urgent lane',
    };
    expectValid('CreateStreamSubscriptionRequestContent', request);
    const created = await call('POST', '/streams/subscriptions', request);
    expect(created.status).toBe(200);
    expect(created.headers.get('content-type')).toBe(STREAM_SUBSCRIPTIONS_MEDIA_TYPE);
    const first = (await created.json()) as { subscriptionId: string };
    expectValid('CreateStreamSubscriptionResponseContent', first);

    // A retry with the same token is the same subscription; a new token for the same dataset and queue is a 409.
    const retried = (await (await call('POST', '/streams/subscriptions', request)).json()) as { subscriptionId: string };
    expect(retried.subscriptionId).toBe(first.subscriptionId);
    const again = await call('POST', '/streams/subscriptions', { ...request, clientRequestToken: '6f0c8f3e-6f7a-4d55-9f00-3b1d1c8d2a12' });
    expect(again.status).toBe(409);
    expectValid('OperationConflictErrorResponseContent', await again.json());
    const reused = await call('POST', '/streams/subscriptions', { ...request, dataSetId: 'sp-traffic' });
    expect(reused.status).toBe(409);

    const list = await (await call('GET', '/streams/subscriptions?maxResults=10')).json();
    expectValid('ListStreamSubscriptionsResponseContent', list);
    expect(list).toMatchObject({ subscriptions: [{ subscriptionId: first.subscriptionId, status: 'ACTIVE', dataSetId: 'budget-usage' }] });
    const got = await (await call('GET', `/streams/subscriptions/${first.subscriptionId}`)).json();
    expectValid('GetStreamSubscriptionResponseContent', got);

    const update = { status: 'ARCHIVED', notes: 'paused from RecDesk' };
    expectValid('UpdateStreamSubscriptionRequestContent', update);
    expect((await call('PUT', `/streams/subscriptions/${first.subscriptionId}`, update)).status).toBe(200);
    const archived = (await (await call('GET', `/streams/subscriptions/${first.subscriptionId}`)).json()) as { subscription: unknown };
    expect(archived.subscription).toMatchObject({ status: 'ARCHIVED', notes: 'paused from RecDesk' });
    // Archived, the place is free again for a new subscription.
    const renewed = await call('POST', '/streams/subscriptions', {
      ...request,
      clientRequestToken: '7f0c8f3e-6f7a-4d55-9f00-3b1d1c8d2a13',
    });
    expect(renewed.status).toBe(200);
  });

  it('refuses what the spec refuses: unknown datasets, a destination that is no SQS ARN, an update to PAUSED', async () => {
    const base = { clientRequestToken: '8f0c8f3e-6f7a-4d55-9f00-3b1d1c8d2a14', destinationArn: 'arn:aws:sqs:us-east-1:123456789012:q' };
    expect((await call('POST', '/streams/subscriptions', { ...base, dataSetId: 'no-such-dataset' })).status).toBe(400);
    expect(
      (await call('POST', '/streams/subscriptions', { ...base, dataSetId: 'budget-usage', destinationArn: 'https://example.com/queue' }))
        .status,
    ).toBe(400);
    expect((await call('PUT', '/streams/subscriptions/nope', { status: 'ARCHIVED' })).status).toBe(404);
    const list = (await (await call('GET', '/streams/subscriptions')).json()) as { subscriptions: { subscriptionId: string }[] };
    const id = list.subscriptions[0]?.subscriptionId ?? '';
    expect((await call('PUT', `/streams/subscriptions/${id}`, { status: 'PAUSED' })).status).toBe(400);
  });
});

describe('the simulated Stream, off the clock', () => {
  it('sends budget usage at each 5 % step as the day goes on, hourly budget recommendations and daily diagnostics', () => {
    const clock = new AdvanceableClock(() => new Date('2026-11-23T10:00:00Z'));
    const state = createSimulatorState({ clock });
    const queue = new SimulatedQueue('q', 'http://sim/000000000000/q', () => 0);
    const records = () => {
      const bodies = [...queue.peekBodies()].map((body) => JSON.parse(JSON.parse(body).Message) as Record<string, unknown>);
      queue.purge();
      return bodies;
    };
    produceStream(state, queue);
    const first = records();
    const usage = (list: Record<string, unknown>[]) => list.filter((r) => r.dataset_id === 'budget-usage');
    for (const r of usage(first)) {
      expect(Number(r.budget_usage_percentage) % 5).toBe(0);
      expect(Number(r.budget_usage_percentage)).toBeLessThanOrEqual(100);
    }
    const recommendations = first.filter((r) => r.dataset_id === 'sp-budget-recommendations');
    expect(recommendations.length).toBeGreaterThan(0);
    expect(first.filter((r) => r.datasetId === 'sponsored-ads-campaign-diagnostics-recommendations')).toHaveLength(recommendations.length);

    // Within the hour nothing new is due but usage steps; six hours on (the same local day in every marketplace),
    // spend has climbed and recommendations repeat.
    produceStream(state, queue);
    expect(records().filter((r) => r.dataset_id === 'sp-budget-recommendations')).toEqual([]);
    clock.advance({ hours: 6 });
    produceStream(state, queue);
    const afterSix = records();
    expect(afterSix.filter((r) => r.dataset_id === 'sp-budget-recommendations')).toHaveLength(recommendations.length);
    const climbed = usage(afterSix);
    expect(climbed.length).toBeGreaterThan(0);
    // Each campaign's steps climb one by one from where they were: no step is skipped, none is sent twice.
    const byCampaign = new Map<string, number[]>();
    for (const r of [...usage(first), ...climbed]) {
      const steps = byCampaign.get(String(r.budget_scope_id)) ?? [];
      steps.push(Number(r.budget_usage_percentage));
      byCampaign.set(String(r.budget_scope_id), steps);
    }
    for (const steps of byCampaign.values()) for (let i = 1; i < steps.length; i++) expect(steps[i]).toBe((steps[i - 1] ?? 0) + 5);
  });
});
