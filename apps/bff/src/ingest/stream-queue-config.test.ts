import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from '../config/env.ts';
import { simulatorStreamQueueUrl, streamQueueConfigOf } from './stream-queue-config.ts';

describe('where Marketing Stream is read from', () => {
  it('reads STREAM_SQS_QUEUE_URL, its region from the host, and the SDK default credentials without keys', () => {
    const config = streamQueueConfigOf(
      parseEnv({ ADS_API_MODE: 'simulated', STREAM_SQS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/recdesk' }),
      'http://127.0.0.1:4010',
    );
    expect(config).toMatchObject({
      queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/recdesk',
      region: 'eu-west-1',
      waitSeconds: 20,
    });
    expect(config?.credentials).toBeUndefined();
  });

  it("reads the simulator's queue on the simulated API unless told not to, and nothing in live mode without a queue", () => {
    expect(streamQueueConfigOf(parseEnv({ ADS_API_MODE: 'simulated' }), 'http://127.0.0.1:4010')).toMatchObject({
      queueUrl: simulatorStreamQueueUrl('http://127.0.0.1:4010'),
      endpoint: 'http://127.0.0.1:4010',
      waitSeconds: 5,
    });
    expect(streamQueueConfigOf(parseEnv({ ADS_API_MODE: 'simulated', STREAM_SIMULATED: 'false' }), 'http://127.0.0.1:4010')).toBeNull();
  });

  it('refuses one static key without the other, and a region that is none', () => {
    expect(() => parseEnv({ STREAM_SQS_ACCESS_KEY_ID: 'AKIA' })).toThrow(ConfigError);
    expect(() => parseEnv({ STREAM_SQS_REGION: 'europe' })).toThrow(/STREAM_SQS_REGION: must be an AWS region/);
    expect(() => parseEnv({ STREAM_SQS_CONSUMERS: '0' })).toThrow(/STREAM_SQS_CONSUMERS/);
  });
});
