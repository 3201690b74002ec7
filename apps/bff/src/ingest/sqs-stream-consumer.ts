/**
 * Reads Amazon Marketing Stream deliveries from the SQS queue they land in (facts.md §4), with @aws-sdk/client-sqs:
 * the same code path against AWS and, on the embedded default, against the simulator's queue (it serves the SQS JSON
 * protocol). At least once, safely:
 * - long polling, up to 10 messages a receive, several loops (`consumers`) on one queue;
 * - while a batch is being stored its visibility is extended (every half timeout), so no other consumer gets it;
 * - a message is deleted only after StreamIngest stored it (its item, its quarantine entry, or its "duplicate");
 *   a storage failure leaves the batch on the queue and it comes back; one another consumer holds (`deferred`) comes
 *   back a few seconds later;
 * - a message received more than `maxReceives` times without being stored is poison: quarantined with its reason,
 *   then deleted, so it cannot block the queue (one stored meanwhile is deleted, one another consumer is storing
 *   waits again); malformed bodies are quarantined by StreamIngest on first sight, one entry per SQS message;
 * - claims (StreamIngest) are kept fresh with the visibility, so a dead consumer's messages and claims lapse together;
 * - deduplication (idempotency_id or content key) and SNS unwrapping are StreamIngest's, shared with the HTTP route.
 * Lag (SentTimestamp → stored), the oldest message's age, the backlog and throughput go to /metrics and the status.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { StreamQueueStatus } from '@recdesk/shared-types';
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.ts';
import type { QuarantineStore } from './quarantine-store.ts';
import type { StreamIngest } from './stream-ingest.ts';

export interface SqsConsumerConfig {
  queueUrl: string;
  region: string;
  /** Another SQS-compatible endpoint (the simulator, a local emulator); unset: AWS's, from the queue URL. */
  endpoint?: string;
  /** Static keys; unset: the SDK's default chain (environment, profile, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  consumers: number;
  waitSeconds: number;
  visibilitySeconds: number;
  maxReceives: number;
  /** How soon a message another consumer is processing is looked at again. */
  deferSeconds?: number;
}

export interface SqsConsumerDeps {
  stream: StreamIngest;
  quarantine: QuarantineStore;
  metrics: Metrics;
  log: Logger;
  config: SqsConsumerConfig;
  /** Wall clock: lag is real waiting, whatever the simulated clock says. */
  wallClock?: () => number;
  client?: SQSClient;
}

const THROUGHPUT_WINDOW_MS = 60_000;

/** Where a message came from, for its quarantine entry: one entry per SQS message, however often it is received. */
const locationOf = (m: Message) => `sqs message ${m.MessageId}`;

export class SqsStreamConsumer {
  private readonly client: SQSClient;
  private readonly abort = new AbortController();
  private loops: Promise<void>[] = [];
  private attributesTimer: NodeJS.Timeout | null = null;
  private readonly wallClock: () => number;
  private readonly stored: number[] = [];
  private last: { lagMs: number | null; oldestAgeMs: number | null; backlog: number | null; receivedAt: number | null } = {
    lagMs: null,
    oldestAgeMs: null,
    backlog: null,
    receivedAt: null,
  };
  private lastError: { at: number; message: string } | null = null;
  private readonly heartbeats = new Set<NodeJS.Timeout>();
  private abandoned = false;

  constructor(private readonly deps: SqsConsumerDeps) {
    const { config } = deps;
    this.wallClock = deps.wallClock ?? Date.now;
    // The pinned SDK runs on Node 20; its warning is about versions published after January 2027 (README, Stream).
    // Printed on every start it would only be noise in the console summary.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    this.client =
      deps.client ??
      new SQSClient({
        region: config.region,
        endpoint: config.endpoint,
        credentials: config.credentials,
        maxAttempts: 3,
      });
  }

  get running(): boolean {
    return this.loops.length > 0;
  }

  start(): void {
    if (this.loops.length > 0) return;
    for (let i = 0; i < this.deps.config.consumers; i++) this.loops.push(this.loop(i));
    this.attributesTimer = setInterval(() => void this.lookAtQueue(), 15_000);
    this.attributesTimer.unref();
    void this.lookAtQueue();
    this.deps.log.info(
      { queueUrl: this.deps.config.queueUrl, consumers: this.deps.config.consumers },
      'reading Marketing Stream from its SQS queue',
    );
  }

  /** Stops receiving; a batch being stored finishes (and is deleted) first, so nothing is left half done. */
  async stop(): Promise<void> {
    this.abort.abort();
    if (this.attributesTimer) clearInterval(this.attributesTimer);
    await Promise.allSettled(this.loops);
    this.loops = [];
    this.client.destroy();
  }

