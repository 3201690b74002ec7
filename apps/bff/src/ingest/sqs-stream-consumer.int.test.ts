import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SimulatedQueue } from '@recdesk/ads-simulator/sqs';
import { sql } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseRawDelivery } from '../sources/marketing-stream/stream-parse.ts';
import { databaseTargets } from '../testing/database-targets.ts';
import { startTestBff, type TestBff } from '../testing/test-runtime.ts';
import { type SqsConsumerConfig, SqsStreamConsumer } from './sqs-stream-consumer.ts';
import type { StreamIngest } from './stream-ingest.ts';

vi.setConfig({ testTimeout: 240_000 });

const BASE = Date.parse('2026-11-23T12:30:00Z');
/** The messages are dated 2026-11-23; the clock starts there and moves with real time (claims have a lease). */
function movingClock() {
  const start = Date.now();
  return { now: () => new Date(BASE + (Date.now() - start)) };
}

const pad = (i: number) => String(i).padStart(7, '0');
function usage(i: number) {
  return {
    dataset_id: 'budget-usage',
    // Every tenth is for an advertiser RecDesk has never seen: still a valid message, so still one item.
    advertiser_id: i % 10 === 0 ? `ENTITYUNKNOWN${i}` : 'ENTITYSQS1',
    marketplace_id: 'A1F83G8C2ARO7P',
    budget_scope_id: `77${pad(i)}`,
    budget_scope_type: 'CAMPAIGN',
    advertising_product_type: 'sp',
    budget: 50,
    budget_usage_percentage: 95,
    usage_updated_timestamp: '2026-11-23T10:00:00.000Z',
  };
}
function suggestion(i: number) {
  return {
    dataset_id: 'sp-budget-recommendations',
    advertiser_id: 'ENTITYSQS1',
    marketplace_id: 'A1F83G8C2ARO7P',
    campaign_id: `88${pad(i)}`,
    recommendation_time: '2026-11-23T09:00:00Z',
    reason_for_suggestion: 'Out of budget on 3 of the last 7 days.',
    start_date: '2026-11-16',
    end_date: '2026-11-22',
    suggested_budget: 80,
  };
}
const sns = (record: unknown, id: string) => JSON.stringify({ Type: 'Notification', MessageId: id, Message: JSON.stringify(record) });

/** A seeded shuffle: the same order every run. */
function shuffled<T>(items: T[]): T[] {
  let seed = 17;
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

function consumerConfig(bff: TestBff, overrides: Partial<SqsConsumerConfig> = {}): SqsConsumerConfig {
  const simulator = bff.runtime.simulator;
  if (!simulator) throw new Error('the test BFF runs its own simulator');
  return {
    queueUrl: simulator.streamQueueUrl,
    region: 'us-east-1',
    endpoint: simulator.url,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    consumers: 2,
    waitSeconds: 1,
    visibilitySeconds: 5,
    maxReceives: 5,
    deferSeconds: 1,
    ...overrides,
  };
}

/** The runtime's StreamIngest with another receiveRaw (a consumer that fails, or dies, while storing). */
function streamWith(bff: TestBff, receiveRaw: StreamIngest['receiveRaw']): StreamIngest {
  const stream = bff.runtime.stream;
  return {
    receiveRaw,
    holdClaims: (bodies: readonly string[]) => stream.holdClaims(bodies),
    claimStates: (bodies: readonly string[]) => stream.claimStates(bodies),
  } as unknown as StreamIngest;
}

async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 100));
}

