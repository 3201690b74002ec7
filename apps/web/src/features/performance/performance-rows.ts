/**
 * The series as rows a chart and a table read: one row per calendar day of the range (a day without data is a gap,
 * not a missing row, so markers and windows land on their own day), and the words that describe a change marker.
 */
import type { ChangeMarker, PerformanceDay, PerformanceSeries } from '@recdesk/shared-types';
import { formatDateTime } from '../../shared/format.ts';
import { addDays, formatDay } from './performance-metrics.ts';

export type DayRow = { date: string } & { [K in Exclude<keyof PerformanceDay, 'date'>]: PerformanceDay[K] | null };

/** The longest range drawn day by day; a longer one is drawn only where data exists. */
const MAX_FILLED_DAYS = 800;

export function rowsOf(series: PerformanceSeries): DayRow[] {
  const byDate = new Map(series.days.map((day) => [day.date, day]));
  const empty = (date: string): DayRow => ({
    date,
    impressions: null,
    clicks: null,
    cost: null,
    sales: null,
    orders: null,
    ctr: null,
    cpc: null,
    roas: null,
    acos: null,
    budgetUtilization: null,
  });
  const rows: DayRow[] = [];
  for (let date = series.from; date <= series.to && rows.length < MAX_FILLED_DAYS; date = addDays(date, 1)) {
    rows.push(byDate.get(date) ?? empty(date));
  }
  if (rows.length >= MAX_FILLED_DAYS) return [...series.days].sort((a, b) => a.date.localeCompare(b.date));
  return rows;
}

export function changeValue(value: number | string | null): string {
  if (value === null) return '—';
  return typeof value === 'number' ? new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 }).format(value) : value;
}

/** "Change on 12 Nov 2026 by ana@agency.example: Daily budget 50.00 → 75.00 USD (dailyBudget 50 → 75)". */
export function markerDescription(marker: ChangeMarker): string {
  const values =
    marker.valueBefore !== null || marker.valueAfter !== null
      ? ` (${marker.field ?? 'value'} ${changeValue(marker.valueBefore)} → ${changeValue(marker.valueAfter)})`
      : '';
  return `Change on ${formatDay(marker.date)} by ${marker.appliedBy}: ${marker.summary}${values}`;
}

export function markerAppliedAt(marker: ChangeMarker): string {
  return formatDateTime(marker.appliedAt);
}
