/**
 * Marketing Stream names marketplaces by their Amazon marketplace id (`marketplace_id`), not by country code. This
 * maps the ids of the Ads API's marketplaces (facts.md §0) to their country, currency and the time zone a daily
 * budget resets in.
 */
export interface MarketplaceInfo {
  country: string;
  currency: string;
  timeZone: string;
}

const MARKETPLACES: Readonly<Record<string, MarketplaceInfo>> = {
  ATVPDKIKX0DER: { country: 'US', currency: 'USD', timeZone: 'America/Los_Angeles' },
  A2EUQ1WTGCTBG2: { country: 'CA', currency: 'CAD', timeZone: 'America/Los_Angeles' },
  A1AM78C64UM0Y8: { country: 'MX', currency: 'MXN', timeZone: 'America/Los_Angeles' },
  A2Q3Y263D00KWC: { country: 'BR', currency: 'BRL', timeZone: 'America/Sao_Paulo' },
  A1F83G8C2ARO7P: { country: 'UK', currency: 'GBP', timeZone: 'Europe/London' },
  A1PA6795UKMFR9: { country: 'DE', currency: 'EUR', timeZone: 'Europe/Paris' },
  A13V1IB3VIYZZH: { country: 'FR', currency: 'EUR', timeZone: 'Europe/Paris' },
  APJ6JRA9NG5V4: { country: 'IT', currency: 'EUR', timeZone: 'Europe/Paris' },
  A1RKKUPIHCS9HS: { country: 'ES', currency: 'EUR', timeZone: 'Europe/Paris' },
  A1805IZSGTT6HS: { country: 'NL', currency: 'EUR', timeZone: 'Europe/Amsterdam' },
  AMEN7PMS3EDWL: { country: 'BE', currency: 'EUR', timeZone: 'Europe/Brussels' },
  A2NODRKZP88ZB9: { country: 'SE', currency: 'SEK', timeZone: 'Europe/Stockholm' },
  A1C3SOZRARQ6R3: { country: 'PL', currency: 'PLN', timeZone: 'Europe/Warsaw' },
  A33AVAJ2PDY3EV: { country: 'TR', currency: 'TRY', timeZone: 'Europe/Istanbul' },
  A2VIGQ35RCS4UG: { country: 'AE', currency: 'AED', timeZone: 'Asia/Dubai' },
  A17E79C6D8DWNP: { country: 'SA', currency: 'SAR', timeZone: 'Asia/Riyadh' },
  ARBP9OOSHTCHU: { country: 'EG', currency: 'EGP', timeZone: 'Africa/Cairo' },
  A21TJRUUN4KGV: { country: 'IN', currency: 'INR', timeZone: 'Asia/Kolkata' },
  AE08WJ6YKNBMC: { country: 'ZA', currency: 'ZAR', timeZone: 'Africa/Johannesburg' },
  A1VC38T7YXB528: { country: 'JP', currency: 'JPY', timeZone: 'Asia/Tokyo' },
  A39IBJ37TRP1C6: { country: 'AU', currency: 'AUD', timeZone: 'Australia/Sydney' },
  A19VAU5U5O7RUS: { country: 'SG', currency: 'SGD', timeZone: 'Asia/Singapore' },
};

export function marketplaceOf(marketplaceId: string): MarketplaceInfo | null {
  return MARKETPLACES[marketplaceId] ?? null;
}

/** The local calendar day (YYYY-MM-DD) of an instant in a time zone. */
export function localDayOf(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/**
 * The next local midnight after an instant: when a daily budget resets. Computed from the local time of day, so on
 * a day whose clocks change it can be off by the hour the change adds or removes.
 */
export function nextLocalMidnight(at: Date, timeZone: string): Date {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit' })
    .formatToParts(at)
    .reduce<Record<string, number>>((acc, part) => {
      if (part.type !== 'literal') acc[part.type] = Number(part.value);
      return acc;
    }, {});
  const elapsedMs = (((parts.hour ?? 0) * 60 + (parts.minute ?? 0)) * 60 + (parts.second ?? 0)) * 1000 + at.getUTCMilliseconds();
  return new Date(at.getTime() + 86_400_000 - elapsedMs);
}

/** The Amazon marketplace id of a country code (profiles name marketplaces by country), or null. */
export function marketplaceIdOf(country: string): string | null {
  const code = country.toUpperCase() === 'GB' ? 'UK' : country.toUpperCase();
  return Object.entries(MARKETPLACES).find(([, info]) => info.country === code)?.[0] ?? null;
}
