/**
 * Four processes migrating one fresh database at the same moment, as a fleet does when it starts: every one of them
 * succeeds, and each migration is applied once (Kysely's migrator takes an advisory lock). Real processes on the
 * PostgreSQL server; PGlite is opened by one process at a time.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseTargets } from '../testing/database-targets.ts';
import { RATE_LIMIT_COUNTER_TABLES } from './migrations/0040-rate-limit-counters.ts';

const bffDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const servers = databaseTargets.filter((t) => t.name !== 'PGlite');

async function onServer<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function migrateProcess(databaseUrl: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/db/migrate-main.ts'], {
      cwd: bffDir,
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe.each(servers)('migrations on $name', ({ create }) => {
  let serverUrl = '';
  let database = '';
  afterEach(async () => {
    if (database) await onServer(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
  });

  it('four processes starting together on a fresh database: all succeed, each migration applied once', async () => {
    const target = await create();
    if (target.kind !== 'postgres') throw new Error('a server target was expected');
    serverUrl = target.url;
    database = `recdesk_migrate_${randomBytes(6).toString('hex')}`;
    await onServer(serverUrl, (c) => c.query(`CREATE DATABASE "${database}"`));
    const url = new URL(serverUrl);
    url.pathname = `/${database}`;

    const results = await Promise.all([1, 2, 3, 4].map(() => migrateProcess(url.toString())));
    for (const result of results) expect(result, result.output).toMatchObject({ code: 0 });
    const rows = await onServer(
      url.toString(),
      async (c) => (await c.query<{ name: string; n: string }>('SELECT name, count(*) AS n FROM kysely_migration GROUP BY name')).rows,
    );
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.every((row) => row.n === '1')).toBe(true);
    // Every table a process needs comes from the migrations (no process creates one as it starts: they raced).
    const tables = await onServer(url.toString(), async (c) =>
      (
        await c.query<{ table_name: string }>(
          'SELECT table_name FROM information_schema.tables WHERE table_name = ANY($1) ORDER BY table_name',
          [['recommendations', ...RATE_LIMIT_COUNTER_TABLES]],
        )
      ).rows.map((row) => row.table_name),
    );
    expect(tables).toEqual(['rate_limit_api_user', 'rate_limit_login_account', 'rate_limit_login_address', 'recommendations']);
  }, 240_000);
});
