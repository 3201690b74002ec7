import { describe, expect, it } from 'vitest';
import { copyField, copyLine } from './copy-text.ts';

describe('COPY text format', () => {
  it('escapes the characters COPY reads as structure, and writes NULL, dates, booleans and floats as PostgreSQL reads them', () => {
    expect(copyField('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
    expect(copyField(null)).toBe('\\N');
    expect(copyField(undefined)).toBe('\\N');
    // The two characters backslash and N are text, not NULL.
    expect(copyField('\\N')).toBe('\\\\N');
    expect(copyField(new Date('2026-06-01T10:00:00Z'))).toBe('2026-06-01T10:00:00.000Z');
    expect(copyField(true)).toBe('t');
    expect(copyField(-Infinity)).toBe('-Infinity');
    expect(copyLine(['x', 1.5, null])).toBe('x\t1.5\t\\N\n');
  });
});
