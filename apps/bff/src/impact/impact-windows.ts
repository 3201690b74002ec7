/**
 * The dates of a measurement. The change day itself is partly before and partly after the change, so it belongs to
 * neither window:
 *
 *   before = [D − W, D − 1]    after = [D + 1, D + W]    measuring until = D + W + S
 *
 * where D is the (UTC) day of the change, W the window and S the days attribution needs to settle: a day's sales
 * keep arriving for S days, so the after window is final, and the item measurable, from D + W + S on.
 */

export interface ImpactWindows {
  changeDay: string;
  before: { from: string; to: string };
  after: { from: string; to: string };
  measuringUntil: string;
}

const DAY_MS = 86_400_000;

export function dayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function windowsOf(changedAt: Date, windowDays: number, settleDays: number): ImpactWindows {
  const changeDay = dayOf(changedAt);
  return {
    changeDay,
    before: { from: addDays(changeDay, -windowDays), to: addDays(changeDay, -1) },
    after: { from: addDays(changeDay, 1), to: addDays(changeDay, windowDays) },
    measuringUntil: addDays(changeDay, windowDays + settleDays),
  };
}

/** Whether the after window's attribution has settled by `today`. */
export function isSettled(windows: ImpactWindows, today: string): boolean {
  return today >= windows.measuringUntil;
}

export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
}
