/**
 * Migrates the database and exits: `pnpm --filter @recdesk/bff db:migrate`. Every process migrates at start anyway
 * (Kysely's migrator holds an advisory lock, so processes starting together migrate once); a fleet may run this as
 * its deployment step before rolling the processes.
 */
import path from 'node:path';
import { ConfigError, parseEnv } from '../config/env.ts';
import { type DatabaseTarget, describeTarget, migrate, openDatabase } from './database.ts';

try {
  const env = parseEnv(process.env);
  const target: DatabaseTarget = env.DATABASE_URL
    ? { kind: 'postgres', url: env.DATABASE_URL, poolSize: 2 }
    : { kind: 'pglite', dataDir: path.join(env.RECDESK_DATA_DIR, 'pglite') };
  const db = await openDatabase(target);
  try {
    await migrate(db);
  } finally {
    await db.destroy();
  }
  console.info(`${describeTarget(target)} migrated`);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
