import type { StreamSubscriptionAnswer, StreamSubscriptionList } from '@recdesk/shared-types';
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';
import { STREAM_SUBSCRIPTIONS_MEDIA_TYPE } from './subscription-service.ts';

vi.setConfig({ testTimeout: 120_000 });

const QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:recdesk-stream';
const TOKEN = '1b4e28ba-2fa1-41d2-883f-0016d3cca427';

describe.each(databaseTargets)('Stream subscriptions on $name', ({ create }) => {
  let bff: TestBff | undefined;
  afterEach(async () => {
    await bff?.close();
    bff = undefined;
  });

  it('creates a subscription upstream once per token, answers 409 and 429 as such, lists and archives it', async () => {
    bff = await startTestBff(await create(), { ADS_RETRY_MAX_ATTEMPTS: '2', ADS_RETRY_BASE_DELAY_MS: '1', ADS_RETRY_MAX_DELAY_MS: '10' });
    const simulator = bff.runtime.simulator;
    const profile = simulator?.state.world.profiles[0];
    if (!simulator || !profile) throw new Error('no simulator');
    const body = {
      advertiserId: profile.advertiser.entityId,
      profileId: String(profile.profileId),
      dataSetId: 'budget-usage',
      destinationArn: QUEUE_ARN,
      notes: 'urgent lane',
      clientRequestToken: TOKEN,
    };

    // Throttled by Amazon past the client's retries: 503, nothing created, the row keeps its token for the resubmit.
    simulator.use(
      http.post('*/streams/subscriptions', () =>
        HttpResponse.json({ code: 'TOO_MANY_REQUESTS', message: 'Rate exceeded' }, { status: 429, headers: { 'retry-after': '0' } }),
      ),
    );
    const throttled = await bff.http.post('/api/stream/subscriptions').send(body).expect(503);
    expect(throttled.body).toMatchObject({ type: expect.stringMatching(/upstream-throttled/), detail: expect.stringMatching(/Try again/) });
    simulator.resetHandlers();
    expect(simulator.state.stream.subscriptions.size).toBe(0);

    const created: StreamSubscriptionAnswer = (await bff.http.post('/api/stream/subscriptions').send(body).expect(201)).body;
    expect(created.subscription).toMatchObject({ status: 'ACTIVE', dataSetId: 'budget-usage', clientRequestToken: TOKEN, lastError: null });
    expect(created.warning).toMatch(/tied to the Amazon user who granted/);
    // What reached Amazon: the versioned media type and the spec's create body, with the form's token.
    const sent = simulator.state.ledger.filter((entry) => entry.api === 'streams.subscriptions.create');
    expect(sent.map((entry) => entry.body)).toEqual([
      { clientRequestToken: TOKEN, dataSetId: 'budget-usage', destinationArn: QUEUE_ARN, notes: 'urgent lane' },
    ]);
    const posted = simulator.state.requestLog.filter((r) => r.method === 'POST' && r.path.endsWith('/streams/subscriptions'));
    expect(posted.at(-1)?.headers['content-type']).toBe(STREAM_SUBSCRIPTIONS_MEDIA_TYPE);
    expect(posted.at(-1)?.headers['amazon-advertising-api-scope']).toBe(String(profile.profileId));

    // A double submit is the same subscription; a new token for the same dataset and queue is Amazon's 409.
    const again: StreamSubscriptionAnswer = (await bff.http.post('/api/stream/subscriptions').send(body).expect(201)).body;
    expect(again.subscription.id).toBe(created.subscription.id);
    expect(simulator.state.stream.subscriptions.size).toBe(1);
    const conflict = await bff.http
      .post('/api/stream/subscriptions')
      .send({ ...body, clientRequestToken: '2b4e28ba-2fa1-41d2-883f-0016d3cca428' })
      .expect(409);
    expect(conflict.body.detail).toMatch(/Amazon refused: an active subscription .* already delivers budget-usage/);

    const list: StreamSubscriptionList = (await bff.http.get('/api/stream/subscriptions').expect(200)).body;
    expect(list.items.map((s) => s.status).sort()).toEqual(['ACTIVE', 'FAILED']);
    expect(list.warning).toMatch(/refresh token/);

    const archived: StreamSubscriptionAnswer = (
      await bff.http.put(`/api/stream/subscriptions/${created.subscription.id}`).send({ status: 'ARCHIVED' }).expect(200)
    ).body;
    expect(archived.subscription.status).toBe('ARCHIVED');
    expect(simulator.state.stream.subscriptions.get(created.subscription.upstreamSubscriptionId ?? '')?.status).toBe('ARCHIVED');
    await bff.http.put(`/api/stream/subscriptions/${created.subscription.id}`).send({ notes: 'again' }).expect(409);
  });

  it('refuses a profile that is not the advertiser’s', async () => {
    bff = await startTestBff(await create());
    const [first, other] = (bff.runtime.simulator?.state.world.profiles ?? []).filter(
      (p, _i, all) => p.advertiser.entityId !== all[0]?.advertiser.entityId || p === all[0],
    );
    if (!first || !other) throw new Error('two advertisers needed');
    const answer = await bff.http
      .post('/api/stream/subscriptions')
      .send({
        advertiserId: first.advertiser.entityId,
        profileId: String(other.profileId),
        dataSetId: 'budget-usage',
        destinationArn: QUEUE_ARN,
      })
      .expect(400);
    expect(answer.body.type).toMatch(/profile-of-another-advertiser/);
  });
});
