/** The reach a budget buys on a forecast curve: the shared interpolation (`forecastAt`), as the BFF computes a draft's. */
import { forecastAt } from '@recdesk/shared-types';

export interface CurvePoint {
  spend: number;
  reach: number;
}

export function reachAt(points: readonly CurvePoint[], spend: number): number {
  return forecastAt(points, spend).reach;
}
