/** An applied value as the person reads it: numbers in their locale, text as is, nothing as a dash. */
import { formatNumber } from '../format.ts';

export function formatApplyValue(value: number | string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return typeof value === 'number' ? formatNumber(value, 4) : value;
}
