import { describe, expect, it } from 'vitest';
import { addDays, MAX_WINDOW_DAYS, windowsFor } from './report-windows.ts';

const days = (w: { startDate: string; endDate: string }) => (Date.parse(w.endDate) - Date.parse(w.startDate)) / 86_400_000 + 1;

describe('report windows', () => {
  it('asks for the last 31 days up to yesterday and back-fills the look-back in runs of at most 31 days', () => {
    const windows = windowsFor('2026-11-23', 90, []);
    expect(windows[0]).toEqual({ startDate: '2026-10-23', endDate: '2026-11-22' });
    expect(windows.every((w) => days(w) <= MAX_WINDOW_DAYS)).toBe(true);
    expect(windows.map((w) => w.startDate).sort()[0]).toBe('2026-08-25');
    expect(windows.reduce((sum, w) => sum + days(w), 0)).toBe(90);
  });

  it('the next day back-fills nothing that yesterday’s reports stored', () => {
    const first = windowsFor('2026-11-23', 60, []);
    const next = windowsFor('2026-11-24', 60, first);
    expect(next).toEqual([{ startDate: '2026-10-24', endDate: '2026-11-23' }]);
    // A gap (days nobody stored) is asked for again; 2026-10-23 was in yesterday's recent window.
    const gap = windowsFor('2026-11-24', 60, first.slice(0, 1));
    expect(gap.slice(1)).toEqual([{ startDate: '2026-09-25', endDate: '2026-10-22' }]);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });

  it('keeps a short look-back inside one window', () => {
    expect(windowsFor('2026-11-23', 10, [])).toEqual([{ startDate: '2026-11-13', endDate: '2026-11-22' }]);
  });
});
