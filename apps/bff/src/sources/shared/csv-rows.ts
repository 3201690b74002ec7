/**
 * Streams a CSV file into header-keyed rows with csv-parse, without buffering the file. A row that csv-parse cannot
 * read (a broken quote) or whose field count differs from the header is yielded as a failure with its raw text and
 * line, so the caller can quarantine it and go on with the next row.
 */
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { parse } from 'csv-parse';

export type CsvRow = { ok: true; line: number; row: Record<string, string> } | { ok: false; line: number; reason: string; raw: string };

export async function* readCsvRows(body: ReadableStream<Uint8Array>): AsyncGenerator<CsvRow> {
  const skipped: CsvRow[] = [];
  const source = Readable.fromWeb(body as WebReadableStream<Uint8Array>);
  const parser = source.pipe(
    parse({
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      raw: true,
      info: true,
      on_skip: (error, raw) => {
        skipped.push({ ok: false, line: Number(error?.lines ?? 0), reason: error?.message ?? 'unreadable CSV record', raw: raw ?? '' });
        return undefined;
      },
    }),
  );
  // pipe() does not pass a source error on: without this a download that breaks mid-file would be an unhandled
  // 'error' event that ends the process, instead of an error of this one source run.
  source.on('error', (error) => parser.destroy(error));
  let header: string[] | null = null;
  for await (const { record, raw, info } of parser as AsyncIterable<{ record: string[]; raw: string; info: { lines: number } }>) {
    while (skipped.length) yield skipped.shift() as CsvRow;
    if (!header) {
      header = record.map((name) => name.trim());
      continue;
    }
    if (record.length !== header.length) {
      yield { ok: false, line: info.lines, reason: `row has ${record.length} fields, the header has ${header.length}`, raw: raw.trimEnd() };
      continue;
    }
    const row: Record<string, string> = {};
    header.forEach((name, i) => {
      row[name] = record[i] ?? '';
    });
    yield { ok: true, line: info.lines, row };
  }
  while (skipped.length) yield skipped.shift() as CsvRow;
}
