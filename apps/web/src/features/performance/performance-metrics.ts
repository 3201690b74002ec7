/**
 * The metrics a chart can show, named as an account manager says them, each formatted for the user's locale: money
 * in the campaign's currency, rates as percentages, ROAS as a multiple.
 */
import { PERFORMANCE_METRICS, type PerformanceDay, type PerformanceMetric } from '@recdesk/shared-types';

const locale = typeof navigator === 'undefined' ? 'en-US' : navigator.language;

type Unit = 'count' | 'money' | 'fraction' | 'multiple';

export const METRIC_INFO: Readonly<Record<PerformanceMetric, { label: string; unit: Unit }>> = {
  impressions: { label: 'Impressions', unit: 'count' },
  clicks: { label: 'Clicks', unit: 'count' },
  cost: { label: 'Spend', unit: 'money' },
  sales: { label: 'Sales', unit: 'money' },
  orders: { label: 'Orders', unit: 'count' },
  ctr: { label: 'CTR', unit: 'fraction' },
  cpc: { label: 'CPC', unit: 'money' },
  roas: { label: 'ROAS', unit: 'multiple' },
  acos: { label: 'ACOS', unit: 'fraction' },
  budgetUtilization: { label: 'Budget utilisation', unit: 'fraction' },
};

export const ALL_METRICS: readonly PerformanceMetric[] = PERFORMANCE_METRICS;

/** What a chart shows when the URL names no metrics: the money in and out, and their ratio. */
export const DEFAULT_METRICS: readonly PerformanceMetric[] = ['sales', 'cost', 'roas'];

export function metricLabel(metric: string): string {
  return (METRIC_INFO as Record<string, { label: string } | undefined>)[metric]?.label ?? metric.replaceAll(/[_-]/g, ' ');
}

export function formatMetric(metric: PerformanceMetric, value: number | null, currency: string | null, compact = false): string {
  if (value === null) return '—';
  const notation = compact ? ('compact' as const) : undefined;
  switch (METRIC_INFO[metric].unit) {
    case 'money':
      return currency
        ? new Intl.NumberFormat(locale, { style: 'currency', currency, notation }).format(value)
        : new Intl.NumberFormat(locale, { maximumFractionDigits: 2, notation }).format(value);
    case 'fraction':
      return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(value);
    case 'multiple':
      return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value)}×`;
    default:
      return new Intl.NumberFormat(locale, { maximumFractionDigits: 0, notation }).format(value);
  }
}

export function metricValue(day: PerformanceDay, metric: PerformanceMetric): number | null {
  return day[metric];
}

/** "12 Nov 2026" for an ISO date, read as a calendar day (no time zone shift). */
export function formatDay(isoDate: string, style: 'medium' | 'short' = 'medium'): string {
  const [y, m, d] = isoDate.split('-').map(Number);
  const date = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1));
  return new Intl.DateTimeFormat(
    locale,
    style === 'short' ? { day: 'numeric', month: 'short', timeZone: 'UTC' } : { dateStyle: 'medium', timeZone: 'UTC' },
  ).format(date);
}

/** A number in a metric's own unit when the unit is known by name only (impact effects: "sales", "cost", "clicks"). */
export function formatMetricByName(metric: string, value: number, currency: string | null = null): string {
  return (ALL_METRICS as readonly string[]).includes(metric)
    ? formatMetric(metric as PerformanceMetric, value, currency)
    : new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value);
}

export function formatSignedPercent(fraction: number): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(fraction);
}

export function formatShare(fraction: number | null): string {
  return fraction === null ? '—' : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(fraction);
}

/** Adds days to an ISO date, as calendar arithmetic in UTC. */
export function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}
