/**
 * The subset of the Amazon SQS JSON protocol (AWS JSON 1.0: `POST /`, `X-Amz-Target: AmazonSQS.<Operation>`) that a
 * Marketing Stream consumer and its tests use, served by the simulator's HTTP server in front of the msw handlers:
 * CreateQueue, GetQueueUrl, SendMessage(Batch), ReceiveMessage, DeleteMessage(Batch), ChangeMessageVisibility(Batch),
 * GetQueueAttributes, PurgeQueue. Request signatures are not checked (any credentials do), like the simulated Ads API.
 * Errors answer 400 with `__type` and the `x-amzn-query-error` header, which is how the SDK names them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { QueueError, type QueueRegistry } from './sqs-queue.ts';

export function isSqsRequest(req: IncomingMessage): boolean {
  const target = req.headers['x-amz-target'];
  return req.method === 'POST' && typeof target === 'string' && target.startsWith('AmazonSQS.');
}

const QueueUrl = z.string().min(1);
const BatchId = z.string().regex(/^[\w-]{1,80}$/);
const Schemas = {
  CreateQueue: z.object({ QueueName: z.string().regex(/^[\w-]{1,80}$/) }),
  GetQueueUrl: z.object({ QueueName: z.string().min(1) }),
  SendMessage: z.object({ QueueUrl, MessageBody: z.string().min(1), DelaySeconds: z.number().int().min(0).max(900).optional() }),
  SendMessageBatch: z.object({
    QueueUrl,
    Entries: z
      .array(z.object({ Id: BatchId, MessageBody: z.string().min(1), DelaySeconds: z.number().int().min(0).max(900).optional() }))
      .min(1)
      .max(10),
  }),
  ReceiveMessage: z.object({
    QueueUrl,
    MaxNumberOfMessages: z.number().int().min(1).max(10).optional(),
    VisibilityTimeout: z.number().int().min(0).max(43_200).optional(),
    WaitTimeSeconds: z.number().int().min(0).max(20).optional(),
  }),
  DeleteMessage: z.object({ QueueUrl, ReceiptHandle: z.string().min(1) }),
  DeleteMessageBatch: z.object({
    QueueUrl,
    Entries: z
      .array(z.object({ Id: BatchId, ReceiptHandle: z.string().min(1) }))
      .min(1)
      .max(10),
  }),
  ChangeMessageVisibility: z.object({ QueueUrl, ReceiptHandle: z.string().min(1), VisibilityTimeout: z.number().int().min(0).max(43_200) }),
  ChangeMessageVisibilityBatch: z.object({
    QueueUrl,
    Entries: z
      .array(z.object({ Id: BatchId, ReceiptHandle: z.string().min(1), VisibilityTimeout: z.number().int().min(0).max(43_200) }))
      .min(1)
      .max(10),
  }),
  GetQueueAttributes: z.object({ QueueUrl, AttributeNames: z.array(z.string()).optional() }),
  PurgeQueue: z.object({ QueueUrl }),
};
type Operation = keyof typeof Schemas;

const QUERY_ERRORS: Record<string, string> = {
  QueueDoesNotExist: 'AWS.SimpleQueueService.NonExistentQueue',
  ReceiptHandleIsInvalid: 'ReceiptHandleIsInvalid',
  InvalidParameterValue: 'InvalidParameterValue',
  InvalidAction: 'InvalidAction',
};

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(payload),
    'x-amzn-requestid': crypto.randomUUID(),
    ...headers,
  });
  res.end(payload);
}

function fail(res: ServerResponse, code: string, message: string): void {
  reply(res, 400, { __type: `com.amazonaws.sqs#${code}`, message }, { 'x-amzn-query-error': `${QUERY_ERRORS[code] ?? code};Sender` });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : {};
}

function batchFailure(id: string, error: unknown) {
  const code = error instanceof QueueError ? error.code : 'InternalError';
  return { Id: id, SenderFault: error instanceof QueueError, Code: code, Message: (error as Error).message };
}

/**
 * The access key id a request was signed with (`Authorization: AWS4-HMAC-SHA256 Credential=<key>/<date>/...`): not
 * checked, only recorded, so that a test giving each consumer its own key knows which one holds or deleted a message.
 */