/** Checks, as each message is deleted, that what it carried is already stored: its item claim processed, or quarantined. */
function guardDeletes(bff: TestBff, queue: SimulatedQueue): string[] {
  const violations: string[] = [];
  queue.beforeDelete = async (message) => {
    const parsed = parseRawDelivery(message.body, 0);
    if (parsed.status === 'valid') {
      const row = await bff.runtime.db
        .selectFrom('stream_messages')
        .select('processed_at')
        .where('dedup_key', '=', parsed.dedupKey)
        .executeTakeFirst();
      if (!row?.processed_at) violations.push(`deleted before stored: ${parsed.dedupKey}`);
    } else if (parsed.status === 'invalid') {
      const { count } = await bff.runtime.db
        .selectFrom('quarantine')
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .where('source', '=', 'marketing-stream')
        .where(sql<boolean>`raw = cast(${JSON.stringify(parsed.raw)} as jsonb)`)
        .executeTakeFirstOrThrow();
      if (Number(count) === 0) violations.push(`deleted before quarantined: ${message.body.slice(0, 60)}`);
    }
  };
  return violations;
}

describe.each(databaseTargets)('the Marketing Stream SQS consumer on $name', ({ name, create }) => {
  // PGlite runs one query at a time: a third of the messages there keeps the file within a minute or two.
  const VALID = name === 'PGlite' ? 300 : 1000;
  let bff: TestBff | undefined;
  const consumers: SqsStreamConsumer[] = [];
  afterEach(async () => {
    for (const consumer of consumers.splice(0)) await consumer.stop();
    await bff?.close();
    bff = undefined;
  });

  it('stores each valid message once and quarantines each malformed one, with two consumers and one killed midway', async () => {
    bff = await startTestBff(await create(), {}, movingClock());
    const simulator = bff.runtime.simulator;
    if (!simulator) throw new Error('no simulator');
    const queue = simulator.streamQueue;
    const violations = guardDeletes(bff, queue);

    const valid = [
      ...Array.from({ length: (VALID * 7) / 10 }, (_, i) => usage(i)),
      ...Array.from({ length: (VALID * 3) / 10 }, (_, i) => suggestion(i)),
    ];
    const bodies: string[] = [];
    valid.forEach((record, i) => {
      bodies.push(i % 5 < 2 ? sns(record, `sns-${i}`) : JSON.stringify(record));
      // Stream delivers at least once: every fifth message comes twice, in the other form (SNS envelope or raw).
      if (i % 5 === 0) bodies.push(i % 5 < 2 ? JSON.stringify(record) : sns(record, `sns-again-${i}`));
    });
    const malformed = [
      ...Array.from({ length: 30 }, (_, i) => `{not json ${i}`),
      ...Array.from({ length: 15 }, (_, i) => JSON.stringify({ no_dataset: i })),
      ...Array.from({ length: 15 }, (_, i) => JSON.stringify({ ...usage(900_000 + i), budget_usage_percentage: 'high' })),
      ...Array.from({ length: 10 }, (_, i) => JSON.stringify({ Type: 'Notification', MessageId: `bad-${i}`, Message: `not json ${i}` })),
    ];
    bodies.push(...malformed);
    const all = shuffled(bodies);
    // A part goes through the SDK's SendMessageBatch (the protocol both ways), the rest straight in.
    const sender = new SQSClient({ region: 'us-east-1', endpoint: simulator.url, credentials: { accessKeyId: 't', secretAccessKey: 't' } });
    for (let i = 0; i < 200; i += 10) {
      const sent = await sender.send(
        new SendMessageBatchCommand({
          QueueUrl: simulator.streamQueueUrl,
          Entries: all.slice(i, i + 10).map((body, index) => ({ Id: String(index), MessageBody: body })),
        }),
      );
      expect(sent.Successful).toHaveLength(Math.min(10, all.length - i));
    }
    sender.destroy();
    for (const body of all.slice(200)) queue.send(body);
    expect(queue.size).toBe(all.length);

    const runtime = bff.runtime;
    // Consumer A dies during its fifth batch: that batch is being stored, never deleted, its visibility never extended.
    let batchesA = 0;
    const consumerA: SqsStreamConsumer = new SqsStreamConsumer({
      stream: streamWith(bff, (raw, trigger, locations) => {
        batchesA++;
        if (batchesA < 5) return runtime.stream.receiveRaw(raw, trigger, locations);
        void runtime.stream.receiveRaw(raw, trigger, locations);
        consumerA.abandon();
        return new Promise(() => undefined);
      }),
      quarantine: runtime.quarantine,
      metrics: runtime.observability.metrics,
      log: runtime.log,
      config: consumerConfig(bff),
    });
    const consumerB = new SqsStreamConsumer({
      stream: runtime.stream,
      quarantine: runtime.quarantine,
      metrics: runtime.observability.metrics,
      log: runtime.log,
      config: consumerConfig(bff),
    });
    consumers.push(consumerA, consumerB);
    consumerA.start();
    consumerB.start();
    await until(() => queue.size === 0);
    expect(batchesA).toBeGreaterThanOrEqual(5);

    expect(violations).toEqual([]);
    const items = await runtime.db
      .selectFrom('recommendations')
      .select(['source_recommendation_id', 'version'])
      .where('source', '=', 'marketing-stream')
      .execute();
    expect(items).toHaveLength(valid.length);
    expect(new Set(items.map((item) => item.source_recommendation_id)).size).toBe(valid.length);
    expect(items.filter((item) => item.version !== 1)).toEqual([]);
    const messages = await runtime.db.selectFrom('stream_messages').select(['processed_at', 'recommendation_id']).execute();
    expect(messages).toHaveLength(valid.length);
    expect(messages.filter((m) => !m.processed_at || !m.recommendation_id)).toEqual([]);
    const quarantined = await runtime.db
      .selectFrom('quarantine')
      .select(sql<string>`count(distinct raw)`.as('count'))
      .where('source', '=', 'marketing-stream')
      .executeTakeFirstOrThrow();
    expect(Number(quarantined.count)).toBe(malformed.length);
    // Every message deleted once: the killed consumer's batch came back to B (as duplicates or to store).
    expect(queue.deleted).toHaveLength(all.length);
    expect(new Set(queue.deleted.map((m) => m.messageId)).size).toBe(all.length);
    expect(queue.deleted.some((m) => m.receiveCount > 1)).toBe(true);

    const metrics = (await runtime.observability.metrics.render()).body;
    expect(metrics).toMatch(/recdesk_stream_queue_messages_total\{outcome="accepted"\} \d+/);
    expect(metrics).toMatch(/recdesk_stream_queue_messages_total\{outcome="quarantined"\} \d+/);
    expect(metrics).toMatch(/recdesk_stream_queue_lag_seconds_count \d+/);
    expect(consumerB.status()).toMatchObject({ consumers: 2, lagMs: expect.any(Number) });
  });

  it('takes over a message whose consumer died after claiming it, and leaves one claimed just now for later', async () => {
    bff = await startTestBff(await create(), {}, movingClock());
    const runtime = bff.runtime;
    const abandoned = parseRawDelivery(JSON.stringify(usage(1)), 0);
    const busy = parseRawDelivery(JSON.stringify(usage(2)), 0);
    if (abandoned.status !== 'valid' || busy.status !== 'valid') throw new Error('fixtures must be valid');
    const claim = (key: string, at: Date) => ({
      dedup_key: key,
      dataset_id: 'budget-usage',
      advertiser_id: 'ENTITYSQS1',
      marketplace_id: 'A1F83G8C2ARO7P',
      scope_id: 'x',
      event_at: new Date(BASE),
      payload: '{}',
      recommendation_id: null,
      received_at: at,
      processed_at: null,
    });
    await runtime.db
      .insertInto('stream_messages')
      .values([claim(abandoned.dedupKey, new Date(runtime.now().getTime() - 10 * 60_000)), claim(busy.dedupKey, runtime.now())])
      .execute();
    const result = await runtime.stream.receiveRaw([JSON.stringify(usage(1)), JSON.stringify(usage(2))]);
    expect(result.outcomes.map((o) => o.status)).toEqual(['accepted', 'deferred']);
    expect(result).toMatchObject({ accepted: 1, deferred: 1 });
  });

  it('quarantines a message received too often without being stored as poison, then deletes it', async () => {
    bff = await startTestBff(await create(), {}, movingClock());
    const runtime = bff.runtime;
    const simulator = runtime.simulator;
    if (!simulator) throw new Error('no simulator');
    let failing = true;
    const consumer = new SqsStreamConsumer({
      stream: streamWith(bff, (raw, trigger, locations) =>
        failing ? Promise.reject(new Error('database unavailable')) : runtime.stream.receiveRaw(raw, trigger, locations),
      ),
      quarantine: runtime.quarantine,
      metrics: runtime.observability.metrics,
      log: runtime.log,
      config: consumerConfig(bff, { maxReceives: 2, consumers: 1 }),
    });
    consumers.push(consumer);
    simulator.streamQueue.send(JSON.stringify(usage(3)));
    consumer.start();
    // Stored nowhere on the first two receives (each failure gives it back after 2^n s); the third is poison.
    await until(() => simulator.streamQueue.size === 0);
    failing = false;
    const [entry] = await runtime.quarantine.list('marketing-stream');
    expect(entry?.reason).toMatch(/received 3 times from the Stream queue without being stored .*database unavailable/);
    expect(consumer.status().lastError?.message).toMatch(/database unavailable/);
  });

  it('stores the rest of a batch when one message in it cannot be stored, and leaves that one on the queue', async () => {
    bff = await startTestBff(await create(), {}, movingClock());
    const runtime = bff.runtime;
    const simulator = runtime.simulator;
    if (!simulator) throw new Error('no simulator');
    const breaking = JSON.stringify(usage(50));
    const consumer = new SqsStreamConsumer({
      stream: streamWith(bff, (raw, trigger, locations) =>
        raw.includes(breaking)
          ? Promise.reject(new Error('value too long for the column'))
          : runtime.stream.receiveRaw(raw, trigger, locations),
      ),
      quarantine: runtime.quarantine,
      metrics: runtime.observability.metrics,
      log: runtime.log,
      config: consumerConfig(bff, { maxReceives: 1, consumers: 1 }),
    });
    consumers.push(consumer);
    for (const i of [51, 50, 52]) simulator.streamQueue.send(i === 50 ? breaking : JSON.stringify(usage(i)));
    consumer.start();
    await until(() => simulator.streamQueue.size === 0);
    // The two good ones are items at their first receive; the breaking one is poison at its second.
    expect(simulator.streamQueue.deleted.filter((m) => m.body !== breaking).map((m) => m.receiveCount)).toEqual([1, 1]);
    const items = await runtime.db
      .selectFrom('recommendations')
      .select('source_recommendation_id')
      .where('source', '=', 'marketing-stream')
      .execute();
    expect(items).toHaveLength(2);
    const [entry] = await runtime.quarantine.list('marketing-stream');
    expect(entry?.reason).toMatch(/received 2 times .*value too long/);
  });
  it("takes over a dead consumer's message at its return after the visibility timeout, never deferring it into poison", async () => {
    // The claim lease follows the visibility timeout (5 s here): the claim lapses as the message comes back.
    bff = await startTestBff(await create(), { STREAM_SQS_VISIBILITY_SECONDS: '5' }, movingClock());
    const runtime = bff.runtime;
    const simulator = runtime.simulator;
    if (!simulator) throw new Error('no simulator');
    const body = JSON.stringify(usage(60));
    const parsed = parseRawDelivery(body, 0);
    if (parsed.status !== 'valid') throw new Error('the fixture must be valid');
    simulator.streamQueue.send(body);
    // The consumer that dies: it received the message for 5 s and claimed it, then nothing more.
    const [held] = await simulator.streamQueue.receive({ max: 1, visibilitySeconds: 5, waitSeconds: 0 });
    expect(held).toBeDefined();
    await runtime.db
      .insertInto('stream_messages')
      .values({
        dedup_key: parsed.dedupKey,
        dataset_id: parsed.datasetId,
        advertiser_id: parsed.advertiserId,
        marketplace_id: parsed.marketplaceId,
        scope_id: parsed.scopeId,
        event_at: parsed.eventAt,
        payload: JSON.stringify(parsed.record),
        recommendation_id: null,
        received_at: runtime.now(),
        processed_at: null,
      })
      .execute();
    expect(await runtime.stream.claimStates([body, '{not json'])).toEqual(['held', 'none']);
    const survivor = new SqsStreamConsumer({
      stream: runtime.stream,
      quarantine: runtime.quarantine,
      metrics: runtime.observability.metrics,
      log: runtime.log,
      config: consumerConfig(bff, { consumers: 1, maxReceives: 3 }),
    });
    consumers.push(survivor);
    survivor.start();
    await until(() => simulator.streamQueue.size === 0);
    // Stored by the survivor within the receives allowed (a lease running out a moment after the visibility costs at
    // most one deferral); with a lease longer than the visibility it was deferred until quarantined as poison.
    const [deleted] = simulator.streamQueue.deleted;
    expect(deleted?.receiveCount).toBeLessThanOrEqual(3);
    expect(await runtime.quarantine.list('marketing-stream')).toEqual([]);
    const claim = await runtime.db
      .selectFrom('stream_messages')
      .select(['processed_at', 'recommendation_id'])
      .where('dedup_key', '=', parsed.dedupKey)
      .executeTakeFirstOrThrow();
    expect(claim.processed_at).not.toBeNull();
    expect(claim.recommendation_id).not.toBeNull();
  });

  it('deletes a message received too often that was stored meanwhile, instead of quarantining it as poison', async () => {
    bff = await startTestBff(await create(), {}, movingClock());
    const runtime = bff.runtime;
    const simulator = runtime.simulator;
    if (!simulator) throw new Error('no simulator');
    const body = JSON.stringify(usage(61));
    // Stored, but its delete never arrived (a stale receipt handle): it keeps coming back.
    await runtime.stream.receiveRaw([body]);
    simulator.streamQueue.send(body);
    await simulator.streamQueue.receive({ max: 1, visibilitySeconds: 0, waitSeconds: 0 });
    await simulator.streamQueue.receive({ max: 1, visibilitySeconds: 0, waitSeconds: 0 });
    const consumer = new SqsStreamConsumer({
      stream: runtime.stream,
      quarantine: runtime.quarantine,
      metrics: runtime.observability.metrics,
      log: runtime.log,
      config: consumerConfig(bff, { consumers: 1, maxReceives: 1 }),
    });
    consumers.push(consumer);
    consumer.start();
    await until(() => simulator.streamQueue.size === 0);
    expect(simulator.streamQueue.deleted[0]?.receiveCount).toBe(3);
    expect(await runtime.quarantine.list('marketing-stream')).toEqual([]);
  });

  it('quarantines a malformed SQS message once, however often and wherever in a batch it is received', async () => {
    bff = await startTestBff(await create(), {}, movingClock());
    const runtime = bff.runtime;
    const malformed = '{"dataset_id": "budget-usage", "budget_usage_percentage": "high"}';
    // First seen second in a batch by a consumer that died before deleting it, then alone by the one that took over.
    await runtime.stream.receiveRaw([JSON.stringify(usage(62)), malformed], 'sqs', ['sqs message m-62', 'sqs message m-bad']);
    await runtime.stream.receiveRaw([malformed], 'sqs', ['sqs message m-bad']);
    const entries = await runtime.quarantine.list('marketing-stream');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ location: 'sqs message m-bad', reason: expect.stringMatching(/\S/) });
  });
});
