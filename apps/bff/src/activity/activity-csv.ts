/**
 * The activity log as CSV (RFC 4180): a header row, CRLF line ends, quoted cells where needed, and cells a spreadsheet
 * would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return first) defused with a leading apostrophe. Plain
 * numbers, negative ones included, stay numbers.
 */
import { ACTIVITY_CSV_COLUMNS, type ActivityEntry } from '@recdesk/shared-types';

const PLAIN_NUMBER = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text =
    typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text) && !(typeof value === 'number' || PLAIN_NUMBER.test(text))) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const ACTIVITY_CSV_HEADER = `${ACTIVITY_CSV_COLUMNS.join(',')}\r\n`;

export function activityCsvRow(entry: ActivityEntry): string {
  const cells: Record<(typeof ACTIVITY_CSV_COLUMNS)[number], unknown> = {
    at: entry.at,
    outcome: entry.outcome,
    actor: entry.actor.label,
    advertiserId: entry.advertiserId,
    advertiserName: entry.advertiserName,
    source: entry.source,
    kind: entry.kind,
    title: entry.title,
    call: entry.call,
    valueBefore: entry.valueBefore,
    valueAfter: entry.valueAfter,
    targetValue: entry.targetValue,
    currency: entry.currency,
    reasonCode: entry.reasonCode,
    reason: entry.reason,
    recommendationId: entry.recommendationId,
    batchId: entry.batchId,
  };
  return `${ACTIVITY_CSV_COLUMNS.map((column) => csvCell(cells[column])).join(',')}\r\n`;
}
