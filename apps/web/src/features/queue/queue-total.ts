/**
 * How the queue says how many items match. The server counts exactly up to 1,000; beyond it answers the database's
 * estimate, marked (`totalIsEstimate`), which the screen shows as "about N" (two significant digits, never below
 * "1,000+"), so a number that is not exact never looks exact.
 */
import { formatNumber } from '../../shared/format.ts';

export const EXACT_TOTAL_LIMIT = 1_000;

export function totalLabel(total: number, isEstimate: boolean | undefined): string {
  if (!isEstimate) return formatNumber(total, 0);
  const magnitude = 10 ** Math.max(0, Math.floor(Math.log10(Math.max(total, 1))) - 1);
  const rounded = Math.round(total / magnitude) * magnitude;
  return rounded <= EXACT_TOTAL_LIMIT ? `${formatNumber(EXACT_TOTAL_LIMIT, 0)}+` : `about ${formatNumber(rounded, 0)}`;
}
