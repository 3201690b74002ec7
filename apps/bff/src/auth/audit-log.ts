/**
 * The append-only audit log: who signed in or failed to, who changed a user's role or scope, a rule or an approval
 * policy, and (copied by a trigger of migration 0007) every approve, reject, apply and undo. Nothing here updates or
 * deletes; the database refuses it anyway. Details never hold a password, a token or a hash: callers pass only the
 * fields they mean to keep.
 */
import type { AuditAction, AuditEntry, AuditPage, AuditQuery } from '@recdesk/shared-types';
import type { Db } from '../db/database.ts';

export interface AuditRecord {
  actor: string;
  action: AuditAction;
  targetType?: string | null;
  targetId?: string | null;
  advertiserId?: string | null;
  ip?: string | null;
  details?: Record<string, unknown>;
}

const CSV_COLUMNS = ['id', 'at', 'actor', 'action', 'targetType', 'targetId', 'advertiserId', 'ip', 'details'] as const;

/** RFC 4180 quoting, and a leading quote on what a spreadsheet would run as a formula. */
function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function auditCsv(entries: readonly AuditEntry[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const entry of entries) lines.push(CSV_COLUMNS.map((column) => csvCell(entry[column])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export class AuditLog {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  async record(entry: AuditRecord): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({
        at: this.now(),
        actor: entry.actor,
        action: entry.action,
        target_type: entry.targetType ?? null,
        target_id: entry.targetId ?? null,
        advertiser_id: entry.advertiserId ?? null,
        ip: entry.ip ?? null,
        details: JSON.stringify(entry.details ?? {}),
      })
      .execute();
  }

  async list(query: Omit<AuditQuery, 'format'>): Promise<AuditPage> {
    let select = this.db
      .selectFrom('audit_log')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(query.limit + 1);
    if (query.action) select = select.where('action', '=', query.action);
    if (query.actor) select = select.where('actor', '=', query.actor.toLowerCase());
    if (query.advertiserId) select = select.where('advertiser_id', '=', query.advertiserId);
    if (query.before) select = select.where('id', '<', query.before);
    const rows = await select.execute();
    const items = rows.slice(0, query.limit).map(
      (row): AuditEntry => ({
        id: String(row.id),
        at: new Date(row.at).toISOString(),
        actor: row.actor,
        action: row.action as AuditAction,
        targetType: row.target_type,
        targetId: row.target_id,
        advertiserId: row.advertiser_id,
        ip: row.ip,
        details: row.details ?? {},
      }),
    );
    return { items, nextBefore: rows.length > query.limit ? (items.at(-1)?.id ?? null) : null };
  }
}
