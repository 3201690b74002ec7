import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database.ts';
import { pgliteTarget } from './pglite-template.ts';

describe('a PGlite test database given back for reuse', () => {
  it('is handed to the next test as the migrated snapshot was: rows, sequences and session state', async () => {
    const target = pgliteTarget();
    const first = await openDatabase(target);
    const seeded = async (db: typeof first) =>
      (await sql<{ n: number }>`SELECT count(*)::int AS n FROM alert_conditions`.execute(db)).rows[0]?.n;
    const seeds = await seeded(first);
    expect(seeds).toBeGreaterThan(0);
    const [sequence] = (
      await sql<{ name: string }>`SELECT sequencename AS name FROM pg_sequences WHERE schemaname = 'public' LIMIT 1`.execute(first)
    ).rows;
    if (!sequence) throw new Error('the migrated database has a sequence');
    const next = async (db: typeof first) =>
      (await sql<{ n: string }>`SELECT nextval(${sequence.name}::regclass)::text AS n`.execute(db)).rows[0]?.n;

    const firstNext = await next(first);
    await next(first);
    await sql`DELETE FROM alert_conditions`.execute(first);
    await sql`CREATE TEMP TABLE left_behind (id int)`.execute(first);
    // Outside the public schema nothing is reset: this shows that the next test gets this very database.
    await sql`CREATE SCHEMA reused_marker`.execute(first);
    await first.destroy();

    const second = await openDatabase(target);
    try {
      const marker = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'reused_marker'`.execute(second);
      expect(marker.rows[0]?.n, 'the same database, reused').toBe(1);
      expect(await seeded(second)).toBe(seeds);
      expect(await next(second)).toBe(firstNext);
      const temp = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_class WHERE relname = 'left_behind'`.execute(second);
      expect(temp.rows[0]?.n).toBe(0);
    } finally {
      await sql`DROP SCHEMA IF EXISTS reused_marker`.execute(second);
      await second.destroy();
    }
  });
});
