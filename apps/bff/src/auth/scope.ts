/**
 * The advertisers a request may see and touch, enforced in ONE place: a Kysely plugin on the database every store
 * uses. While a request of a user with a limited scope runs (the scope travels in AsyncLocalStorage from the auth
 * middleware), every SELECT, UPDATE and DELETE that reads a table holding advertiser data gets
 * `advertiser_id in (<the user's advertisers>)` added, in subqueries and joins too; tables keyed by a recommendation
 * are filtered through it. A store therefore cannot forget the filter, and an item outside the scope is simply not
 * found (404, not 403: its id does not leak).
 *
 * Limits: a raw `sql` statement run on its own is not rewritten (build queries with Kysely's builders), INSERTs are
 * not filtered (a write reads its target first, which is filtered), and a new table with advertiser data must be
 * named in SCOPED_TABLES below. Work of the whole agency started by a request (a sync of every advertiser) runs
 * through `asSystem`, outside any user's scope.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  AliasNode,
  AndNode,
  type DeleteQueryNode,
  IdentifierNode,
  type JoinNode,
  type KyselyPlugin,
  OnNode,
  type OperationNode,
  OperationNodeTransformer,
  ParensNode,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryId,
  type QueryResult,
  type RootOperationNode,
  type SelectQueryNode,
  sql,
  TableNode,
  type UnknownRow,
  type UpdateQueryNode,
  WhereNode,
} from 'kysely';

/** Every advertiser, or only these. */
export type Scope = { readonly all: true } | { readonly all: false; readonly advertiserIds: readonly string[] };

export const ALL_ADVERTISERS: Scope = Object.freeze({ all: true });

export function scopeOfAdvertisers(advertiserIds: readonly string[]): Scope {
  return { all: false, advertiserIds: [...new Set(advertiserIds)].sort() };
}

export function scopeIncludes(scope: Scope, advertiserId: string): boolean {
  return scope.all || scope.advertiserIds.includes(advertiserId);
}

const storage = new AsyncLocalStorage<Scope>();

/** Runs `fn` (and everything it starts) within a user's scope. */
export function withinScope<T>(scope: Scope, fn: () => T): T {
  return storage.run(scope, fn);
}

/** Runs agency-wide work started by a request (a sync of every source) outside the user's scope. */
export function asSystem<T>(fn: () => T): T {
  return storage.run(ALL_ADVERTISERS, fn);
}

/** The scope in force here: a request's, or all advertisers for jobs and workers. */
export function currentScope(): Scope {
  return storage.getStore() ?? ALL_ADVERTISERS;
}

/**
 * How each table with advertiser data is filtered: by its own advertiser column, through the recommendation or the
 * apply item it belongs to, through the apply batch it belongs to, or hidden entirely from a limited scope (rows that
 * name no advertiser, like a quarantined raw row).
 *
 * An apply batch (and its chunks) is visible when ANY of its items is in scope, and then only those items are (the
 * items table is filtered on its own): a person sees their part of a batch an admin queued across advertisers, its
 * counts and its progress, and nothing of the other advertisers' items. A batch with none of the scope's items is
 * not found (404).
 */
type Filter =
  | { by: 'advertiser' }
  | { by: 'recommendation'; column: string }
  | { by: 'apply_item'; column: string }
  | { by: 'apply_batch'; column: string }
  | { by: 'hidden' };
export const SCOPED_TABLES: Readonly<Record<string, Filter>> = {
  recommendations: { by: 'advertiser' },
  conflicts: { by: 'advertiser' },
  advertiser_guardrails: { by: 'advertiser' },
  approval_policies: { by: 'advertiser' },
  brand_metrics: { by: 'advertiser' },
  stream_messages: { by: 'advertiser' },
  stream_subscriptions: { by: 'advertiser' },
  apply_items: { by: 'advertiser' },
  rule_decisions: { by: 'advertiser' },
  performance_daily: { by: 'advertiser' },
  performance_reports: { by: 'advertiser' },
  impact_results: { by: 'advertiser' },
  apply_batches: { by: 'apply_batch', column: 'id' },
  apply_chunks: { by: 'apply_batch', column: 'batch_id' },
  apply_attempts: { by: 'apply_item', column: 'item_id' },
  recommendation_events: { by: 'recommendation', column: 'recommendation_id' },
  conflict_members: { by: 'recommendation', column: 'recommendation_id' },
  quarantine: { by: 'hidden' },
};

