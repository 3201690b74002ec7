/**
 * The Sponsored Products bid and daily-budget limits per marketplace (shared/ads-api/facts.md §6), which the Ads API
 * enforces with BID_OUT_OF_MARKET_PLACE_RANGE / BUDGET_OUT_OF_MARKET_PLACE_RANGE. A marketplace not listed has no
 * known limits: the validator then says nothing rather than guess.
 */
export interface Range {
  min: number;
  max: number;
}

const BID_0_02_TO_1000: Range = { min: 0.02, max: 1000 };
const BUDGET_1_TO_1M: Range = { min: 1, max: 1_000_000 };

/** facts.md §6 lists US, UK, DE/FR/ES/IT, JP and IN for bids; CA and the other EU marketplaces share the USD/EUR range. */
const BID_LIMITS: Readonly<Record<string, Range>> = {
  US: BID_0_02_TO_1000,
  CA: BID_0_02_TO_1000,
  UK: BID_0_02_TO_1000,
  GB: BID_0_02_TO_1000,
  DE: BID_0_02_TO_1000,
  FR: BID_0_02_TO_1000,
  ES: BID_0_02_TO_1000,
  IT: BID_0_02_TO_1000,
  JP: { min: 2, max: 100_000 },
  IN: { min: 1, max: 5000 },
};

/** "US, CA, UK and EU 1–1,000,000; JP 100–21,000,000; IN 50–21,000,000". */
const BUDGET_LIMITS: Readonly<Record<string, Range>> = {
  US: BUDGET_1_TO_1M,
  CA: BUDGET_1_TO_1M,
  UK: BUDGET_1_TO_1M,
  GB: BUDGET_1_TO_1M,
  DE: BUDGET_1_TO_1M,
  FR: BUDGET_1_TO_1M,
  ES: BUDGET_1_TO_1M,
  IT: BUDGET_1_TO_1M,
  NL: BUDGET_1_TO_1M,
  SE: BUDGET_1_TO_1M,
  PL: BUDGET_1_TO_1M,
  BE: BUDGET_1_TO_1M,
  JP: { min: 100, max: 21_000_000 },
  IN: { min: 50, max: 21_000_000 },
};

export function bidLimitsOf(marketplace: string | null): Range | null {
  return marketplace ? (BID_LIMITS[marketplace.toUpperCase()] ?? null) : null;
}

export function budgetLimitsOf(marketplace: string | null): Range | null {
  return marketplace ? (BUDGET_LIMITS[marketplace.toUpperCase()] ?? null) : null;
}
