/**
 * Vitest global setup of the bff project: migrates one in-memory PGlite and writes its data directory to a file that
 * every test database starts from (`pgliteTarget()`); removes the file when the run ends.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect } from 'kysely';
import { migrate } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { TEMPLATE_PATH_VARIABLE } from './pglite-template.ts';

export default async function setup(): Promise<() => void> {
  const pglite = new PGlite();
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  await migrate(db);
  const snapshot = await pglite.dumpDataDir('none');
  await db.destroy();
  const file = path.join(tmpdir(), `recdesk-pglite-template-${process.pid}-${Date.now()}.tar`);
  writeFileSync(file, Buffer.from(await snapshot.arrayBuffer()));
  process.env[TEMPLATE_PATH_VARIABLE] = file;
  return () => rmSync(file, { force: true });
}