function callerOf(req: IncomingMessage): string | null {
  return /Credential=([^/,\s]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? null;
}

export async function handleSqsRequest(req: IncomingMessage, res: ServerResponse, queues: QueueRegistry): Promise<void> {
  const operation = String(req.headers['x-amz-target']).slice('AmazonSQS.'.length) as Operation;
  const schema = Schemas[operation];
  if (!schema) return fail(res, 'InvalidAction', `The simulator does not serve AmazonSQS.${operation}.`);
  let input: unknown;
  try {
    input = await readJson(req);
  } catch {
    return fail(res, 'InvalidParameterValue', 'The request body is not JSON.');
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) return fail(res, 'InvalidParameterValue', z.prettifyError(parsed.error));
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  try {
    reply(res, 200, await run(operation, parsed.data, queues, abort.signal, callerOf(req)));
  } catch (error) {
    if (error instanceof QueueError) return fail(res, error.code, error.message);
    throw error;
  }
}

async function run(
  operation: Operation,
  input: unknown,
  queues: QueueRegistry,
  signal: AbortSignal,
  caller: string | null,
): Promise<unknown> {
  switch (operation) {
    case 'CreateQueue': {
      const { QueueName } = input as z.infer<typeof Schemas.CreateQueue>;
      return { QueueUrl: queues.create(QueueName).url };
    }
    case 'GetQueueUrl': {
      const { QueueName } = input as z.infer<typeof Schemas.GetQueueUrl>;
      const queue = queues.byName(QueueName);
      if (!queue) throw new QueueError('QueueDoesNotExist', `The specified queue ${QueueName} does not exist.`);
      return { QueueUrl: queue.url };
    }
    case 'SendMessage': {
      const body = input as z.infer<typeof Schemas.SendMessage>;
      const sent = queues.byUrl(body.QueueUrl).send(body.MessageBody, body.DelaySeconds);
      return { MessageId: sent.messageId, MD5OfMessageBody: sent.md5OfBody };
    }
    case 'SendMessageBatch': {
      const body = input as z.infer<typeof Schemas.SendMessageBatch>;
      const queue = queues.byUrl(body.QueueUrl);
      return {
        Successful: body.Entries.map((entry) => {
          const sent = queue.send(entry.MessageBody, entry.DelaySeconds);
          return { Id: entry.Id, MessageId: sent.messageId, MD5OfMessageBody: sent.md5OfBody };
        }),
        Failed: [],
      };
    }
    case 'ReceiveMessage': {
      const body = input as z.infer<typeof Schemas.ReceiveMessage>;
      const messages = await queues.byUrl(body.QueueUrl).receive({
        max: body.MaxNumberOfMessages ?? 1,
        visibilitySeconds: body.VisibilityTimeout,
        waitSeconds: body.WaitTimeSeconds ?? 0,
        signal,
        by: caller,
      });
      return { Messages: messages };
    }
    case 'DeleteMessage': {
      const body = input as z.infer<typeof Schemas.DeleteMessage>;
      await queues.byUrl(body.QueueUrl).delete(body.ReceiptHandle, caller);
      return {};
    }
    case 'DeleteMessageBatch': {
      const body = input as z.infer<typeof Schemas.DeleteMessageBatch>;
      const queue = queues.byUrl(body.QueueUrl);
      const Successful: { Id: string }[] = [];
      const Failed: ReturnType<typeof batchFailure>[] = [];
      for (const entry of body.Entries) {
        try {
          await queue.delete(entry.ReceiptHandle, caller);
          Successful.push({ Id: entry.Id });
        } catch (error) {
          Failed.push(batchFailure(entry.Id, error));
        }
      }
      return { Successful, Failed };
    }
    case 'ChangeMessageVisibility': {
      const body = input as z.infer<typeof Schemas.ChangeMessageVisibility>;
      queues.byUrl(body.QueueUrl).changeVisibility(body.ReceiptHandle, body.VisibilityTimeout);
      return {};
    }
    case 'ChangeMessageVisibilityBatch': {
      const body = input as z.infer<typeof Schemas.ChangeMessageVisibilityBatch>;
      const queue = queues.byUrl(body.QueueUrl);
      const Successful: { Id: string }[] = [];
      const Failed: ReturnType<typeof batchFailure>[] = [];
      for (const entry of body.Entries) {
        try {
          queue.changeVisibility(entry.ReceiptHandle, entry.VisibilityTimeout);
          Successful.push({ Id: entry.Id });
        } catch (error) {
          Failed.push(batchFailure(entry.Id, error));
        }
      }
      return { Successful, Failed };
    }
    case 'GetQueueAttributes': {
      const body = input as z.infer<typeof Schemas.GetQueueAttributes>;
      const all = queues.byUrl(body.QueueUrl).attributes();
      const names = body.AttributeNames ?? ['All'];
      return { Attributes: names.includes('All') ? all : Object.fromEntries(Object.entries(all).filter(([key]) => names.includes(key))) };
    }
    case 'PurgeQueue': {
      queues.byUrl((input as z.infer<typeof Schemas.PurgeQueue>).QueueUrl).purge();
      return {};
    }
  }
}
