/**
 * Which report windows a profile needs today. Reporting v3 serves at most 31 days per request and about 95 days of
 * look-back; numbers of the last days keep changing while attribution settles. So every day the last 31 days up to
 * yesterday are requested once (today is not reported yet), and older days back to the look-back only when no stored
 * report covers them yet (the first sync, or a gap after an outage), in runs of at most 31 days.
 */

export const MAX_WINDOW_DAYS = 31;
const DAY_MS = 86_400_000;

export interface Window {
  startDate: string;
  endDate: string;
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function windowsFor(today: string, lookbackDays: number, stored: readonly Window[]): Window[] {
  const yesterday = addDays(today, -1);
  const oldest = addDays(today, -Math.max(1, lookbackDays));
  const recentStart = [addDays(yesterday, -(MAX_WINDOW_DAYS - 1)), oldest].sort().at(-1) as string;
  const windows: Window[] = [{ startDate: recentStart, endDate: yesterday }];
  const covered = (day: string) => stored.some((w) => w.startDate <= day && day <= w.endDate);
  let run: string[] = [];
  const flush = () => {
    for (let i = 0; i < run.length; i += MAX_WINDOW_DAYS) {
      const chunk = run.slice(i, i + MAX_WINDOW_DAYS);
      windows.push({ startDate: chunk[0] as string, endDate: chunk.at(-1) as string });
    }
    run = [];
  };
  for (let day = oldest; day < recentStart; day = addDays(day, 1)) {
    if (covered(day)) flush();
    else run.push(day);
  }
  flush();
  return windows;
}
