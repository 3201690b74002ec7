/**
 * Counts lifecycle stages where they are recorded: every stage change of a recommendation is a row appended to
 * `recommendation_events` (whoever makes it: the store, the lifecycle, the apply worker, a rule, the expiry job), and
 * every malformed upstream item a row written to `quarantine`. This plugin on the runtime's database sees those
 * INSERTs and, once one has succeeded, tells the metrics what it wrote; no service imports the metrics.
 *
 * Limit: it counts a statement that succeeded inside a transaction that later rolls back (rare: a failed batch).
 */
import {
  ColumnNode,
  InsertQueryNode,
  type KyselyPlugin,
  type OperationNode,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  PrimitiveValueListNode,
  type QueryId,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
  ValueListNode,
  ValueNode,
  ValuesNode,
} from 'kysely';
import type { Metrics, StageEvent } from './metrics.ts';

type Pending = { kind: 'events'; events: StageEvent[] } | { kind: 'quarantine'; sources: string[] };

/** The rows of an INSERT ... VALUES as column → value maps (values that are expressions come back undefined). */
function insertedRows(node: InsertQueryNode): Record<string, unknown>[] {
  const columns = (node.columns ?? []).map((c) => (ColumnNode.is(c) ? c.column.name : ''));
  if (!node.values || !ValuesNode.is(node.values)) return [];
  return node.values.values.map((list) => {
    const values: readonly unknown[] = PrimitiveValueListNode.is(list)
      ? list.values
      : ValueListNode.is(list)
        ? list.values.map((v: OperationNode) => (ValueNode.is(v) ? v.value : undefined))
        : [];
    return Object.fromEntries(columns.map((column, i) => [column, values[i]]));
  });
}

function tableOf(node: InsertQueryNode): string | null {
  return node.into?.table.identifier.name ?? null;
}

export class StageEventsPlugin implements KyselyPlugin {
  private readonly pending = new WeakMap<QueryId, Pending>();

  constructor(private readonly metrics: Metrics) {}

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const { node } = args;
    if (!InsertQueryNode.is(node)) return node;
    const table = tableOf(node);
    if (table === 'recommendation_events') {
      const events = insertedRows(node).flatMap((row) =>
        typeof row.to_status === 'string' && typeof row.recommendation_id === 'string'
          ? [{ recommendationId: row.recommendation_id, toStatus: row.to_status, at: row.at instanceof Date ? row.at : new Date() }]
          : [],
      );
      if (events.length > 0) this.pending.set(args.queryId, { kind: 'events', events });
    } else if (table === 'quarantine') {
      const sources = insertedRows(node).flatMap((row) => (typeof row.source === 'string' ? [row.source] : []));
      if (sources.length > 0) this.pending.set(args.queryId, { kind: 'quarantine', sources });
    }
    return node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const pending = this.pending.get(args.queryId);
    if (pending) {
      this.pending.delete(args.queryId);
      if (pending.kind === 'events') this.metrics.stageEvents(pending.events);
      else this.metrics.quarantined(pending.sources);
    }
    return args.result;
  }
}
