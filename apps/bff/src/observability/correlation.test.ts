import express from 'express';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  correlationMiddleware,
  correlationMixin,
  currentCorrelation,
  inJob,
  isValidCorrelationId,
  withCorrelation,
} from './correlation.ts';

describe('correlation ids', () => {
  it('accepts only short ids of safe characters', () => {
    expect(isValidCorrelationId('req-1.2:3_x')).toBe(true);
    expect(isValidCorrelationId('a'.repeat(128))).toBe(true);
    expect(isValidCorrelationId('a'.repeat(129))).toBe(false);
    expect(isValidCorrelationId('has space')).toBe(false);
    expect(isValidCorrelationId('-leading-dash')).toBe(false);
    expect(isValidCorrelationId('"quoted"')).toBe(false);
    expect(isValidCorrelationId(undefined)).toBe(false);
  });

  it('gives a job its own id under the request it runs in, or its own correlation outside any', async () => {
    const inside = await withCorrelation({ correlationId: 'req-42' }, () =>
      inJob('sync', async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return currentCorrelation();
      }),
    );
    expect(inside).toMatchObject({ correlationId: 'req-42', job: 'sync' });
    expect(inside?.jobId).toMatch(/^[0-9a-f-]{36}$/);

    const alone = inJob('ingest-tick', () => currentCorrelation());
    expect(alone?.correlationId).toBe(alone?.jobId);
    expect(currentCorrelation()).toBeUndefined();
  });

  it('adds the ids to log lines through the mixin', () => {
    expect(correlationMixin()).toEqual({});
    expect(withCorrelation({ correlationId: 'req-7' }, correlationMixin)).toEqual({ correlationId: 'req-7' });
    const job = withCorrelation({ correlationId: 'req-7' }, () => inJob('rules', correlationMixin));
    expect(job).toMatchObject({ correlationId: 'req-7', job: 'rules' });
  });

  it('echoes a valid x-request-id, replaces an invalid one, and keeps it for the whole request', async () => {
    const app = express();
    app.use(correlationMiddleware);
    app.get('/', async (_req, res) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      res.json(currentCorrelation());
    });
    const given = await supertest(app).get('/').set('x-request-id', 'lb-abc-123');
    expect(given.headers['x-request-id']).toBe('lb-abc-123');
    expect(given.body).toEqual({ correlationId: 'lb-abc-123' });
    const replaced = await supertest(app).get('/').set('x-request-id', 'two words');
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(replaced.body).toEqual({ correlationId: replaced.headers['x-request-id'] });
  });
});
