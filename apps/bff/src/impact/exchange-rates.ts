/**
 * The exchange rates an admin maintains (issue 19, "one currency for totals"), and the conversion the impact totals
 * use: an amount converts at the stored pair, or at the inverse of the pair stored the other way round; a currency no
 * rate reaches is not converted at all (its items leave the totals, and the answer names the currency), so a total
 * never mixes currencies silently. No chains through a third currency: every rate shown is one an admin entered.
 */
import type { ExchangeRate, ExchangeRates, ExchangeRatesBody } from '@recdesk/shared-types';
import type { Db } from '../db/database.ts';

/** What the embedded default starts with (simulated Ads API only): the world's three currencies, as of a fixed day. */
export const DEFAULT_RATES: readonly ExchangeRate[] = [
  { from: 'USD', to: 'GBP', rate: 0.79, asOf: '2026-12-01' },
  { from: 'USD', to: 'EUR', rate: 0.95, asOf: '2026-12-01' },
  { from: 'GBP', to: 'EUR', rate: 1.2, asOf: '2026-12-01' },
];

/** A rate as used: the stored pair it came from when it is that pair's inverse. */
export type UsedRate = ExchangeRate & { inverseOf: { from: string; to: string } | null };

/** Converts amounts into one reporting currency, remembering the rates it used and the currencies it could not. */
export class Converter {
  private readonly used = new Map<string, UsedRate>();
  private readonly missing = new Set<string>();

  constructor(
    readonly reporting: string,
    private readonly rates: readonly ExchangeRate[],
  ) {}

  /** The rate from `currency` into the reporting currency: 1 for the same currency, null when none is stored. */
  rateOf(currency: string): UsedRate | null {
    if (currency === this.reporting) return { from: currency, to: currency, rate: 1, asOf: '1970-01-01', inverseOf: null };
    const known = this.used.get(currency);
    if (known) return known;
    const direct = this.rates.find((r) => r.from === currency && r.to === this.reporting);
    const inverse = direct ? undefined : this.rates.find((r) => r.from === this.reporting && r.to === currency);
    const used: UsedRate | null = direct
      ? { ...direct, inverseOf: null }
      : inverse
        ? {
            from: currency,
            to: this.reporting,
            rate: 1 / inverse.rate,
            asOf: inverse.asOf,
            inverseOf: { from: inverse.from, to: inverse.to },
          }
        : null;
    if (used) this.used.set(currency, used);
    else this.missing.add(currency);
    return used;
  }

  /** The amount in the reporting currency, or null when it cannot be converted (no currency, or no rate). */
  convert(amount: number, currency: string | null): number | null {
    if (!currency) return null;
    const rate = this.rateOf(currency);
    return rate ? amount * rate.rate : null;
  }

  /** The rates used (not the identity), sorted, and the currencies no rate converted. */
  report(): { currency: string; rates: UsedRate[]; unconvertible: string[] } {
    return {
      currency: this.reporting,
      rates: [...this.used.values()].sort((a, b) => a.from.localeCompare(b.from)),
      unconvertible: [...this.missing].sort(),
    };
  }
}

export class ExchangeRateStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  async list(): Promise<ExchangeRates> {
    const rows = await this.db.selectFrom('exchange_rates').selectAll().orderBy('from_currency').orderBy('to_currency').execute();
    return {
      rates: rows.map((row) => ({
        from: row.from_currency,
        to: row.to_currency,
        rate: row.rate,
        asOf: row.as_of,
        updatedBy: row.updated_by,
        updatedAt: new Date(row.updated_at).toISOString(),
      })),
    };
  }

  async rates(): Promise<ExchangeRate[]> {
    return (await this.list()).rates.map(({ from, to, rate, asOf }) => ({ from, to, rate, asOf }));
  }

  /** Replaces the table with the admin's rates, in one transaction. */
  async replace(body: ExchangeRatesBody, updatedBy: string): Promise<ExchangeRates> {
    const at = this.now();
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('exchange_rates').execute();
      if (body.rates.length > 0)
        await trx
          .insertInto('exchange_rates')
          .values(
            body.rates.map((r) => ({
              from_currency: r.from,
              to_currency: r.to,
              rate: r.rate,
              as_of: r.asOf,
              updated_by: updatedBy,
              updated_at: at,
            })),
          )
          .execute();
    });
    return this.list();
  }

  /** The embedded default's rates, once: an empty table gets them, one an admin filled is left alone. */
  async seedDefaults(): Promise<boolean> {
    const existing = await this.db.selectFrom('exchange_rates').select('from_currency').limit(1).executeTakeFirst();
    if (existing) return false;
    await this.db
      .insertInto('exchange_rates')
      .values(
        DEFAULT_RATES.map((r) => ({
          from_currency: r.from,
          to_currency: r.to,
          rate: r.rate,
          as_of: r.asOf,
          updated_by: 'seed',
          updated_at: this.now(),
        })),
      )
      .onConflict((oc) => oc.doNothing())
      .execute();
    return true;
  }
}
