/**
 * Where this BFF reads Marketing Stream from, if anywhere: the queue named by STREAM_SQS_QUEUE_URL (live, or any
 * SQS-compatible endpoint), else on the simulated Ads API the simulator's own queue, which it fills from its clock.
 */
import type { Env } from '../config/env.ts';
import type { SqsConsumerConfig } from './sqs-stream-consumer.ts';

/** The simulator's Stream queue: account 000000000000, name recdesk-marketing-stream (ads-simulator/src/stream). */
export function simulatorStreamQueueUrl(simulatorOrigin: string): string {
  return `${simulatorOrigin.replace(/\/$/, '')}/000000000000/recdesk-marketing-stream`;
}

/** `sqs.eu-west-1.amazonaws.com` → eu-west-1. */
function regionOfQueueUrl(url: string): string | undefined {
  return /^sqs[.-]([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com/.exec(new URL(url).hostname)?.[1];
}

export function streamQueueConfigOf(env: Env, simulatorOrigin: string | null): SqsConsumerConfig | null {
  const common = {
    consumers: env.STREAM_SQS_CONSUMERS,
    visibilitySeconds: env.STREAM_SQS_VISIBILITY_SECONDS,
    maxReceives: env.STREAM_SQS_MAX_RECEIVES,
  };
  if (env.STREAM_SQS_QUEUE_URL) {
    return {
      ...common,
      queueUrl: env.STREAM_SQS_QUEUE_URL,
      region: env.STREAM_SQS_REGION ?? regionOfQueueUrl(env.STREAM_SQS_QUEUE_URL) ?? 'us-east-1',
      endpoint: env.STREAM_SQS_ENDPOINT,
      credentials:
        env.STREAM_SQS_ACCESS_KEY_ID && env.STREAM_SQS_SECRET_ACCESS_KEY
          ? { accessKeyId: env.STREAM_SQS_ACCESS_KEY_ID, secretAccessKey: env.STREAM_SQS_SECRET_ACCESS_KEY }
          : undefined,
      waitSeconds: env.STREAM_SQS_WAIT_SECONDS,
    };
  }
  if (env.ADS_API_MODE !== 'simulated' || !env.STREAM_SIMULATED || !simulatorOrigin) return null;
  return {
    ...common,
    queueUrl: simulatorStreamQueueUrl(simulatorOrigin),
    region: 'us-east-1',
    endpoint: simulatorOrigin,
    // The simulator checks no signature; the SDK still signs, so it needs some keys.
    credentials: { accessKeyId: 'simulated', secretAccessKey: 'simulated' },
    waitSeconds: Math.min(env.STREAM_SQS_WAIT_SECONDS, 5),
  };
}
