import type { ConflictList, RecommendationPage, StreamMessagesResponse } from '@recdesk/shared-types';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { budgetChange } from '../lifecycle/recommendation-fixtures.ts';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';

// PGlite starts slowly on a loaded machine; these tests make real HTTP calls to the simulator and many queries.
vi.setConfig({ testTimeout: 120_000 });

function usage(percentage: number, at: string, campaignId = '555000111') {
  return {
    dataset_id: 'budget-usage',
    advertiser_id: 'ENTITYSTREAM1',
    marketplace_id: 'A1F83G8C2ARO7P',
    budget_scope_id: campaignId,
    budget_scope_type: 'CAMPAIGN',
    advertising_product_type: 'sp',
    budget: 40,
    budget_usage_percentage: percentage,
    usage_updated_timestamp: at,
  };
}

const suggestion = {
  dataset_id: 'sp-budget-recommendations',
  advertiser_id: 'ENTITYSTREAM1',
  marketplace_id: 'A1F83G8C2ARO7P',
  campaign_id: '555000111',
  recommendation_time: '2026-11-23T09:00:00Z',
  reason_for_suggestion: 'Out of budget on 3 of the last 7 days.',
  start_date: '2026-11-16',
  end_date: '2026-11-22',
  suggested_budget: 60,
  estimated_missed_clicks_lower: 12,
  estimated_missed_clicks_upper: 40,
};

/** The messages are dated 2026-11-23: the clock is pinned there, so expiry and freshness never depend on the day the test runs. */
const clock = { now: () => new Date('2026-11-23T12:30:00Z') };

async function streamItems(bff: TestBff) {
  const page: RecommendationPage = (
    await bff.http.get('/api/recommendations').query({ source: 'marketing-stream', limit: 100 }).expect(200)
  ).body;
  return page.items;
}

