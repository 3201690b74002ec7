/**
 * An in-memory Amazon SQS standard queue with the semantics a consumer has to get right: a received message is hidden
 * for its visibility timeout (extendable), comes back with a new receipt handle when the timeout lapses, is gone only
 * once deleted with its current receipt handle, and counts its receives. Long polling waits for a message up to the
 * asked number of seconds. Served over the SQS JSON protocol by sqs-protocol.ts, so RecDesk's consumer talks to it
 * with @aws-sdk/client-sqs exactly as it talks to AWS.
 */
import { createHash, randomUUID } from 'node:crypto';

export interface QueuedMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  sentAt: number;
  /** Hidden until then (epoch ms, wall clock: visibility is about real waiting, not the simulated day). */
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt: number | null;
  /** The receipt handle of the latest receive; older handles no longer delete or extend it. */
  receiptHandle: string | null;
  /** Who received it last (the access key id of the request, over the protocol): which consumer holds it. */
  receivedBy: string | null;
  /** Set when deleted: when (wall clock) and by whom (tests check who finished a message, and when). */
  deletedAt?: number;
  deletedBy?: string | null;
}

export interface ReceivedMessage {
  MessageId: string;
  ReceiptHandle: string;
  MD5OfBody: string;
  Body: string;
  Attributes: Record<string, string>;
}

/** Called before a message is deleted (tests check that what is deleted was stored first). */
export type BeforeDelete = (message: QueuedMessage) => Promise<void> | void;

export class QueueError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

export class SimulatedQueue {
  private readonly messages = new Map<string, QueuedMessage>();
  private readonly waiters = new Set<() => void>();
  /** Every deletion, in order (tests). */
  readonly deleted: QueuedMessage[] = [];
  beforeDelete: BeforeDelete | null = null;

  constructor(
    readonly name: string,
    readonly url: string,
    private readonly wallClock: () => number = Date.now,
    public defaultVisibilitySeconds = 30,
  ) {}

  send(body: string, delaySeconds = 0): { messageId: string; md5OfBody: string } {
    const now = this.wallClock();
    const message: QueuedMessage = {
      messageId: randomUUID(),
      body,
      md5OfBody: md5(body),
      sentAt: now,
      visibleAt: now + delaySeconds * 1000,
      receiveCount: 0,
      firstReceivedAt: null,
      receiptHandle: null,
      receivedBy: null,
    };
    this.messages.set(message.messageId, message);
    this.wake();
    return { messageId: message.messageId, md5OfBody: message.md5OfBody };
  }

  /** Up to `max` visible messages, each hidden for `visibilitySeconds`; waits up to `waitSeconds` for the first. */
  async receive(options: {
    max: number;
    visibilitySeconds?: number;
    waitSeconds: number;
    signal?: AbortSignal;
    by?: string | null;
  }): Promise<ReceivedMessage[]> {
    const deadline = this.wallClock() + options.waitSeconds * 1000;
    for (;;) {
      const taken = this.take(options.max, options.visibilitySeconds ?? this.defaultVisibilitySeconds, options.by ?? null);
      if (taken.length > 0 || this.wallClock() >= deadline || options.signal?.aborted) return taken;
      await this.waitForChange(Math.min(deadline - this.wallClock(), this.nextVisibleIn()), options.signal);
    }
  }

  changeVisibility(receiptHandle: string, visibilitySeconds: number): void {
    const message = this.byHandle(receiptHandle);
    message.visibleAt = this.wallClock() + visibilitySeconds * 1000;
    if (visibilitySeconds === 0) this.wake();
  }

  async delete(receiptHandle: string, by: string | null = null): Promise<void> {
    const message = this.byHandle(receiptHandle);
    await this.beforeDelete?.(message);
    if (this.messages.delete(message.messageId)) {
      message.deletedAt = this.wallClock();
      message.deletedBy = by;
      this.deleted.push(message);
    }
  }

  /** The messages received and not yet deleted nor visible again: what the consumers hold now (tests). */
  inFlight(): QueuedMessage[] {
    const now = this.wallClock();
    return [...this.messages.values()].filter((message) => message.receiveCount > 0 && message.visibleAt > now);
  }