  /**
   * What a crash leaves behind: receiving and visibility extensions stop at once and a batch under way is never
   * deleted, so its messages come back to the other consumers after their visibility timeout. For a shutdown that
   * cannot wait, and for the tests that kill a consumer midway.
   */
  abandon(): void {
    this.abandoned = true;
    this.abort.abort();
    for (const heartbeat of this.heartbeats) clearInterval(heartbeat);
    this.heartbeats.clear();
    if (this.attributesTimer) clearInterval(this.attributesTimer);
    this.loops = [];
  }

  status(): StreamQueueStatus {
    const now = this.wallClock();
    while (this.stored.length > 0 && (this.stored[0] ?? 0) < now - THROUGHPUT_WINDOW_MS) this.stored.shift();
    return {
      consumers: this.running ? this.deps.config.consumers : 0,
      lagMs: this.last.lagMs,
      oldestAgeMs: this.last.oldestAgeMs,
      backlog: this.last.backlog,
      perMinute: this.stored.length,
      lastReceiveAt: this.last.receivedAt === null ? null : new Date(this.last.receivedAt).toISOString(),
      lastError: this.lastError ? { at: new Date(this.lastError.at).toISOString(), message: this.lastError.message } : null,
    };
  }

  private async loop(index: number): Promise<void> {
    const { config, log } = this.deps;
    let failures = 0;
    while (!this.abort.signal.aborted) {
      let messages: Message[];
      try {
        const answer = await this.client.send(
          new ReceiveMessageCommand({
            QueueUrl: config.queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: config.waitSeconds,
            VisibilityTimeout: config.visibilitySeconds,
            MessageSystemAttributeNames: ['SentTimestamp', 'ApproximateReceiveCount'],
          }),
          { abortSignal: this.abort.signal },
        );
        messages = answer.Messages ?? [];
        failures = 0;
      } catch (error) {
        if (this.abort.signal.aborted) break;
        failures++;
        this.failed(error, 'receive');
        log.warn({ err: error, consumer: index }, 'receiving from the Stream queue failed; trying again');
        await this.sleep(Math.min(30_000, 500 * 2 ** Math.min(failures, 6)));
        continue;
      }
      if (messages.length === 0) {
        this.last.oldestAgeMs = 0;
        this.deps.metrics.streamQueueState({ oldestAgeSeconds: 0 });
        continue;
      }
      await this.handle(messages);
    }
  }

