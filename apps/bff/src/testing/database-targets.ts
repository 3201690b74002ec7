/**
 * The databases a `*.int.test.ts` runs against: always PGlite, and the PostgreSQL server (TEST_DATABASE_URL,
 * default 127.0.0.1:5432/test) when it answers. In CI the server is required: an unreachable server fails the run
 * instead of quietly testing PGlite alone. Each test gets a database of its own, so parallel test files never
 * collide: on the server a copy of the run's migrated template (`server-template.ts`), on PGlite an in-memory
 * database loaded from a migrated snapshot (`pglite-template.ts`).
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { DatabaseTarget } from '../db/database.ts';
import { pgliteTarget } from './pglite-template.ts';
import { cloneTemplate, databaseUrl, dropDatabase, SERVER_TEMPLATE_VARIABLE, TEST_SCHEMA } from './server-template.ts';

export const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function serverAnswers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: SERVER_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch (error) {
    if (process.env.CI)
      throw new Error(`CI must test against PostgreSQL at ${SERVER_URL}, which did not answer: ${(error as Error).message}`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export type TargetFactory = { name: string; create: () => Promise<DatabaseTarget> };

/** A database of its own on the server: a copy of the run's template, or (outside Vitest's setup) a new schema. */
async function serverTarget(): Promise<DatabaseTarget> {
  const template = process.env[SERVER_TEMPLATE_VARIABLE];
  if (!template) return { kind: 'postgres', url: SERVER_URL, schema: `test_${randomUUID().replaceAll('-', '')}`, poolSize: 4 };
  return { kind: 'postgres', url: databaseUrl(SERVER_URL, await cloneTemplate(SERVER_URL, template)), schema: TEST_SCHEMA, poolSize: 4 };
}

export const databaseTargets: TargetFactory[] = [
  { name: 'PGlite', create: async () => pgliteTarget() },
  ...((await serverAnswers()) ? [{ name: 'PostgreSQL server', create: serverTarget }] : []),
];

/** Drops what a test target holds on the server: its copy of the template, or its schema. */
export async function dropTestTarget(target: DatabaseTarget): Promise<void> {
  if (target.kind !== 'postgres' || !target.schema) return;
  const database = new URL(target.url).pathname.slice(1);
  const template = process.env[SERVER_TEMPLATE_VARIABLE];
  if (template && database.startsWith(`${template}_`)) {
    await dropDatabase(SERVER_URL, database);
    return;
  }
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${target.schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
