import { describe, expect, it } from 'vitest';
import { ActivityCursorSchema, ActivityQuerySchema } from './activity.ts';
import { LoginBodySchema } from './auth.ts';
import { ApproveBodySchema } from './lifecycle.ts';
import { ListRecommendationsQuerySchema, RecommendationCursorSchema } from './recommendations.ts';
import { boundedDay, boundedInstant, cursorContent, decodeCursor, isSafeText, safeText } from './safe-input.ts';

const base64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const ID = '3f2b8c1e-6a0d-4c9b-8e1f-2a3b4c5d6e7f';

describe('safe input', () => {
  it('text: no NUL byte, no unpaired surrogate; pairs and any other character are fine', () => {
    expect(['', 'kettle', 'Küche 🍳', '\uD83C\uDF73', 'a\tb\n'].every(isSafeText)).toBe(true);
    expect(['a\0b', '\0', '\uD800', 'x\uDC00', '\uDBFFa', '\uDFFF\uD800'].some(isSafeText)).toBe(false);
    expect(safeText().min(1).max(5).safeParse('ab\0').success).toBe(false);
    expect(safeText().min(1).max(5).safeParse('').success).toBe(false);
  });

  it('dates: 1970-01-01 to 9999-12-31, as days and instants', () => {
    const day = boundedDay();
    expect(['1970-01-01', '2026-06-01', '9999-12-31'].map((d) => day.safeParse(d).success)).toEqual([true, true, true]);
    expect(['0000-01-01', '1969-12-31', '2026-02-30', '10000-01-01'].map((d) => day.safeParse(d).success)).toEqual([
      false,
      false,
      false,
      false,
    ]);
    const instant = boundedInstant();
    expect(instant.safeParse('9999-12-31T23:59:59.999Z').success).toBe(true);
    expect(instant.safeParse('9999-12-31T23:59:59-14:00').success).toBe(false);
    expect(instant.safeParse('1970-01-01T00:30:00+01:00').success).toBe(false);
    expect(instant.safeParse('0000-01-01T00:00:00Z').success).toBe(false);
  });

  it('cursors: base64url JSON of the shape and types the server made', () => {
    expect(cursorContent('!!!')).toBeUndefined();
    expect(cursorContent(Buffer.from('{"a":').toString('base64url'))).toBeUndefined();
    const good = base64({ s: 'generatedAt', v: '2026-06-01T00:00:00.000Z', id: ID });
    expect(decodeCursor(RecommendationCursorSchema, good)).toEqual({ s: 'generatedAt', v: '2026-06-01T00:00:00.000Z', id: ID });
    expect(ListRecommendationsQuerySchema.safeParse({ cursor: good }).success).toBe(true);
    for (const bad of [
      { s: 'generatedAt', v: 12, id: ID },
      { s: 'generatedAt', v: 'garbage', id: ID },
      { s: 'priority', v: '2026-06-01T00:00:00Z', id: ID },
      { s: 'generatedAt', v: '2026-06-01T00:00:00Z', id: 7 },
      { s: 'nope', v: 1, id: ID },
      [1, 2],
    ]) {
      expect(ListRecommendationsQuerySchema.safeParse({ cursor: base64(bad) }).success, JSON.stringify(bad)).toBe(false);
    }
    expect(
      ListRecommendationsQuerySchema.safeParse({ sort: 'priority', cursor: base64({ s: 'priority', v: '-Infinity', id: ID }) }).success,
    ).toBe(true);
    expect(ActivityCursorSchema.safeParse(['2026-06-01T00:00:00.000Z', ID]).success).toBe(true);
    expect(ActivityQuerySchema.safeParse({ cursor: base64([12, ID]) }).success).toBe(false);
    expect(ActivityQuerySchema.safeParse({ cursor: base64(['+275760-09-13T00:00:00Z', ID]) }).success).toBe(false);
  });

  it('the contracts use them: a NUL in a body field, an out-of-range version', () => {
    const issues = ApproveBodySchema.safeParse({ version: 1, note: 'ok\0' }).error?.issues ?? [];
    expect(issues.map((i) => i.path.join('.'))).toEqual(['note']);
    expect(ApproveBodySchema.safeParse({ version: 2 ** 40 }).success).toBe(false);
    expect(LoginBodySchema.safeParse({ email: 'a\uD800@x.test', password: 'x' }).success).toBe(false);
    expect(ActivityQuerySchema.safeParse({ to: '9999-12-31' }).success).toBe(true);
    expect(ActivityQuerySchema.safeParse({ from: '0000-01-01' }).success).toBe(false);
  });
});