describe.each(databaseTargets)('Marketing Stream messages on $name', ({ create }) => {
  let bff: TestBff | undefined;
  afterEach(async () => {
    await bff?.close();
    bff = undefined;
  });

  it('creates one item for a message delivered twice (SQS body, then the same message through SNS)', async () => {
    bff = await startTestBff(await create(), {}, clock);
    const message = usage(93, '2026-11-23T10:00:00.000Z');
    const first: StreamMessagesResponse = (await bff.http.post('/api/stream/messages').send(message).expect(200)).body;
    expect(first).toMatchObject({ received: 1, accepted: 1, duplicates: 0 });
    const again: StreamMessagesResponse = (
      await bff.http
        .post('/api/stream/messages')
        .set('content-type', 'text/plain; charset=UTF-8')
        .send(JSON.stringify({ Type: 'Notification', MessageId: 'sns-1', Message: JSON.stringify(message) }))
        .expect(200)
    ).body;
    expect(again).toMatchObject({
      received: 1,
      accepted: 0,
      duplicates: 1,
      outcomes: [{ status: 'duplicate', dedupKey: first.outcomes[0]?.dedupKey }],
    });
    const items = await streamItems(bff);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ version: 1, id: first.outcomes[0]?.recommendationId });
  });

  it('raises an urgent item above the threshold, updates it as usage climbs, and ignores usage under it', async () => {
    bff = await startTestBff(await create(), { STREAM_BUDGET_USAGE_ALERT_PERCENT: '90' }, clock);
    const batch: StreamMessagesResponse = (
      await bff.http
        .post('/api/stream/messages')
        .send([usage(85, '2026-11-23T09:00:00.000Z'), usage(90, '2026-11-23T10:00:00.000Z'), usage(95, '2026-11-23T11:00:00.000Z')])
        .expect(200)
    ).body;
    expect(batch.outcomes.map((o) => o.status)).toEqual(['ignored', 'accepted', 'accepted']);
    expect(batch.outcomes[0]?.reason).toMatch(/under the 90% alert threshold/);
    // A late redelivery of an older step never takes the item back to 90 %.
    const late: StreamMessagesResponse = (
      await bff.http.post('/api/stream/messages').send(usage(92, '2026-11-23T10:30:00.000Z')).expect(200)
    ).body;
    expect(late.outcomes[0]).toMatchObject({ status: 'ignored', reason: expect.stringMatching(/newer/) });

    const items = await streamItems(bff);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      title: 'Campaign 555000111 at 95% of its daily budget',
      kind: 'budget',
      applicable: false,
      marketplace: 'UK',
      action: { type: 'insight', from: 40, to: null, currency: 'GBP' },
      expiresAt: '2026-11-24T00:00:00.000Z',
      version: 2,
    });
  });

  it('turns a sp-budget-recommendation into a budget raise from the budget Stream last reported', async () => {
    bff = await startTestBff(await create(), {}, clock);
    await bff.http.post('/api/stream/messages').send(usage(70, '2026-11-23T08:00:00.000Z')).expect(200);
    const result: StreamMessagesResponse = (await bff.http.post('/api/stream/messages').send(suggestion).expect(200)).body;
    expect(result.outcomes[0]).toMatchObject({ status: 'accepted' });
    const [item] = await streamItems(bff);
    expect(item).toMatchObject({
      sourceType: 'SP_BUDGET_RECOMMENDATION',
      title: 'Campaign 555000111: daily budget 40.00 → 60.00 GBP',
      applicable: true,
      action: { type: 'set-budget', from: 40, to: 60, direction: 'increase' },
      expiresAt: '2026-11-24T09:00:00.000Z',
    });
  });

  it('quarantines a malformed message with its reason and processes the rest of the batch', async () => {
    bff = await startTestBff(await create(), {}, clock);
    const result: StreamMessagesResponse = (
      await bff.http
        .post('/api/stream/messages')
        .send([
          { ...suggestion, suggested_budget: 'lots' },
          usage(99, '2026-11-23T12:00:00.000Z'),
          { dataset_id: 'sp-traffic', idempotency_id: 'i-1' },
        ])
        .expect(200)
    ).body;
    expect(result).toMatchObject({ received: 3, accepted: 1, quarantined: 1, ignored: 1 });
    const quarantine = (await bff.http.get('/api/sources/marketing-stream/quarantine').expect(200)).body;
    expect(quarantine).toMatchObject({
      total: 1,
      items: [{ reason: expect.stringMatching(/^suggested_budget: /), raw: { suggested_budget: 'lots' } }],
    });
    const sources = (await bff.http.get('/api/sources').expect(200)).body;
    expect(sources.sources.find((s: { source: string }) => s.source === 'marketing-stream')).toMatchObject({
      delivery: 'push',
      enabled: true,
      freshness: 'fresh',
      quarantined: 1,
      lastRun: { trigger: 'stream', status: 'succeeded', fetched: 3, stored: 1, quarantined: 1 },
    });
  });

  it('raises a conflict when budget usage reaches 100 % on a campaign with a pending budget cut', async () => {
    bff = await startTestBff(await create(), {}, clock);
    await bff.runtime.store.upsertMany([
      budgetChange({ id: 'cut-555000111', advertiserId: 'ENTITYSTREAM1', campaignId: '555000111', from: 40, to: 25 }),
    ]);
    await bff.runtime.lifecycle.afterIngest();
    await bff.http.post('/api/stream/messages').send(usage(100, '2026-11-23T11:00:00.000Z')).expect(200);
    await bff.runtime.stream.settled();
    const list: ConflictList = (await bff.http.get('/api/conflicts').query({ advertiserId: 'ENTITYSTREAM1', status: 'open' }).expect(200))
      .body;
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({
      kind: 'budget_cut_while_exhausted',
      entityKey: 'campaign:555000111',
      explanation: expect.stringMatching(/spent 100% of today's budget/),
    });
  });

  it("names the advertiser and its profile in the message's marketplace from what the pulls stored", async () => {
    bff = await startTestBff(await create(), { STREAM_BUDGET_USAGE_ALERT_PERCENT: '90' }, clock);
    const pulled = (id: string, marketplace: string, profileId: string) => ({
      ...budgetChange({ id, advertiserId: 'ENTITYSTREAM1', campaignId: id, from: 40, to: 45, marketplace }),
      profileId,
    });
    await bff.runtime.store.upsertMany([pulled('us-1', 'US', '1001'), pulled('uk-1', 'UK', '2002')]);
    await bff.http.post('/api/stream/messages').send(usage(95, '2026-11-23T10:00:00.000Z')).expect(200);
    const [item] = await streamItems(bff);
    expect(item).toMatchObject({ advertiserId: 'ENTITYSTREAM1', marketplace: 'UK', advertiserName: 'Acme Kitchen', profileId: '2002' });
  });

  it('names a Stream item that arrived before the pulls once a pull has stored its advertiser', async () => {
    bff = await startTestBff(await create(), { STREAM_BUDGET_USAGE_ALERT_PERCENT: '90' }, clock);
    await bff.http.post('/api/stream/messages').send(usage(95, '2026-11-23T10:00:00.000Z')).expect(200);
    expect((await streamItems(bff))[0]).toMatchObject({ advertiserName: null, profileId: null });
    await bff.runtime.store.upsertMany([
      {
        ...budgetChange({ id: 'uk-1', advertiserId: 'ENTITYSTREAM1', campaignId: 'uk-1', from: 40, to: 45, marketplace: 'UK' }),
        profileId: '2002',
      },
    ]);
    await bff.runtime.stream.nameFromPulls();
    expect((await streamItems(bff))[0]).toMatchObject({ advertiserName: 'Acme Kitchen', profileId: '2002' });
  });

  it('names the campaign of a Stream item that arrived before the pulls once a pull has stored it', async () => {
    bff = await startTestBff(await create(), { STREAM_BUDGET_USAGE_ALERT_PERCENT: '90' }, clock);
    await bff.http
      .post('/api/stream/messages')
      .send(usage(95, '2026-11-23T10:00:00.000Z', '555000222'))
      .expect(200);
    const [unnamed] = await streamItems(bff);
    expect(unnamed).toMatchObject({ title: 'Campaign 555000222 at 95% of its daily budget', entity: { campaignName: null } });
    await bff.runtime.store.upsertMany([
      budgetChange({
        id: 'kettle',
        advertiserId: 'ENTITYSTREAM1',
        campaignId: '555000222',
        campaignName: 'Kettles | Exact',
        from: 40,
        to: 45,
      }),
    ]);
    await bff.runtime.stream.nameFromPulls();
    const [named] = await streamItems(bff);
    expect(named).toMatchObject({ title: 'Kettles | Exact at 95% of its daily budget', entity: { campaignName: 'Kettles | Exact' } });
    expect(named?.description).not.toContain('Campaign 555000222');
  });

  it('answers a body that is not a delivery with a problem', async () => {
    bff = await startTestBff(await create(), {}, clock);
    const response = await bff.http.post('/api/stream/messages').set('content-type', 'text/plain').send('{oops').expect(400);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    await bff.http.post('/api/stream/messages').send([]).expect(400);
  });
});