  attributes(): Record<string, string> {
    const now = this.wallClock();
    let visible = 0;
    let inFlight = 0;
    let oldest = now;
    for (const message of this.messages.values()) {
      if (message.visibleAt <= now) visible++;
      else inFlight++;
      oldest = Math.min(oldest, message.sentAt);
    }
    return {
      ApproximateNumberOfMessages: String(visible),
      ApproximateNumberOfMessagesNotVisible: String(inFlight),
      ApproximateNumberOfMessagesDelayed: '0',
      VisibilityTimeout: String(this.defaultVisibilitySeconds),
      QueueArn: `arn:aws:sqs:us-east-1:000000000000:${this.name}`,
      // Not an SQS attribute (CloudWatch has it as ApproximateAgeOfOldestMessage); kept for the simulator's control page.
      ApproximateAgeOfOldestMessage: String(Math.round((now - oldest) / 1000)),
    };
  }

  /** The bodies on the queue, received or not (tests and the control page; receiving is what consumers do). */
  *peekBodies(): Iterable<string> {
    for (const message of this.messages.values()) yield message.body;
  }

  get size(): number {
    return this.messages.size;
  }

  purge(): void {
    this.messages.clear();
  }

  private take(max: number, visibilitySeconds: number, by: string | null): ReceivedMessage[] {
    const now = this.wallClock();
    const taken: ReceivedMessage[] = [];
    for (const message of this.messages.values()) {
      if (taken.length >= max) break;
      if (message.visibleAt > now) continue;
      message.receiveCount++;
      message.firstReceivedAt ??= now;
      message.visibleAt = now + visibilitySeconds * 1000;
      message.receiptHandle = `${message.messageId}#${randomUUID()}`;
      message.receivedBy = by;
      taken.push({
        MessageId: message.messageId,
        ReceiptHandle: message.receiptHandle,
        MD5OfBody: message.md5OfBody,
        Body: message.body,
        Attributes: {
          SentTimestamp: String(message.sentAt),
          ApproximateReceiveCount: String(message.receiveCount),
          ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt),
        },
      });
    }
    return taken;
  }

  private byHandle(receiptHandle: string): QueuedMessage {
    const messageId = receiptHandle.split('#')[0] ?? '';
    const message = this.messages.get(messageId);
    if (!message || message.receiptHandle !== receiptHandle)
      throw new QueueError('ReceiptHandleIsInvalid', `The receipt handle "${receiptHandle}" is not the message's current one.`);
    return message;
  }

  private nextVisibleIn(): number {
    const now = this.wallClock();
    let next = Number.POSITIVE_INFINITY;
    for (const message of this.messages.values()) next = Math.min(next, message.visibleAt - now);
    return Math.max(10, next);
  }

  private wake(): void {
    for (const waiter of this.waiters) waiter();
    this.waiters.clear();
  }

  private waitForChange(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}

/** The queues of one simulator, by name; a queue URL's last path segment names its queue. */
export class QueueRegistry {
  private readonly queues = new Map<string, SimulatedQueue>();
  /** The simulator's own address, known once it listens; queue URLs are built from it. */
  origin = 'http://127.0.0.1';

  create(name: string): SimulatedQueue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new SimulatedQueue(name, `${this.origin}/000000000000/${name}`);
      this.queues.set(name, queue);
    }
    return queue;
  }

  byUrl(url: string): SimulatedQueue {
    const name = url.replace(/\/+$/, '').split('/').pop() ?? '';
    const queue = this.queues.get(name);
    if (!queue) throw new QueueError('QueueDoesNotExist', `The specified queue ${url} does not exist.`);
    return queue;
  }

  byName(name: string): SimulatedQueue | undefined {
    return this.queues.get(name);
  }
}

/** The queue the simulator's Marketing Stream delivers into (the embedded default's consumer reads it). */
export const STREAM_QUEUE_NAME = 'recdesk-marketing-stream';
