import { describe, expect, it } from 'vitest';
import { canTransition, LIFECYCLE_STATUSES, LIFECYCLE_TRANSITIONS } from './lifecycle.ts';

describe('lifecycle transitions', () => {
  it('names only known states', () => {
    for (const [from, targets] of Object.entries(LIFECYCLE_TRANSITIONS)) {
      expect(LIFECYCLE_STATUSES).toContain(from);
      for (const to of targets) expect(LIFECYCLE_STATUSES).toContain(to);
    }
  });

  it('lets an approved item be applied but never an expired one', () => {
    expect(canTransition('approved', 'applying')).toBe(true);
    expect(canTransition('expired', 'approved')).toBe(false);
    expect(canTransition('discovered', 'applied')).toBe(false);
  });

  it('reaches applied only through applying', () => {
    const into = Object.entries(LIFECYCLE_TRANSITIONS).filter(([, targets]) => targets.includes('applied'));
    expect(into.map(([from]) => from)).toEqual(['applying']);
  });
});
