/**
 * The one clock of the web tests. Every test runs as if it were TEST_NOW (setup-tests.ts pins `Date` there and lets
 * it advance in real time), and fixtures are placed relative to it, so no test depends on the day the suite runs.
 */
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export const TEST_NOW = new Date('2026-11-23T10:00:00.000Z');

/** The instant `hours` after (or, negative, before) TEST_NOW, as the API writes it. */
export function hoursFromTestNow(hours: number): string {
  return new Date(TEST_NOW.getTime() + hours * HOUR_MS).toISOString();
}

/** The instant `days` after (or, negative, before) TEST_NOW, as the API writes it. */
export function daysFromTestNow(days: number): string {
  return new Date(TEST_NOW.getTime() + days * DAY_MS).toISOString();
}
