import { describe, expect, it } from 'vitest';
import { parseUpstreamDate, parseUpstreamNumber } from './upstream-values.ts';

describe('parseUpstreamDate', () => {
  it.each([
    ['1738900043000000', '2025-02-07T03:47:23.000Z'],
    ['1737826802', '2025-01-25T17:40:02.000Z'],
    ['1737826802000', '2025-01-25T17:40:02.000Z'],
    ['2/10/25', '2025-02-10T00:00:00.000Z'],
    ['12/1/2025', '2025-12-01T00:00:00.000Z'],
    ['2024-09-18T17:11:14 UTC', '2024-09-18T17:11:14.000Z'],
    ['2025-03-01T10:00:00Z', '2025-03-01T10:00:00.000Z'],
    ['20250301', '2025-03-01T00:00:00.000Z'],
  ])('reads %s', (input, iso) => {
    expect(parseUpstreamDate(input).toISOString()).toBe(iso);
  });

  it.each(['tomorrow', '13/45/25', '123', ''])('refuses %j with a message naming it', (input) => {
    expect(() => parseUpstreamDate(input)).toThrow(/not a date/);
  });
});

describe('parseUpstreamNumber', () => {
  it('reads thousands separators and treats N/A as no value', () => {
    expect(parseUpstreamNumber('2,230.00')).toBe(2230);
    expect(parseUpstreamNumber('0.85')).toBe(0.85);
    expect(parseUpstreamNumber('N/A')).toBeNull();
    expect(parseUpstreamNumber('')).toBeNull();
    expect(() => parseUpstreamNumber('12abc')).toThrow(/not a number/);
  });
});
