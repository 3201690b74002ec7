/**
 * Reach forecasts of the simulated world (shared/ads-api/specs/reach-forecasting.json): reach grows with spend with
 * diminishing returns, reach(spend) = ceiling × (1 − e^(−spend / scale)), where the ceiling is the households the
 * profile's audiences can reach in the flight (its own customers and the audiences of its categories) and the scale is
 * the profile's spend over the flight at today's budgets. The curve's points run from a quarter to four times that.
 */
import { hashed, overlapsOf, type SimulatedAudience } from './audience-insights.ts';
import type { BrandMetricsRecord } from './brand-metrics.ts';
import { campaignsOf, type Profile, type World } from './world.ts';

export interface ReachPoint {
  spend: number;
  reach: number;
  impressions: number;
}

export interface ReachCurve {
  avgCpm: number;
  /** What the profile would spend over the flight at today's daily budgets. */
  baselineSpend: number;
  points: ReachPoint[];
}

export const CURVE_MULTIPLIERS = [0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4] as const;

export function reachAt(spend: number, ceiling: number, scale: number): number {
  return Math.round(ceiling * (1 - Math.exp(-spend / scale)));
}

export function reachCurveOf(
  world: World,
  profile: Profile,
  audiences: readonly SimulatedAudience[],
  brandMetrics: readonly BrandMetricsRecord[],
  days: number,
): ReachCurve {
  const dailyBudget = campaignsOf(world, profile.profileId)
    .filter((c) => c.state === 'ENABLED')
    .reduce((sum, c) => sum + c.dailyBudget, 0);
  const baselineSpend = Math.max(1, Math.round(dailyBudget * days * 100) / 100);
  const own = audiences.find((a) => a.profileId === profile.profileId);
  const related = own ? overlapsOf(own, audiences, brandMetrics).filter((o) => o.affinity >= 1.5) : [];
  // Households, not devices: about a third of the devices, and most of the flight's reach is the same people again.
  const dailyDevices = related.reduce((sum, o) => sum + o.audience.dailyReach.upperBound, own?.dailyReach.upperBound ?? 0);
  const ceiling = Math.round((dailyDevices / 3) * Math.sqrt(days));
  const avgCpm = Math.round(hashed(`cpm|${profile.profileId}`, 4, 12) * 100) / 100;
  const points = CURVE_MULTIPLIERS.map((multiplier) => {
    const spend = Math.round(baselineSpend * multiplier * 100) / 100;
    return { spend, reach: reachAt(spend, ceiling, baselineSpend * 1.5), impressions: Math.round((spend / avgCpm) * 1000) };
  });
  return { avgCpm, baselineSpend, points };
}
