/**
 * Test databases on PGlite are handed back and reused within a Vitest worker instead of being started afresh: loading
 * the migrated snapshot into a new PGlite costs about 750 ms of CPU, hundreds of times a run, on a machine whose two
 * cores the suite keeps busy. A database is reset when it is given back (its tables emptied, the rows and sequence
 * positions the migrations left restored, the session's state discarded), so the next test finds it as the snapshot
 * was. One that cannot be reset is closed and forgotten.
 */
import type { PGlite } from '@electric-sql/pglite';

/** The rows and sequence positions of a freshly migrated database (the migrations insert a few). */
interface Baseline {
  tables: string[];
  rows: { table: string; json: string }[];
  sequences: { name: string; lastValue: string; isCalled: boolean }[];
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function baselineOf(pglite: PGlite): Promise<Baseline> {
  const tables = (
    await pglite.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
  ).rows.map((r) => r.name);
  const rows: Baseline['rows'] = [];
  for (const table of tables) {
    const { rows: found } = await pglite.query<{ json: string | null }>(`SELECT json_agg(t)::text AS json FROM ${quoteIdent(table)} t`);
    if (found[0]?.json) rows.push({ table, json: found[0].json });
  }
  const sequences: Baseline['sequences'] = [];
  const names = (
    await pglite.query<{ name: string }>("SELECT sequencename AS name FROM pg_sequences WHERE schemaname = 'public'")
  ).rows.map((r) => r.name);
  for (const name of names) {
    const { rows: state } = await pglite.query<{ last_value: string; is_called: boolean }>(
      `SELECT last_value::text, is_called FROM ${quoteIdent(name)}`,
    );
    if (state[0]) sequences.push({ name, lastValue: state[0].last_value, isCalled: state[0].is_called });
  }
  return { tables, rows, sequences };
}

async function resetTo(pglite: PGlite, baseline: Baseline): Promise<void> {
  // Whatever a test left of its session: temporary tables, settings, prepared statements, listeners, advisory locks.
  await pglite.exec('DISCARD ALL');
  await pglite.transaction(async (tx) => {
    const tables = (await tx.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'")).rows.map((r) =>
      quoteIdent(r.name),
    );
    if (tables.length > 0) await tx.exec(`TRUNCATE ${tables.join(', ')} RESTART IDENTITY CASCADE`);
    for (const { table, json } of baseline.rows)
      await tx.query(`INSERT INTO ${quoteIdent(table)} SELECT * FROM json_populate_recordset(NULL::${quoteIdent(table)}, $1::json)`, [
        json,
      ]);
    for (const { name, lastValue, isCalled } of baseline.sequences)
      await tx.query(`SELECT setval($1::regclass, $2::bigint, $3)`, [quoteIdent(name), lastValue, isCalled]);
  });
}

export class PGliteReuse {
  private readonly idle: PGlite[] = [];
  private baseline: Promise<Baseline> | null = null;

  constructor(
    private readonly open: () => PGlite,
    /** Databases kept for reuse at most (each holds its memory while idle). */
    private readonly keep = 2,
  ) {}

  /** A database as the snapshot was; closing it gives it back. */
  async acquire(): Promise<PGlite> {
    const reused = this.idle.pop();
    if (reused) return reusable(reused, this);
    const pglite = this.open();
    // The first database, untouched, is what every reset returns to.
    this.baseline ??= baselineOf(pglite);
    await this.baseline;
    return reusable(pglite, this);
  }

  async release(pglite: PGlite): Promise<void> {
    if (pglite.closed) return;
    try {
      if (this.idle.length >= this.keep || !this.baseline) throw new Error('not kept');
      await resetTo(pglite, await this.baseline);
      this.idle.push(pglite);
    } catch {
      await pglite.close().catch(() => undefined);
    }
  }
}

/**
 * The PGlite a Kysely dialect is given: the database itself, except that closing it hands it back for reuse (the
 * dialect closes its PGlite when Kysely is destroyed). Methods are bound to the database, whose fields are private.
 */
function reusable(pglite: PGlite, reuse: PGliteReuse): PGlite {
  let released = false;
  return new Proxy(pglite, {
    get(target, property) {
      if (property === 'close')
        return async () => {
          if (released) return;
          released = true;
          await reuse.release(target);
        };
      if (property === 'closed') return released || target.closed;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
