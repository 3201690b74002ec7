/**
 * The activity log, read from the apply tables (migration 0008): every apply item that reached an end state, joined
 * with its batch (who: a person, or a rule and its version) and its recommendation (what), newest first and paged by
 * a keyset cursor. Built with Kysely's builders only, so the ScopePlugin adds the user's advertiser filter to
 * apply_items and recommendations: a user never reads another advertiser's activity.
 */
import {
  type ActivityActor,
  type ActivityCsvQuery,
  ActivityCursorSchema,
  type ActivityEntry,
  type ActivityOutcome,
  type ActivityPage,
  decodeCursor,
  LATEST_INPUT_DATE,
} from '@recdesk/shared-types';
import { type ExpressionBuilder, sql } from 'kysely';
import type { ApplyTables } from '../apply/apply-tables.ts';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { InvalidInputError } from '../errors/domain-errors.ts';

type RuleTable = {
  apply_rules: { id: string; version: number; name: string };
};
type ActivityDb = Database & ApplyTables & RuleTable;
type Eb = ExpressionBuilder<ActivityDb & { i: ApplyTables['apply_items']; b: ApplyTables['apply_batches'] }, 'i' | 'b'>;

type Value = number | string | null;

export interface ActivityFilters extends ActivityCsvQuery {
  cursor?: string | undefined;
  limit: number;
}

export class InvalidCursorError extends InvalidInputError {
  constructor() {
    super('invalid-request', 'The cursor is not valid', 'Start again from the first page: the cursor was not made by this server.');
  }
}

function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
}

function decodeActivityCursor(cursor: string): { at: Date; id: string } {
  // The query schema checked it already (ActivityCursorSchema); a store called otherwise still refuses a bad one.
  const decoded = decodeCursor(ActivityCursorSchema, cursor);
  if (!decoded) throw new InvalidCursorError();
  return { at: new Date(decoded[0]), id: decoded[1] };
}

const DAY_MS = 86_400_000;
const isDay = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value);

/** Outcome → (batch kind, item states). */
const OUTCOMES: Record<ActivityOutcome, { kind: 'apply' | 'undo'; states: string[] }> = {
  applied: { kind: 'apply', states: ['applied'] },
  failed: { kind: 'apply', states: ['failed'] },
  drifted: { kind: 'apply', states: ['drifted'] },
  undone: { kind: 'undo', states: ['applied'] },
  undo_failed: { kind: 'undo', states: ['failed', 'drifted'] },
};

function outcomeOf(kind: string, state: string): ActivityOutcome {
  if (kind === 'undo') return state === 'applied' ? 'undone' : 'undo_failed';
  return state as ActivityOutcome;
}

/** `rule`, `rule:<name>` or `rule:<name> v<version>`; null for a person's email. */
export function parseRuleActor(actor: string): { name: string | null; version: number | null } | null {
  if (actor.toLowerCase() === 'rule') return { name: null, version: null };
  // At most nine digits: a version is a PostgreSQL integer.
  const match = /^rule:(.+?)(?:\s+v(\d{1,9}))?$/i.exec(actor);
  if (!match?.[1]) return null;
  return { name: match[1].trim(), version: match[2] ? Number(match[2]) : null };
}

export function ruleActorLabel(name: string, version: number | null): string {
  return `rule:${name}${version === null ? '' : ` v${version}`}`;
}

export class ActivityStore {
  private readonly db;

  constructor(db: Db) {
    this.db = db.withTables<ApplyTables & RuleTable>();
  }

  async page(filters: ActivityFilters): Promise<ActivityPage> {
    const rows = await this.rows(filters, filters.cursor ? decodeActivityCursor(filters.cursor) : null, filters.limit + 1);
    const more = rows.length > filters.limit;
    const items = more ? rows.slice(0, filters.limit) : rows;
    const last = items.at(-1);
    return { items, nextCursor: more && last ? encodeCursor(new Date(last.at), last.id) : null };
  }

  /** Every matching entry, newest first, a page of `pageSize` at a time (the CSV export streams these). */
  async *all(filters: ActivityCsvQuery, pageSize = 1000): AsyncGenerator<ActivityEntry[]> {
    let after: { at: Date; id: string } | null = null;
    for (;;) {
      const rows = await this.rows(filters, after, pageSize);
      if (rows.length > 0) yield rows;
      const last = rows.at(-1);
      if (rows.length < pageSize || !last) return;
      after = { at: new Date(last.at), id: last.id };
    }
  }

