/**
 * Test databases on the PostgreSQL server, each a copy of one migrated template database made per run
 * (`server-template.global-setup.ts`): `CREATE DATABASE … TEMPLATE` copies files in a fraction of a second, where
 * migrating a fresh schema took seconds, and grew with every other test's schema on the server, because Kysely's
 * migrator lists every table of the database it runs in. A database per test also keeps that listing to one test's
 * tables. Every database of a run shares the run's name prefix, so the teardown drops whatever a crashed test left.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { PgBossApplyQueue } from '../apply/apply-queue.ts';
import { migrate, openDatabase } from '../db/database.ts';

/** The template's name, set by the global setup and inherited by Vitest's workers. */
export const SERVER_TEMPLATE_VARIABLE = 'RECDESK_TEST_PG_TEMPLATE';
/** The schema of every test database (tables, migrations and the apply queue), as a tenant's would be. */
export const TEST_SCHEMA = 'recdesk';

export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function onServer<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates and migrates the run's template (the apply queue's tables included) and closes every connection to it. */
export async function createServerTemplate(serverUrl: string): Promise<string> {
  const template = `recdesk_t${process.pid}_${Date.now().toString(36)}`;
  await onServer(serverUrl, (client) => client.query(`CREATE DATABASE "${template}"`));
  const target = { kind: 'postgres', url: databaseUrl(serverUrl, template), schema: TEST_SCHEMA, poolSize: 2 } as const;
  const db = await openDatabase(target);
  try {
    await migrate(db, TEST_SCHEMA);
  } finally {
    await db.destroy();
  }
  const queue = new PgBossApplyQueue({ connectionString: target.url, schema: TEST_SCHEMA, poolSize: 1 }, pino({ level: 'silent' }));
  await queue.enqueue([]);
  await queue.stop();
  return template;
}

/** A new database of the run, copied from its template. */
export async function cloneTemplate(serverUrl: string, template: string): Promise<string> {
  const database = `${template}_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  await onServer(serverUrl, (client) => client.query(`CREATE DATABASE "${database}" TEMPLATE "${template}"`));
  return database;
}

/** Drops one database (closing what is still connected to it). */
export async function dropDatabase(serverUrl: string, database: string): Promise<void> {
  await onServer(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
}

/** Drops the template and every database copied from it. */
export async function dropRun(serverUrl: string, template: string): Promise<void> {
  const { rows } = await onServer(serverUrl, (client) =>
    client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${template}%`]),
  );
  for (const { datname } of rows) await dropDatabase(serverUrl, datname);
}
