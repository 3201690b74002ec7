/**
 * The reach a budget buys on a forecast curve: linear between the forecast's points (Amazon forecasts a handful of
 * spends; in between, a straight line under-states a concave curve only slightly), clamped to the curve's ends.
 */
export interface CurvePoint {
  spend: number;
  reach: number;
}

export function reachAt(points: readonly CurvePoint[], spend: number): number {
  const sorted = [...points].sort((a, b) => a.spend - b.spend);
  const first = sorted[0];
  const last = sorted.at(-1);
  if (!first || !last) return 0;
  if (spend <= first.spend) return first.reach;
  if (spend >= last.spend) return last.reach;
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1] as CurvePoint;
    const b = sorted[i] as CurvePoint;
    if (spend <= b.spend) return Math.round(a.reach + ((b.reach - a.reach) * (spend - a.spend)) / (b.spend - a.spend));
  }
  return last.reach;
}
