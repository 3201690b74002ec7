/**
 * A whole BFF for a test: the embedded simulator, a database target, and the Express app, driven through Supertest.
 */
import { CSRF_HEADER, SessionInfoSchema } from '@recdesk/shared-types';
import type express from 'express';
import { type Logger, pino } from 'pino';
import supertest from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { createAppFor } from '../app.ts';
import { parseEnv } from '../config/env.ts';
import type { DatabaseTarget } from '../db/database.ts';
import { createRuntime, type Runtime, VERSION } from '../runtime.ts';
import { dropTestTarget } from './database-targets.ts';

export interface TestBff {
  runtime: Runtime;
  /** Signed in as an admin of every advertiser, sending the CSRF token and the Stream secret with each request. */
  http: TestAgent;
  /** No session at all. */
  anonymous: ReturnType<typeof supertest>;
  app: express.Express;
  /** A new agent signed in as this user (created beforehand), sending its CSRF token. */
  signIn(email: string, password: string): Promise<TestAgent>;
  close(): Promise<void>;
}

export const TEST_ADMIN = { email: 'test-admin@recdesk.test', password: 'test-admin-password' } as const;
export const TEST_STREAM_SECRET = 'test-stream-shared-secret';

/**
 * `options.now` injects the clock (freshness, schedules, expiry) instead of the wall clock; `options.log` replaces the
 * silent logger (a test that reads log lines passes one built with the runtime's redaction, `createLogger`).
 */
export async function startTestBff(
  target: DatabaseTarget,
  env: Record<string, string> = {},
  options: { now?: () => Date; log?: Logger } = {},
): Promise<TestBff> {
  const runtime = await createRuntime(
    parseEnv({
      SYNC_ON_START: 'false',
      // No background catch-up syncs unless a test asks for them: they would change what other tests count.
      INGEST_RETRY_FIRST_MS: '0',
      NODE_ENV: 'test',
      API_RATE_LIMIT_PER_MINUTE: '1000000',
      STREAM_SHARED_SECRET: TEST_STREAM_SECRET,
      // The simulated Stream would add items on its own; the tests that read the queue start it themselves.
      STREAM_SIMULATED: 'false',
      // The simulator finishes a report after a number of polls, not after a time: waiting seconds between polls
      // (the production defaults) only made every full sync of a test seconds longer.
      BRAND_METRICS_POLL_INTERVAL_MS: '5',
      PERFORMANCE_REPORT_POLL_INTERVAL_MS: '5',
      // Nor does it limit the rate unless a test asks it to (setFaults): the client's pacing at Amazon's 10 calls a
      // second made a full sync 35 s. A test of the pacing itself sets these.
      ADS_RATE_LIMIT_PER_SECOND: '1000',
      ADS_RATE_LIMIT_CONCURRENCY: '20',
      ...env,
    }),
    { database: target, log: options.log ?? pino({ level: 'silent' }), now: options.now },
  );
  const app = createAppFor(runtime, { version: VERSION });
  async function signIn(email: string, password: string): Promise<TestAgent> {
    const agent = supertest.agent(app);
    const response = await agent.post('/api/auth/login').send({ email, password });
    if (response.status !== 200) throw new Error(`test sign-in as ${email} failed: ${response.status} ${JSON.stringify(response.body)}`);
    agent.set(CSRF_HEADER, SessionInfoSchema.parse(response.body).csrfToken);
    agent.set('x-recdesk-stream-secret', runtime.env.STREAM_SHARED_SECRET ?? '');
    return agent;
  }
  if (!(await runtime.auth.users.getByEmail(TEST_ADMIN.email))) {
    await runtime.auth.users.create({ ...TEST_ADMIN, role: 'admin', allAdvertisers: true, advertiserIds: [] });
  }
  const http = await signIn(TEST_ADMIN.email, TEST_ADMIN.password);
  return {
    runtime,
    http,
    anonymous: supertest(app),
    app,
    signIn,
    async close() {
      await runtime.close();
      await dropTestTarget(target);
    },
  };
}
