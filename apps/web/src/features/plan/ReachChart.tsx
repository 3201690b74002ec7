/**
 * The reach curve of a forecast drawn with recharts, with the chosen budget marked. Loaded on demand, so recharts is
 * never part of the first bundle; the text beside it carries the same figures for every reader.
 */
import { useRef } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { useElementWidth } from '../../shared/use-element-width.ts';
import type { CurvePoint } from './reach-at.ts';

/** Reach runs to millions: "7.5M" fits the axis, where "7500000" was cut off at its left edge. */
const compactCount = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 }).format;

export default function ReachChart({ points, budget, currency }: { points: CurvePoint[]; budget: number; currency: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const width = useElementWidth(ref);
  return (
    <div ref={ref} aria-hidden="true">
      {width > 0 ? (
        // The chart is hidden from assistive technology (the text beside it says the same): recharts' keyboard layer
        // would put a focusable element inside an aria-hidden one.
        <LineChart width={width} height={220} data={points} margin={{ top: 8, right: 16, bottom: 8, left: 16 }} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="spend" type="number" domain={['dataMin', 'dataMax']} unit={` ${currency}`} />
          <YAxis dataKey="reach" type="number" width={64} tickFormatter={compactCount} />
          <Tooltip />
          <Line dataKey="reach" type="monotone" dot isAnimationActive={false} />
          <ReferenceLine x={budget} strokeDasharray="4 2" />
        </LineChart>
      ) : null}
    </div>
  );
}