  private async rows(filters: ActivityCsvQuery, after: { at: Date; id: string } | null, limit: number): Promise<ActivityEntry[]> {
    let query = this.db
      .selectFrom('apply_items as i')
      .innerJoin('apply_batches as b', 'b.id', 'i.batch_id')
      .innerJoin('recommendations as r', 'r.id', 'i.recommendation_id')
      .select([
        'i.id',
        'i.updated_at',
        'i.state',
        'i.call',
        'i.batch_id',
        'i.recommendation_id',
        'i.advertiser_id',
        'i.value_before',
        'i.value_after',
        'i.target_value',
        'i.reason_code',
        'i.reason',
        'b.kind',
        'b.actor_type',
        'b.actor_id',
        'b.actor_version',
        'r.title',
        'r.advertiser_name',
        'r.source',
        'r.kind as recommendation_kind',
        'r.action',
      ])
      .where('i.state', 'in', ['applied', 'failed', 'drifted']);

    if (filters.advertiserId) query = query.where('i.advertiser_id', '=', filters.advertiserId);
    if (filters.source) query = query.where('r.source', '=', filters.source);
    if (filters.kind) query = query.where('r.kind', '=', filters.kind);
    if (filters.outcome) {
      const { kind, states } = OUTCOMES[filters.outcome];
      query = query.where('b.kind', '=', kind).where('i.state', 'in', states);
    }
    if (filters.from) query = query.where('i.updated_at', '>=', new Date(isDay(filters.from) ? `${filters.from}T00:00:00Z` : filters.from));
    if (filters.to) {
      // The end of the last day is the next day's start, except on 9999-12-31, whose next day is past what dates hold.
      const endOfDay = isDay(filters.to) ? Date.parse(`${filters.to}T00:00:00Z`) + DAY_MS : null;
      query =
        endOfDay === null
          ? query.where('i.updated_at', '<=', new Date(filters.to))
          : endOfDay > Date.parse(LATEST_INPUT_DATE)
            ? query.where('i.updated_at', '<=', new Date(LATEST_INPUT_DATE))
            : query.where('i.updated_at', '<', new Date(endOfDay));
    }
    if (filters.actor) {
      const rule = parseRuleActor(filters.actor);
      if (rule) {
        query = query.where('b.actor_type', '=', 'rule');
        if (rule.name !== null) {
          const ids = await this.ruleIdsNamed(rule.name);
          if (ids.length === 0) return [];
          query = query.where('b.actor_id', 'in', ids);
        }
        if (rule.version !== null) query = query.where('b.actor_version', '=', rule.version);
      } else {
        query = query.where('b.actor_type', '=', 'user').where(sql`lower(b.actor_id)`, '=', filters.actor.toLowerCase());
      }
    }
    if (after) {
      const { at, id } = after;
      query = query.where((eb: Eb) => eb.or([eb('i.updated_at', '<', at), eb.and([eb('i.updated_at', '=', at), eb('i.id', '<', id)])]));
    }
    const rows = await query.orderBy('i.updated_at', 'desc').orderBy('i.id', 'desc').limit(limit).execute();
    const names = await this.ruleNames(rows.filter((row) => row.actor_type === 'rule').map((row) => row.actor_id));

    return rows.map((row) => {
      const action = (row.action ?? {}) as { currency?: string | null };
      const version = row.actor_version;
      let actor: ActivityActor;
      if (row.actor_type === 'rule') {
        const name = names.get(`${row.actor_id}@${version}`) ?? names.get(row.actor_id) ?? null;
        actor = { type: 'rule', id: row.actor_id, name, version, label: ruleActorLabel(name ?? row.actor_id, version) };
      } else {
        actor = { type: row.actor_type === 'system' ? 'system' : 'user', id: row.actor_id, name: null, version, label: row.actor_id };
      }
      return {
        id: row.id,
        at: new Date(row.updated_at).toISOString(),
        outcome: outcomeOf(row.kind, row.state),
        actor,
        batchId: row.batch_id,
        recommendationId: row.recommendation_id,
        title: row.title,
        advertiserId: row.advertiser_id,
        advertiserName: row.advertiser_name,
        source: row.source as ActivityEntry['source'],
        kind: row.recommendation_kind as ActivityEntry['kind'],
        call: row.call,
        valueBefore: (row.value_before ?? null) as Value,
        valueAfter: (row.value_after ?? null) as Value,
        targetValue: (row.target_value ?? null) as Value,
        currency: action.currency ?? null,
        reasonCode: row.reason_code,
        reason: row.reason,
      };
    });
  }

  private async ruleIdsNamed(name: string): Promise<string[]> {
    const rows = await this.db.selectFrom('apply_rules').select('id').distinct().where(sql`lower(name)`, '=', name.toLowerCase()).execute();
    return rows.map((row) => row.id);
  }

  /** Rule names by `id@version`, and by id alone (the current name) for a version no longer stored. */
  private async ruleNames(ids: string[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids)].filter((id) => /^[0-9a-f-]{36}$/i.test(id));
    const names = new Map<string, string>();
    if (unique.length === 0) return names;
    const rows = await this.db
      .selectFrom('apply_rules')
      .select(['id', 'version', 'name'])
      .where('id', 'in', unique)
      .orderBy('version')
      .execute();
    for (const row of rows) {
      names.set(`${row.id}@${row.version}`, row.name);
      names.set(row.id, row.name);
    }
    return names;
  }
}
