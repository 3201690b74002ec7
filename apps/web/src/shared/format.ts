/** Numbers, money, dates and durations formatted for the user's locale. */
import type { ProposedAction } from '@recdesk/shared-types';

const locale = typeof navigator === 'undefined' ? 'en-US' : navigator.language;

export function formatMoney(value: number, currency: string | null): string {
  return currency
    ? new Intl.NumberFormat(locale, { style: 'currency', currency }).format(value)
    : new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value);
}

export function formatPercent(fraction: number): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0, signDisplay: 'exceptZero' }).format(fraction);
}

function formatValue(value: number | string | null, action: ProposedAction): string {
  if (value === null) return '—';
  if (typeof value === 'string') return value;
  if (action.unit === 'currency') return formatMoney(value, action.currency);
  if (action.unit === 'percent') return `${value}%`;
  return String(value);
}

/** "50.00 US$ → 75.00 US$ (+50%)", or the action's kind when it changes no single value. */
export function formatChange(action: ProposedAction): string {
  if (action.type === 'insight') return 'Insight';
  if (action.from === null && action.to === null) return action.type.replaceAll('-', ' ');
  const to = formatValue(action.to, action);
  if (action.from === null) return `${action.direction === 'add' ? 'add at ' : ''}${to}`;
  const change =
    typeof action.from === 'number' && typeof action.to === 'number' && action.from !== 0
      ? ` (${formatPercent((action.to - action.from) / action.from)})`
      : '';
  return `${formatValue(action.from, action)} → ${to}${change}`;
}

const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });

/** "in 5 hours", "2 days ago". */
export function formatRelative(iso: string, now = Date.now()): string {
  const diffMs = new Date(iso).getTime() - now;
  const abs = Math.abs(diffMs);
  if (abs < 3_600_000) return relative.format(Math.round(diffMs / 60_000), 'minute');
  if (abs < 48 * 3_600_000) return relative.format(Math.round(diffMs / 3_600_000), 'hour');
  return relative.format(Math.round(diffMs / 86_400_000), 'day');
}

export function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}
