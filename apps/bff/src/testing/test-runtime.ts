/**
 * A whole BFF for a test: the embedded simulator, a database target, and the Express app, driven through Supertest.
 */
import { pino } from 'pino';
import supertest from 'supertest';
import { createApp } from '../app.ts';
import { parseEnv } from '../config/env.ts';
import type { DatabaseTarget } from '../db/database.ts';
import { createRuntime, type Runtime, VERSION } from '../runtime.ts';
import { dropSchema } from './database-targets.ts';

export interface TestBff {
  runtime: Runtime;
  http: ReturnType<typeof supertest>;
  close(): Promise<void>;
}

/** `options.now` injects the clock (freshness, schedules, expiry) instead of the wall clock. */
export async function startTestBff(
  target: DatabaseTarget,
  env: Record<string, string> = {},
  options: { now?: () => Date } = {},
): Promise<TestBff> {
  const runtime = await createRuntime(parseEnv({ SYNC_ON_START: 'false', ...env }), {
    database: target,
    log: pino({ level: 'silent' }),
    now: options.now,
  });
  const app = createApp({
    db: runtime.db,
    log: runtime.log,
    tokens: runtime.tokens,
    store: runtime.store,
    sync: runtime.sync,
    quarantine: runtime.quarantine,
    sourceStatus: runtime.sourceStatus,
    stream: runtime.stream,
    lifecycle: runtime.lifecycle,
    guardrails: runtime.guardrails,
    conflicts: runtime.conflicts,
    apply: runtime.apply,
    rules: runtime.rules,
    adsApiMode: runtime.env.ADS_API_MODE,
    version: VERSION,
  });
  return {
    runtime,
    http: supertest(app),
    async close() {
      await runtime.close();
      await dropSchema(target);
    },
  };
}
