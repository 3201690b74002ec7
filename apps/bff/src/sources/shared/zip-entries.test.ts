import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ZipFormatError, zipEntries } from './zip-entries.ts';

/** A ZIP file as `zip -X` writes one: local headers, data, central directory, end record (CRCs are not checked). */
function zipOf(entries: { name: string; text: string; deflate: boolean }[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const plain = Buffer.from(entry.text);
    const data = entry.deflate ? deflateRawSync(plain) : plain;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(entry.deflate ? 8 : 0, 8);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(plain.length, 22);
    local.writeUInt16LE(name.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(entry.deflate ? 8 : 0, 10);
    dir.writeUInt32LE(data.length, 20);
    dir.writeUInt32LE(plain.length, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    parts.push(local, name, data);
    central.push(dir, name);
    offset += 30 + name.length + data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}

describe('zipEntries', () => {
  it('reads stored and deflated entries by their names', () => {
    const file = zipOf([
      { name: 'readme.txt', text: 'stored', deflate: false },
      { name: 'brand_report.csv', text: 'Brand Name,Metric Name\nHowe,Add to Carts\n'.repeat(50), deflate: true },
    ]);
    const entries = zipEntries(file);
    expect(entries.map((e) => e.name)).toEqual(['readme.txt', 'brand_report.csv']);
    expect(entries[0]?.data.toString()).toBe('stored');
    expect(entries[1]?.data.toString()).toMatch(/^Brand Name,Metric Name\nHowe,Add to Carts\n/);
  });

  it('refuses what is not a ZIP file', () => {
    expect(() => zipEntries(Buffer.from('{"downloadLink": "…"}'))).toThrow(ZipFormatError);
  });
});
