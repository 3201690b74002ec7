/**
 * The daily series of one campaign drawn with recharts: one small chart per chosen metric, sharing the day axis and
 * the tooltip; a line on every day a change was applied, with a focusable handle on the top chart (who, what,
 * before → after, on hover or focus); the selected change's before and after windows shaded. Loaded on demand, so
 * recharts is never part of the first bundle; the tables under the chart carry the same data for every reader.
 */
import type { ChangeMarker, PerformanceMetric, PerformanceSeries } from '@recdesk/shared-types';
import { type KeyboardEvent, useRef } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceArea, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { useElementWidth } from '../../shared/use-element-width.ts';
import { formatDay, formatMetric, METRIC_INFO } from './performance-metrics.ts';
import { markerDescription } from './performance-rows.ts';
import './performance.css';

export interface ChartWindows {
  before: { from: string; to: string };
  after: { from: string; to: string };
}

export interface PerformanceChartProps {
  series: PerformanceSeries;
  rows: Record<string, number | string | null>[];
  metrics: PerformanceMetric[];
  windows: ChartWindows | null;
  selectedChange: string | undefined;
  onMarkerShown: (marker: ChangeMarker | null) => void;
  onMarkerChosen: (marker: ChangeMarker) => void;
}

const CHART_HEIGHT = 170;

/** A window clipped to the days the chart shows; null when none of it is in view. */
function clip(window: { from: string; to: string }, first: string, last: string): { from: string; to: string } | null {
  const from = window.from < first ? first : window.from;
  const to = window.to > last ? last : window.to;
  return from <= to ? { from, to } : null;
}

export default function PerformanceChart({
  series,
  rows,
  metrics,
  windows,
  selectedChange,
  onMarkerShown,
  onMarkerChosen,
}: PerformanceChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const width = useElementWidth(box);
  const first = String(rows[0]?.date ?? series.from);
  const last = String(rows.at(-1)?.date ?? series.to);
  const before = windows ? clip(windows.before, first, last) : null;
  const after = windows ? clip(windows.after, first, last) : null;
  const markersByDay = new Map<string, ChangeMarker[]>();
  for (const marker of series.markers) {
    if (marker.date < first || marker.date > last) continue;
    markersByDay.set(marker.date, [...(markersByDay.get(marker.date) ?? []), marker]);
  }

  return (
    <div ref={box} className="performance-charts">
      {metrics.map((metric, index) => (
        <figure key={metric} className="performance-chart">
          <figcaption>{METRIC_INFO[metric].label}</figcaption>
          <LineChart
            width={width}
            height={CHART_HEIGHT}
            data={rows}
            syncId="performance"
            margin={{ top: index === 0 ? 22 : 8, right: 16, bottom: 0, left: 8 }}
            title={`${METRIC_INFO[metric].label} per day`}
          >
            <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="date" tickFormatter={(day: string) => formatDay(day, 'short')} stroke="var(--muted)" minTickGap={28} />
            <YAxis width={76} stroke="var(--muted)" tickFormatter={(value: number) => formatMetric(metric, value, series.currency, true)} />
            {before ? (
              <ReferenceArea x1={before.from} x2={before.to} className="window-before" fill="var(--chart-before)" fillOpacity={1} />
            ) : null}
            {after ? (
              <ReferenceArea x1={after.from} x2={after.to} className="window-after" fill="var(--chart-after)" fillOpacity={1} />
            ) : null}
            {[...markersByDay].map(([day, markers]) => (
              <ReferenceLine
                key={day}
                x={day}
                stroke={markers.some((m) => m.recommendationId === selectedChange) ? 'var(--chart-marker-selected)' : 'var(--chart-marker)'}
                strokeWidth={2}
                strokeDasharray="4 2"
                label={
                  index === 0
                    ? (props: { viewBox?: { x?: number; y?: number } }) => (
                        <MarkerHandles
                          x={props.viewBox?.x ?? 0}
                          y={(props.viewBox?.y ?? 22) - 18}
                          markers={markers}
                          selectedChange={selectedChange}
                          onShown={onMarkerShown}
                          onChosen={onMarkerChosen}
                        />
                      )
                    : undefined
                }
              />
            ))}
            <Tooltip
              content={(props) => (
                <DayTooltip
                  active={props.active ?? false}
                  day={typeof props.label === 'string' ? props.label : null}
                  metric={metric}
                  value={typeof props.payload?.[0]?.value === 'number' ? props.payload[0].value : null}
                  currency={series.currency}
                  markers={typeof props.label === 'string' ? (markersByDay.get(props.label) ?? []) : []}
                />
              )}
            />
            <Line type="monotone" dataKey={metric} stroke="var(--chart-line)" strokeWidth={2} dot={false} isAnimationActive={false} />
          </LineChart>
        </figure>
      ))}
    </div>
  );
}

/** The markers of one day on the top chart: a focusable handle each, naming who changed what, before → after. */
function MarkerHandles({
  x,
  y,
  markers,
  selectedChange,
  onShown,
  onChosen,
}: {
  x: number;
  y: number;
  markers: ChangeMarker[];
  selectedChange: string | undefined;
  onShown: (marker: ChangeMarker | null) => void;
  onChosen: (marker: ChangeMarker) => void;
}) {
  return (
    <g>
      {markers.map((marker, i) => {
        const choose = (event: KeyboardEvent<SVGGElement>) => {
          if (event.key !== 'Enter' && event.key !== ' ') return;
          event.preventDefault();
          onChosen(marker);
        };
        const selected = marker.recommendationId === selectedChange;
        return (
          // biome-ignore lint/a11y/useSemanticElements: an SVG handle cannot be an HTML button; it behaves as one
          <g
            key={marker.recommendationId}
            role="button"
            tabIndex={0}
            aria-label={markerDescription(marker)}
            aria-pressed={selected}
            className={`marker-handle${selected ? ' selected' : ''}`}
            transform={`translate(${x}, ${y - i * 14})`}
            onMouseEnter={() => onShown(marker)}
            onMouseLeave={() => onShown(null)}
            onFocus={() => onShown(marker)}
            onBlur={() => onShown(null)}
            onClick={() => onChosen(marker)}
            onKeyDown={choose}
          >
            <circle r={7} />
            <text textAnchor="middle" dy="0.35em">
              {markers.length > 1 ? i + 1 : '▲'}
            </text>
          </g>
        );
      })}
    </g>
  );
}

function DayTooltip({
  active,
  day,
  metric,
  value,
  currency,
  markers,
}: {
  active: boolean;
  day: string | null;
  metric: PerformanceMetric;
  value: number | null;
  currency: string | null;
  markers: ChangeMarker[];
}) {
  if (!active || !day) return null;
  return (
    <div className="chart-tooltip">
      <p>
        <strong>{formatDay(day)}</strong>
      </p>
      <p>
        {METRIC_INFO[metric].label}: {formatMetric(metric, value, currency)}
      </p>
      {markers.map((marker) => (
        <p key={marker.recommendationId} className="chart-tooltip-change">
          {markerDescription(marker)}
        </p>
      ))}
    </div>
  );
}
