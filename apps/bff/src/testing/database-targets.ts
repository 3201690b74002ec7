/**
 * The databases a `*.int.test.ts` runs against: always PGlite, and the PostgreSQL server (TEST_DATABASE_URL,
 * default 127.0.0.1:5432/test) when it answers. In CI the server is required: an unreachable server fails the run
 * instead of quietly testing PGlite alone. Each test gets a schema of its own, so parallel test files never collide.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { DatabaseTarget } from '../db/database.ts';
import { pgliteTarget } from './pglite-template.ts';

const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function serverAnswers(): Promise<boolean> {
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

export type TargetFactory = { name: string; create: () => DatabaseTarget };

export const databaseTargets: TargetFactory[] = [
  { name: 'PGlite', create: pgliteTarget },
  ...((await serverAnswers())
    ? [
        {
          name: 'PostgreSQL server',
          create: (): DatabaseTarget => ({
            kind: 'postgres',
            url: SERVER_URL,
            schema: `test_${randomUUID().replaceAll('-', '')}`,
            poolSize: 4,
          }),
        },
      ]
    : []),
];

/** Drops a test schema created on the server. */
export async function dropSchema(target: DatabaseTarget): Promise<void> {
  if (target.kind !== 'postgres' || !target.schema) return;
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${target.schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
