/** Numbers, money, dates and durations formatted for the user's locale. */
import type { ImpactEstimate, ProposedAction } from '@recdesk/shared-types';

const locale = typeof navigator === 'undefined' ? 'en-US' : navigator.language;

/**
 * One Intl formatter per set of options, made on first use: constructing one costs far more than formatting with it,
 * and a queue row formats a dozen values (every row entering the view while scrolling did it anew).
 */
const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = JSON.stringify(options);
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    numberFormats.set(key, format);
  }
  return format;
}

export function formatNumber(value: number, maximumFractionDigits = 2): string {
  return numberFormat({ maximumFractionDigits }).format(value);
}

/** Money always with its ISO currency code after the amount ("139.50 USD"): a "$" alone does not say which dollar. */
export function formatMoney(value: number, currency: string | null, options: { signDisplay?: 'exceptZero' } = {}): string {
  return currency
    ? `${numberFormat({ minimumFractionDigits: 2, maximumFractionDigits: 2, ...options }).format(value)} ${currency}`
    : numberFormat({ maximumFractionDigits: 2, ...options }).format(value);
}

/** The Ads API's field names in words a person uses. */
const FIELD_LABELS: Readonly<Record<string, string>> = {
  dailyBudget: 'daily budget',
  budget: 'budget',
  bid: 'bid',
  defaultBid: 'default bid',
  state: 'state',
  endDate: 'end date',
  biddingStrategy: 'bidding strategy',
  'ruleBasedBidding.ruleRoas': 'ROAS target',
  ruleRoas: 'ROAS target',
  placementTop: 'top-of-search placement adjustment',
  placementProductPage: 'product-page placement adjustment',
  placementRestOfSearch: 'rest-of-search placement adjustment',
};

/** A field's name in words: known names from the table, others split at dots and capitals ("maxCpc" → "max cpc"). */
export function fieldLabel(field: string | null): string {
  if (field === null) return 'value';
  return (
    FIELD_LABELS[field] ??
    field
      .replaceAll('.', ' ')
      .replaceAll(/([a-z])([A-Z])/g, '$1 $2')
      .toLowerCase()
  );
}

const percentFormat = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0, signDisplay: 'exceptZero' });

export function formatPercent(fraction: number): string {
  return percentFormat.format(fraction);
}

/** One side of a change, in the action's unit: money in its currency, percentages with their sign. */
export function formatActionValue(value: number | string | null, action: Pick<ProposedAction, 'unit' | 'currency'>): string {
  if (value === null) return '—';
  if (typeof value === 'string') return value;
  if (action.unit === 'currency') return formatMoney(value, action.currency);
  if (action.unit === 'percent') return `${formatNumber(value)}%`;
  return formatNumber(value);
}

/** "50.00 USD → 75.00 USD (+50%)", or the action's kind when it changes no single value. */
export function formatChange(action: ProposedAction): string {
  if (action.type === 'insight') return 'Insight';
  if (action.from === null && action.to === null) return action.type.replaceAll('-', ' ');
  const to = formatActionValue(action.to, action);
  if (action.from === null) return action.direction === 'add' ? `add at ${to}` : `${fieldLabel(action.field)}: ${to}`;
  const change =
    typeof action.from === 'number' && typeof action.to === 'number' && action.from !== 0
      ? ` (${formatPercent((action.to - action.from) / action.from)})`
      : '';
  return `${formatActionValue(action.from, action)} → ${to}${change}`;
}

/** "120–340 clicks / 7 days", "+3–5%", "10.00 USD–25.00 USD". */
export function formatImpact(impact: ImpactEstimate): string {
  const value = (n: number) =>
    impact.unit === 'count'
      ? formatNumber(n, 0)
      : impact.unit === 'percent'
        ? `${formatNumber(n, 1)}%`
        : /^[A-Z]{3}$/.test(impact.unit)
          ? formatMoney(n, impact.unit)
          : formatNumber(n);
  const range =
    impact.lower !== null && impact.upper !== null && impact.lower !== impact.upper
      ? `${value(impact.lower)}–${value(impact.upper)}`
      : impact.lower !== null
        ? value(impact.lower)
        : impact.upper !== null
          ? `up to ${value(impact.upper)}`
          : '—';
  const metric = impact.metric.replaceAll(/[_-]/g, ' ').toLowerCase();
  return `${range} ${metric}${impact.periodDays ? ` / ${impact.periodDays} d` : ''}`;
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

/** A duration as its two largest units: "2 d 4 h", "3 h 12 min", "45 min". */
export function formatDuration(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${rest} min`;
  return `${rest} min`;
}

const dateTimeFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });

export function formatDateTime(iso: string): string {
  return dateTimeFormat.format(new Date(iso));
}
