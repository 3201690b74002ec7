/**
 * PostgreSQL's COPY text format, one row a line: fields separated by tabs, NULL written `\N`, and backslash, tab,
 * newline and carriage return escaped inside a field. Used to stream rows into a table (the ingest's staging table,
 * the benchmarks' floors) at the speed the server reads them, instead of as bound parameters.
 */

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A text field, escaped. */
export function copyText(value: string): string {
  return value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c] ?? c);
}

export type CopyValue = string | number | boolean | Date | null | undefined;

/** One field: null and undefined are NULL, a Date its ISO instant, a number in the form float8 reads (Infinity, NaN). */
export function copyField(value: CopyValue): string {
  if (value === null || value === undefined) return '\\N';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return String(value);
  return copyText(value);
}

/** One row as a COPY text line, with its newline. */
export function copyLine(values: readonly CopyValue[]): string {
  return `${values.map(copyField).join('\t')}\n`;
}
