import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from '../db/schema.ts';
import { asSystem, currentScope, ScopePlugin, scopeIncludes, scopeOfAdvertisers, withinScope } from './scope.ts';

const db = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
  plugins: [new ScopePlugin()],
});

const onlyA = scopeOfAdvertisers(['A']);

describe('advertiser scope in the data access layer', () => {
  it('changes nothing outside a limited scope', () => {
    expect(db.selectFrom('recommendations').selectAll().compile().sql).toBe('select * from "recommendations"');
    expect(currentScope().all).toBe(true);
  });

  it('filters a read of an advertiser table, keeping the existing conditions intact', () => {
    const query = withinScope(onlyA, () =>
      db
        .selectFrom('recommendations')
        .selectAll()
        .where((eb) => eb.or([eb('status', '=', 'approved'), eb('id', '=', 'x')]))
        .compile(),
    );
    expect(query.sql).toBe(
      'select * from "recommendations" where (("status" = $1 or "id" = $2)) and ("recommendations"."advertiser_id" in ($3))',
    );
    expect(query.parameters).toEqual(['approved', 'x', 'A']);
  });

  it('filters aliased tables, joins (in ON) and subqueries', () => {
    const query = withinScope(onlyA, () =>
      db
        .selectFrom('conflicts as c')
        .leftJoin('conflict_members as m', 'm.conflict_id', 'c.id')
        .select(['c.id'])
        .where('c.id', 'in', db.selectFrom('recommendations').select('id'))
        .compile(),
    );
    expect(query.sql).toContain('"c"."advertiser_id" in ($');
    expect(query.sql).toContain(
      'on ("m"."conflict_id" = "c"."id") and ("m"."recommendation_id" in (select scope_r.id from recommendations',
    );
    // A subquery built from the same database is filtered too (twice over: harmless).
    expect(query.sql).toMatch(/select "id" from "recommendations" where .*"recommendations"\."advertiser_id" in \(\$/);
  });

  it('filters updates and deletes, and hides rows that name no advertiser', () => {
    const [update, remove, quarantine] = withinScope(onlyA, () => [
      db.updateTable('recommendations').set({ status: 'approved' }).where('id', '=', 'x').compile(),
      db.deleteFrom('conflict_members').where('conflict_id', '=', 'c').compile(),
      db.selectFrom('quarantine').selectAll().compile(),
    ]);
    expect(update.sql).toContain('where ("id" = $2) and ("recommendations"."advertiser_id" in ($3))');
    expect(remove.sql).toContain('"conflict_members"."recommendation_id" in (select scope_r.id');
    expect(quarantine.sql).toBe('select * from "quarantine" where false');
  });

  it('filters apply batches and chunks by their items, attempts through their item, and performance and impact rows', () => {
    const apply = db.withTables<{
      apply_batches: { id: string };
      apply_chunks: { id: string; batch_id: string };
      apply_attempts: { id: string; item_id: string };
    }>();
    const [batch, chunks, attempts, daily, impact] = withinScope(onlyA, () => [
      apply.selectFrom('apply_batches').selectAll().where('id', '=', 'b').compile(),
      apply.selectFrom('apply_chunks').selectAll().compile(),
      apply.selectFrom('apply_attempts').selectAll().compile(),
      db.selectFrom('performance_daily').selectAll().compile(),
      db.selectFrom('impact_results').selectAll().compile(),
    ]);
    expect(batch.sql).toContain(
      'and (exists (select 1 from apply_items scope_b where scope_b.batch_id = "apply_batches"."id" and scope_b.advertiser_id in ($2)))',
    );
    expect(chunks.sql).toContain('scope_b.batch_id = "apply_chunks"."batch_id"');
    expect(attempts.sql).toContain(
      '"apply_attempts"."item_id" in (select scope_i.id from apply_items scope_i where scope_i.advertiser_id in ($1))',
    );
    expect(daily.sql).toContain('"performance_daily"."advertiser_id" in ($1)');
    expect(impact.sql).toContain('"impact_results"."advertiser_id" in ($1)');
  });

  it('an empty grant sees nothing', () => {
    const query = withinScope(scopeOfAdvertisers([]), () => db.selectFrom('recommendations').selectAll().compile());
    expect(query.sql).toBe('select * from "recommendations" where false');
  });

  it('agency-wide work runs outside the user scope, and tables without advertiser data are untouched', () => {
    withinScope(onlyA, () => {
      expect(asSystem(() => db.selectFrom('recommendations').selectAll().compile().sql)).toBe('select * from "recommendations"');
      expect(db.selectFrom('users').selectAll().compile().sql).toBe('select * from "users"');
    });
  });

  it('answers whether a scope includes an advertiser', () => {
    expect(scopeIncludes(onlyA, 'A')).toBe(true);
    expect(scopeIncludes(onlyA, 'B')).toBe(false);
    expect(scopeIncludes({ all: true }, 'B')).toBe(true);
  });
});
