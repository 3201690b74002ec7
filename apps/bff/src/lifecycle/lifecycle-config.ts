/**
 * The lifecycle's settings, read once from the validated environment: freshness and expiry policy per source, the
 * rejection quiet period and the default guardrails. Everything downstream takes this plain object, so the pure
 * functions and the tests never read the environment.
 */
import { DEFAULT_FRESHNESS_POLICIES, type FreshnessPolicy, RECOMMENDATION_SOURCES, type RecommendationSource } from '@recdesk/shared-types';
import type { Env } from '../config/env.ts';

const HOUR = 3_600_000;

export interface LifecyclePolicy extends FreshnessPolicy {
  /** When the source gives no expiry, the item expires this long after its refresh time. */
  expireAfterMs: number;
}

export interface GuardrailLimits {
  /** Largest bid change allowed, in percent of the current bid. */
  maxBidChangePct: number;
  /** Largest budget change allowed, in percent of the current budget. */
  maxBudgetChangePct: number;
  /** Largest absolute budget change allowed in one day, in the campaign's currency. */
  maxBudgetChangePerDay: number;
}

export interface LifecycleConfig {
  policies: Record<RecommendationSource, LifecyclePolicy>;
  rejectionQuietPeriodMs: number;
  guardrails: GuardrailLimits;
  expiryJobSchedule: string;
}

/** Policy expiry when the source gives none: a few refresh cycles for daily sources, hours for real-time signals. */
const DEFAULT_EXPIRE_AFTER_MS: Readonly<Record<RecommendationSource, number>> = {
  'partner-opportunities': 7 * 24 * HOUR,
  'unified-recommendations': 7 * 24 * HOUR,
  'sp-consolidated': 7 * 24 * HOUR,
  'sp-budget': 3 * 24 * HOUR,
  'sp-theme-bids': 3 * 24 * HOUR,
  'sp-targeting': 30 * 24 * HOUR,
  'sb-recommendations': 3 * 24 * HOUR,
  'sd-recommendations': 3 * 24 * HOUR,
  'brand-metrics': 30 * 24 * HOUR,
  'audience-insights': 14 * 24 * HOUR,
  'reach-forecasting': 7 * 24 * HOUR,
  'persona-builder': 14 * 24 * HOUR,
  'brand-benchmarks': 28 * 24 * HOUR,
  'historic-reach': 28 * 24 * HOUR,
  'marketing-stream': 2 * HOUR,
  plan: 7 * 24 * HOUR,
};

export function lifecycleConfigOf(env: Env): LifecycleConfig {
  const policies = Object.fromEntries(
    RECOMMENDATION_SOURCES.map((source) => {
      const override = env.FRESHNESS_POLICIES?.[source];
      const base = DEFAULT_FRESHNESS_POLICIES[source];
      const policy: LifecyclePolicy = {
        freshForMs: override?.freshForHours !== undefined ? override.freshForHours * HOUR : base.freshForMs,
        staleAfterMs: override?.staleAfterHours !== undefined ? override.staleAfterHours * HOUR : base.staleAfterMs,
        expireAfterMs: override?.expireAfterHours !== undefined ? override.expireAfterHours * HOUR : DEFAULT_EXPIRE_AFTER_MS[source],
      };
      return [source, policy];
    }),
  ) as Record<RecommendationSource, LifecyclePolicy>;
  return {
    policies,
    rejectionQuietPeriodMs: env.REJECTION_QUIET_PERIOD_HOURS * HOUR,
    guardrails: {
      maxBidChangePct: env.GUARDRAIL_MAX_BID_CHANGE_PCT,
      maxBudgetChangePct: env.GUARDRAIL_MAX_BUDGET_CHANGE_PCT,
      maxBudgetChangePerDay: env.GUARDRAIL_MAX_BUDGET_CHANGE_PER_DAY,
    },
    expiryJobSchedule: env.EXPIRY_JOB_SCHEDULE,
  };
}
