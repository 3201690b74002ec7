/**
 * Parsing the values upstream data carries in many spellings (facts.md §1.5): dates as epoch microseconds, epoch
 * milliseconds, epoch seconds, ISO strings, `YYYY-MM-DDTHH:mm:ss UTC`, `YYYYMMDD` and `M/D/YY`; numbers with
 * thousands separators. Each parser throws a message naming what it could not read, for the quarantine.
 */

export function parseUpstreamDate(value: string): Date {
  const text = value.trim();
  let ms: number;
  if (/^\d{16}$/.test(text)) ms = Number(text) / 1000;
  else if (/^\d{13}$/.test(text)) ms = Number(text);
  else if (/^\d{10}$/.test(text)) ms = Number(text) * 1000;
  else if (/^\d{8}$/.test(text)) ms = Date.UTC(Number(text.slice(0, 4)), Number(text.slice(4, 6)) - 1, Number(text.slice(6, 8)));
  else if (/^\d{1,2}\/\d{1,2}\/(\d{2}|\d{4})$/.test(text)) {
    const [month, day, year] = text.split('/').map(Number) as [number, number, number];
    const fullYear = year < 100 ? 2000 + year : year;
    ms = Date.UTC(fullYear, month - 1, day);
    // Date.UTC rolls 13/45 over into next year; a real calendar date must come back as itself.
    if (new Date(ms).getUTCMonth() !== month - 1 || new Date(ms).getUTCDate() !== day) ms = Number.NaN;
  } else if (/^\d{4}-\d{2}-\d{2}/.test(text)) ms = Date.parse(text.replace(/ UTC$/, 'Z'));
  else ms = Number.NaN;
  if (!Number.isFinite(ms)) throw new Error(`'${value}' is not a date in any known upstream format`);
  return new Date(ms);
}

export function parseOptionalDate(value: string | undefined | null): Date | null {
  return value && value.trim() !== '' ? parseUpstreamDate(value) : null;
}

/** "2,230.00" → 2230. Empty, `N/A` and `-` are "no value". */
export function parseUpstreamNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  const text = String(value).trim();
  if (text === '' || /^(n\/a|-|null)$/i.test(text)) return null;
  if (!/^-?[\d,]*\.?\d+$/.test(text)) throw new Error(`'${text}' is not a number`);
  return Number(text.replaceAll(',', ''));
}

const MARKETPLACE_CURRENCIES: Readonly<Record<string, string>> = {
  US: 'USD',
  CA: 'CAD',
  MX: 'MXN',
  BR: 'BRL',
  UK: 'GBP',
  GB: 'GBP',
  DE: 'EUR',
  FR: 'EUR',
  IT: 'EUR',
  ES: 'EUR',
  NL: 'EUR',
  BE: 'EUR',
  IE: 'EUR',
  SE: 'SEK',
  PL: 'PLN',
  TR: 'TRY',
  AE: 'AED',
  SA: 'SAR',
  EG: 'EGP',
  IN: 'INR',
  ZA: 'ZAR',
  JP: 'JPY',
  AU: 'AUD',
  SG: 'SGD',
};

export function currencyOfMarketplace(marketplace: string | null | undefined): string | null {
  return marketplace ? (MARKETPLACE_CURRENCIES[marketplace.toUpperCase()] ?? null) : null;
}
