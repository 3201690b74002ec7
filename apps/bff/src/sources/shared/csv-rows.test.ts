import { describe, expect, it } from 'vitest';
import { readCsvRows } from './csv-rows.ts';

describe('readCsvRows', () => {
  it('fails the read, rather than the process, when the download breaks mid-file', async () => {
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulls++ === 0) controller.enqueue(new TextEncoder().encode('a,b\n1,2\n'));
        else controller.error(new Error('connection reset'));
      },
    });
    const rows: unknown[] = [];
    await expect(async () => {
      for await (const row of readCsvRows(body)) rows.push(row);
    }).rejects.toThrow('connection reset');
  });
});