  /** One received batch: kept invisible while stored, then deleted (or given back). Never throws. */
  async handle(messages: Message[]): Promise<void> {
    const { config, stream, quarantine, metrics, log } = this.deps;
    const receivedAt = this.wallClock();
    const sentAt = (m: Message) => Number(m.Attributes?.SentTimestamp ?? receivedAt);
    const oldest = Math.max(...messages.map((m) => receivedAt - sentAt(m)));
    this.last.oldestAgeMs = oldest;
    this.last.receivedAt = receivedAt;
    metrics.streamQueueState({ oldestAgeSeconds: oldest / 1000 });

    // Invisible on the queue and claimed in the database for as long as the batch is being stored: a duplicate on
    // another consumer waits (deferred), and if this consumer dies both lapse together, one visibility timeout on.
    const bodies = messages.map((m) => m.Body ?? '');
    const heartbeat = setInterval(
      () => void Promise.all([this.changeVisibility(messages, config.visibilitySeconds), stream.holdClaims(bodies)]).catch(() => undefined),
      (config.visibilitySeconds * 1000) / 2,
    );
    this.heartbeats.add(heartbeat);
    const stopHeartbeat = () => {
      clearInterval(heartbeat);
      this.heartbeats.delete(heartbeat);
    };
    try {
      const done: Message[] = [];
      const later: Message[] = [];
      // Received too often: poison, unless it was stored meanwhile (a delete that failed: delete it now) or a consumer
      // is storing it (a duplicate waited on: later again). Only a message nobody could store is given up on.
      const overLimit = messages.filter((m) => Number(m.Attributes?.ApproximateReceiveCount ?? 1) > config.maxReceives);
      const poison: Message[] = [];
      if (overLimit.length > 0) {
        const states = await stream.claimStates(overLimit.map((m) => m.Body ?? ''));
        overLimit.forEach((message, i) => {
          if (states[i] === 'processed') {
            metrics.streamQueueMessages('duplicate');
            done.push(message);
          } else if (states[i] === 'held') later.push(message);
          else poison.push(message);
        });
      }
      const fresh = messages.filter((m) => !overLimit.includes(m));
      if (poison.length > 0) {
        await quarantine.add(
          poison.map((m) => ({
            source: 'marketing-stream' as const,
            runId: null,
            reason: `received ${m.Attributes?.ApproximateReceiveCount} times from the Stream queue without being stored (more than ${config.maxReceives}); last error: ${this.lastError?.message ?? 'unknown'}`,
            location: locationOf(m),
            raw: { body: (m.Body ?? '').slice(0, 2_000) },
          })),
        );
        metrics.streamQueueMessages('poison', poison.length);
        done.push(...poison);
      }
      const record = (message: Message, status: string, storedAt: number) => {
        metrics.streamQueueMessages(status);
        if (status === 'deferred') {
          later.push(message);
          return;
        }
        done.push(message);
        const lag = storedAt - sentAt(message);
        metrics.streamQueueLag(lag / 1000);
        this.last.lagMs = lag;
        this.stored.push(storedAt);
      };
      if (fresh.length > 0) {
        let result: Awaited<ReturnType<StreamIngest['receiveRaw']>> | null = null;
        try {
          result = await stream.receiveRaw(
            fresh.map((m) => m.Body ?? ''),
            'sqs',
            fresh.map(locationOf),
          );
        } catch (error) {
          if (fresh.length === 1) throw error;
          // One message that cannot be stored must not hold back (and at last poison) the nine beside it: each is
          // stored on its own; those that fail again stay on the queue.
          this.failed(error, 'store');
          const failing: Message[] = [];
          for (const message of fresh) {
            try {
              const alone = await stream.receiveRaw([message.Body ?? ''], 'sqs', [locationOf(message)]);
              for (const outcome of alone.outcomes) record(message, outcome.status, this.wallClock());
            } catch {
              failing.push(message);
            }
          }
          if (failing.length === fresh.length) throw error;
          if (failing.length > 0) {
            metrics.streamQueueMessages('failed', failing.length);
            await this.changeVisibility(failing, (m) =>
              Math.min(config.visibilitySeconds, 2 ** Number(m.Attributes?.ApproximateReceiveCount ?? 1)),
            );
          }
        }
        if (result) {
          const storedAt = this.wallClock();
          for (const outcome of result.outcomes) {
            const message = fresh[outcome.index];
            if (message) record(message, outcome.status, storedAt);
          }
        }
      }
      stopHeartbeat();
      if (this.abandoned) return;
      if (later.length > 0) await this.changeVisibility(later, config.deferSeconds ?? 5);
      await this.delete(done);
    } catch (error) {
      // Not stored: nothing is deleted. The batch comes back after a short wait (each time a little longer).
      stopHeartbeat();
      if (this.abandoned) return;
      this.failed(error, 'store');
      metrics.streamQueueMessages('failed', messages.length);
      log.error({ err: error, messages: messages.length }, 'a Stream batch could not be stored; it stays on the queue');
      await this.changeVisibility(messages, (m) =>
        Math.min(config.visibilitySeconds, 2 ** Number(m.Attributes?.ApproximateReceiveCount ?? 1)),
      ).catch(() => undefined);
    }
  }

  private async delete(messages: Message[]): Promise<void> {
    for (let i = 0; i < messages.length; i += 10) {
      const chunk = messages.slice(i, i + 10);
      try {
        const answer = await this.client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: this.deps.config.queueUrl,
            Entries: chunk.map((m, index) => ({ Id: String(index), ReceiptHandle: m.ReceiptHandle })),
          }),
        );
        // A delete that failed (a receipt handle gone stale) means a redelivery: recognised then as a duplicate.
        if (answer.Failed && answer.Failed.length > 0)
          this.deps.log.warn(
            { failed: answer.Failed.map((f) => f.Code) },
            'some stored Stream messages could not be deleted; they come back as duplicates',
          );
      } catch (error) {
        this.failed(error, 'delete');
        this.deps.log.warn({ err: error }, 'deleting stored Stream messages failed; they come back as duplicates');
      }
    }
  }

  private async changeVisibility(messages: Message[], seconds: number | ((m: Message) => number)): Promise<void> {
    for (let i = 0; i < messages.length; i += 10) {
      const chunk = messages.slice(i, i + 10);
      await this.client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: this.deps.config.queueUrl,
          Entries: chunk.map((m, index) => ({
            Id: String(index),
            ReceiptHandle: m.ReceiptHandle,
            VisibilityTimeout: Math.round(typeof seconds === 'number' ? seconds : seconds(m)),
          })),
        }),
      );
    }
  }

  private async lookAtQueue(): Promise<void> {
    try {
      const answer = await this.client.send(
        new GetQueueAttributesCommand({ QueueUrl: this.deps.config.queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
        { abortSignal: this.abort.signal },
      );
      const backlog = Number(answer.Attributes?.ApproximateNumberOfMessages);
      if (Number.isFinite(backlog)) {
        this.last.backlog = backlog;
        this.deps.metrics.streamQueueState({ backlog });
      }
    } catch (error) {
      if (!this.abort.signal.aborted) this.failed(error, 'attributes');
    }
  }

  private failed(error: unknown, during: string): void {
    this.lastError = { at: this.wallClock(), message: `${during}: ${(error as Error).message ?? String(error)}` };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.abort.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }
}
