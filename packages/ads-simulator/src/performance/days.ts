/** UTC calendar days as 'YYYY-MM-DD' strings, and the seeded noise the performance model draws from. */

const DAY_MS = 86_400_000;

export function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return dayOf(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS));
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export function eachDay(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
}

export function weekdayOf(day: string): number {
  return new Date(`${day}T00:00:00Z`).getUTCDay();
}

/** A number in [0, 1) fixed by its parts (FNV-1a, then a murmur finaliser): same seed and day, same noise. */
export function hash01(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const char of parts.join('|')) {
    h ^= char.charCodeAt(0);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4_294_967_296;
}

/** Roughly normal noise (mean 0, sd ≈ 1) from three uniform draws. */
export function noise(...parts: (string | number)[]): number {
  return (hash01(...parts, 'a') + hash01(...parts, 'b') + hash01(...parts, 'c') - 1.5) * 2;
}

export function between(min: number, max: number, ...parts: (string | number)[]): number {
  return min + (max - min) * hash01(...parts);
}
