/**
 * The portfolio's charts, drawn with recharts and loaded on demand: realised impact as a share of the promise per
 * source and kind, with its band as an error bar and the promise at 100 %; and per group the share of decided items
 * that were applied and the share of measured ones that improved. The table beside carries the same numbers.
 */
import { useRef } from 'react';
import { Bar, BarChart, CartesianGrid, ErrorBar, Legend, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { useElementWidth } from '../../shared/use-element-width.ts';
import { formatShare } from './performance-metrics.ts';
import type { PortfolioRow } from './portfolio-rows.ts';
import './performance.css';

const percent = (value: number) => formatShare(value);

export default function PortfolioChart({ rows }: { rows: PortfolioRow[] }) {
  const box = useRef<HTMLDivElement>(null);
  const width = useElementWidth(box);
  const height = Math.max(160, 48 + rows.length * 44);
  const realised = rows
    .filter((row) => row.realisedShare !== null)
    .map((row) => ({ label: row.label, realised: row.realisedShare, error: row.shareError ?? [0, 0] }));
  const shares = rows.map((row) => ({
    label: row.label,
    applied: row.aggregate.shareApplied ?? 0,
    improved: row.aggregate.shareImproved ?? 0,
  }));
  return (
    <div ref={box} className="performance-charts">
      <figure className="performance-chart">
        <figcaption>Realised impact as a share of the promise (100 % = as promised), with its 90 % band</figcaption>
        {realised.length === 0 ? (
          <p className="muted">No group has both a realised and a promised total yet.</p>
        ) : (
          <BarChart
            width={width}
            height={Math.max(160, 48 + realised.length * 44)}
            data={realised}
            layout="vertical"
            margin={{ top: 8, right: 24, bottom: 8, left: 8 }}
            title="Realised impact as a share of the promise"
          >
            <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" tickFormatter={percent} stroke="var(--muted)" />
            <YAxis type="category" dataKey="label" width={220} stroke="var(--muted)" />
            <ReferenceLine x={1} stroke="var(--chart-marker)" strokeDasharray="4 2" label={{ value: 'promised', position: 'top' }} />
            <Tooltip formatter={(value) => (typeof value === 'number' ? percent(value) : String(value))} />
            <Bar dataKey="realised" name="Realised / promised" fill="var(--chart-line)" isAnimationActive={false}>
              <ErrorBar dataKey="error" width={6} stroke="var(--text)" strokeWidth={1.5} isAnimationActive={false} />
            </Bar>
          </BarChart>
        )}
      </figure>
      <figure className="performance-chart">
        <figcaption>Share applied and share improved</figcaption>
        <BarChart
          width={width}
          height={height}
          data={shares}
          layout="vertical"
          margin={{ top: 8, right: 24, bottom: 8, left: 8 }}
          title="Share applied and share improved"
        >
          <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" domain={[0, 1]} tickFormatter={percent} stroke="var(--muted)" />
          <YAxis type="category" dataKey="label" width={220} stroke="var(--muted)" />
          <Tooltip formatter={(value) => (typeof value === 'number' ? percent(value) : String(value))} />
          <Legend />
          <Bar dataKey="applied" name="Share applied" fill="var(--chart-line)" isAnimationActive={false} />
          <Bar dataKey="improved" name="Share improved" fill="var(--chart-line-2)" isAnimationActive={false} />
        </BarChart>
      </figure>
    </div>
  );
}
