/**
 * The refinements every input schema of the API is built from, so that nothing a request carries reaches the database
 * unchecked: text without NUL bytes or unpaired surrogates (PostgreSQL's text cannot hold either: it fails the query),
 * dates within 1970-01-01..9999-12-31 (outside, JavaScript and PostgreSQL disagree or overflow), and opaque cursors
 * whose decoded content has the shape and the types the server made. The BFF also refuses such characters anywhere
 * in a request before routing (apps/bff/src/http/safe-input.ts); these keep the contract itself honest.
 */
import { z } from 'zod';

export const UNSAFE_TEXT_MESSAGE = 'must not contain NUL bytes or unpaired UTF-16 surrogates';
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether a string can be stored and compared as text: no NUL byte, no unpaired surrogate. */
export function isSafeText(value: string): boolean {
  return !value.includes('\0') && !UNPAIRED_SURROGATE.test(value);
}

/** A string as any input schema takes it: `safeText().min(1).max(100)`. */
export const safeText = () => z.string().refine(isSafeText, UNSAFE_TEXT_MESSAGE);

/** The first and the last instant an input date may name. */
export const EARLIEST_INPUT_DATE = '1970-01-01T00:00:00.000Z';
export const LATEST_INPUT_DATE = '9999-12-31T23:59:59.999Z';
const DATE_RANGE_MESSAGE = 'must be between 1970-01-01 and 9999-12-31';
const inRange = (time: number) => time >= Date.parse(EARLIEST_INPUT_DATE) && time <= Date.parse(LATEST_INPUT_DATE);

/** A calendar day, YYYY-MM-DD, from 1970-01-01 to 9999-12-31. */
export const boundedDay = () => z.iso.date().refine((day) => inRange(Date.parse(`${day}T00:00:00Z`)), DATE_RANGE_MESSAGE);

/** An ISO instant (with Z or an offset), from 1970-01-01T00:00Z to 9999-12-31T23:59:59.999Z. */
export const boundedInstant = () => z.iso.datetime({ offset: true }).refine((instant) => inRange(Date.parse(instant)), DATE_RANGE_MESSAGE);

/** The decoded content of an opaque cursor (base64url of JSON), or undefined when it is not one. */
export function cursorContent(cursor: string): unknown {
  try {
    // atob and TextDecoder, not Buffer: the SPA uses these schemas too.
    if (!/^[A-Za-z0-9_-]*$/.test(cursor)) return undefined;
    const base64 = cursor
      .replaceAll('-', '+')
      .replaceAll('_', '/')
      .padEnd(Math.ceil(cursor.length / 4) * 4, '=');
    const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
}

/**
 * An opaque cursor (base64url of JSON) whose content `inner` accepts. The query keeps the text; the store decodes it
 * with `decodeCursor` and the same `inner`, so what the query let through is what the store reads.
 */
export const cursorOf = (inner: z.ZodType, maxLength = 500) =>
  safeText()
    .min(1)
    .max(maxLength)
    .refine((cursor) => inner.safeParse(cursorContent(cursor)).success, 'must be a cursor this API returned; start again without it');

/** An advertiser id as a request names it (profile ids and the like are opaque strings upstream). */
export const AdvertiserIdInputSchema = safeText().min(1).max(100);

/** Counts and versions as requests send them: whole numbers a PostgreSQL integer holds. */
export const INT32_MAX = 2_147_483_647;

export function decodeCursor<S extends z.ZodType>(inner: S, cursor: string): z.infer<S> | null {
  const result = inner.safeParse(cursorContent(cursor));
  return result.success ? result.data : null;
}