/** The table name and the name it is referred to by, for a FROM or JOIN item that is a plain table. */
function tableOf(node: OperationNode): { table: string; ref: string } | null {
  if (TableNode.is(node)) {
    const name = node.table.identifier.name;
    return { table: name, ref: name };
  }
  if (AliasNode.is(node) && TableNode.is(node.node) && IdentifierNode.is(node.alias)) {
    return { table: node.node.table.identifier.name, ref: node.alias.name };
  }
  return null;
}

function conditionFor(item: OperationNode, advertiserIds: readonly string[]): OperationNode | null {
  const table = tableOf(item);
  const filter = table && SCOPED_TABLES[table.table];
  if (!table || !filter) return null;
  if (filter.by === 'hidden' || advertiserIds.length === 0) return sql<boolean>`false`.toOperationNode();
  const ids = sql.join(advertiserIds.map((id) => sql`${id}`));
  if (filter.by === 'advertiser') return sql<boolean>`${sql.ref(`${table.ref}.advertiser_id`)} in (${ids})`.toOperationNode();
  const column = sql.ref(`${table.ref}.${filter.column}`);
  if (filter.by === 'apply_item')
    return sql<boolean>`${column} in (select scope_i.id from apply_items scope_i where scope_i.advertiser_id in (${ids}))`.toOperationNode();
  if (filter.by === 'apply_batch')
    return sql<boolean>`exists (select 1 from apply_items scope_b where scope_b.batch_id = ${column} and scope_b.advertiser_id in (${ids}))`.toOperationNode();
  return sql<boolean>`${column} in (select scope_r.id from recommendations scope_r where scope_r.advertiser_id in (${ids}))`.toOperationNode();
}

/** `(existing) and (condition)`: Kysely's own helper would not parenthesise an existing `a or b`. */
function andWhere(where: WhereNode | undefined, condition: OperationNode): WhereNode {
  return WhereNode.create(where ? AndNode.create(ParensNode.create(where.where), ParensNode.create(condition)) : condition);
}

class ScopeTransformer extends OperationNodeTransformer {
  constructor(private readonly advertiserIds: readonly string[]) {
    super();
  }

  private restrict<T extends SelectQueryNode | UpdateQueryNode | DeleteQueryNode>(node: T, items: readonly OperationNode[]): T {
    let result = node;
    for (const item of items) {
      const condition = conditionFor(item, this.advertiserIds);
      if (condition) result = { ...result, where: andWhere(result.where, condition) };
    }
    return result;
  }

  protected override transformSelectQuery(node: SelectQueryNode, queryId?: QueryId): SelectQueryNode {
    const transformed = super.transformSelectQuery(node, queryId);
    return this.restrict(transformed, transformed.from?.froms ?? []);
  }

  protected override transformUpdateQuery(node: UpdateQueryNode, queryId?: QueryId): UpdateQueryNode {
    const transformed = super.transformUpdateQuery(node, queryId);
    const items = [...(transformed.table ? [transformed.table] : []), ...(transformed.from?.froms ?? [])];
    return this.restrict(transformed, items);
  }

  protected override transformDeleteQuery(node: DeleteQueryNode, queryId?: QueryId): DeleteQueryNode {
    const transformed = super.transformDeleteQuery(node, queryId);
    return this.restrict(transformed, [...transformed.from.froms, ...(transformed.using?.tables ?? [])]);
  }

  /** A joined table is filtered in its ON clause, so that a LEFT JOIN stays a left join. */
  protected override transformJoin(node: JoinNode, queryId?: QueryId): JoinNode {
    const transformed = super.transformJoin(node, queryId);
    const condition = conditionFor(transformed.table, this.advertiserIds);
    if (!condition || !transformed.on) return transformed;
    return { ...transformed, on: OnNode.create(AndNode.create(ParensNode.create(transformed.on.on), ParensNode.create(condition))) };
  }
}

/** The plugin every store's database carries (see runtime.ts). Outside a limited scope it changes nothing. */
export class ScopePlugin implements KyselyPlugin {
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const scope = currentScope();
    if (scope.all) return args.node;
    return new ScopeTransformer(scope.advertiserIds).transformNode(args.node, args.queryId);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
