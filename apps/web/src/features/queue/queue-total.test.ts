import { describe, expect, it } from 'vitest';
import { totalLabel } from './queue-total.ts';

describe('totalLabel', () => {
  it('shows an exact total as it is', () => {
    expect(totalLabel(9_876, false)).toBe('9,876');
    expect(totalLabel(0, undefined)).toBe('0');
  });

  it('shows an estimate as "about N" to two significant digits, and never as 1,000 or less', () => {
    expect(totalLabel(98_712, true)).toBe('about 99,000');
    expect(totalLabel(1_234_567, true)).toBe('about 1,200,000');
    expect(totalLabel(4_321, true)).toBe('about 4,300');
    expect(totalLabel(1_001, true)).toBe('1,000+');
    expect(totalLabel(1_040, true)).toBe('1,000+');
    expect(totalLabel(1_060, true)).toBe('about 1,100');
  });
});
