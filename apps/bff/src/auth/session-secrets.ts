/**
 * The secrets that sign the session cookie. From SESSION_SECRET when set: a comma-separated list whose first entry
 * signs and every entry verifies, so a secret is rotated by putting the new one first and dropping the old one once
 * the sessions it signed have expired. Unset: one secret is generated at the first start and kept in the database, so
 * a restart (or another process over the same database) keeps everyone signed in.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../db/database.ts';

const GENERATED = 'generated';

export async function loadSessionSecrets(db: Db, now: () => Date, configured?: readonly string[]): Promise<string[]> {
  if (configured && configured.length > 0) return [...configured];
  // Two processes starting together: the first insert wins and both read the winner back.
  await db
    .insertInto('session_secrets')
    .values({ name: GENERATED, secret: randomBytes(32).toString('base64url'), created_at: now() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('session_secrets').select('secret').where('name', '=', GENERATED).executeTakeFirstOrThrow();
  return [row.secret];
}
