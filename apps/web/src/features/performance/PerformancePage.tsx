/**
 * The performance drill-down of one campaign (`/performance?entity=campaign:ID&from=&to=&metrics=&change=`): the
 * daily series with the chosen metrics, a marker on every day a change was applied, the selected change's before
 * and after windows shaded and its measured impact with its band; under the chart, the changes and the daily values
 * as tables, so the chart is never the only way to read them. The chart code loads on demand.
 */
import { type ChangeMarker, EntityKeySchema, type PerformanceMetric, type PerformanceSeries } from '@recdesk/shared-types';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, Suspense, useEffect, useMemo, useState } from 'react';
import { useAdvertiserName } from '../../shared/advertisers/advertiser-queries.ts';
import { ProblemMessage } from '../../shared/ui/ProblemMessage.tsx';
import { retryableLazy } from '../../shared/ui/retryable-lazy.ts';
import { useSearchParams } from '../../shared/use-search-params.ts';
import { MeasuredImpact } from './MeasuredImpact.tsx';
import { ALL_METRICS, addDays, formatDay, formatMetric, METRIC_INFO } from './performance-metrics.ts';
import { measurementQueries } from './performance-queries.ts';
import { changeValue, markerAppliedAt, markerDescription, rowsOf } from './performance-rows.ts';
import { parsePerformanceView } from './performance-url.ts';
import './performance.css';

const PerformanceChart = retryableLazy(() => import('./PerformanceChart.tsx'));

const chartLoading = (
  <div className="skeleton-block chart-skeleton" role="status" aria-label="Loading the chart">
    <div className="skeleton-line" />
    <div className="skeleton-line" />
  </div>
);

export function PerformancePage() {
  const [params, setSearch] = useSearchParams();
  const view = parsePerformanceView(params);
  return (
    <section aria-labelledby="performance-heading" className="page performance-page">
      <header className="page-header">
        <h1 id="performance-heading">Performance</h1>
      </header>
      <EntityPicker entity={view.entity} onChosen={(entity) => setSearch({ entity, change: undefined })} />
      {view.entity ? (
        <EntityPerformance
          key={view.entity}
          entity={view.entity}
          from={view.from}
          to={view.to}
          metrics={view.metrics}
          change={view.change}
        />
      ) : (
        <div className="empty-state">
          <p>Choose a campaign: open “Open performance chart” from an item's details, or enter a campaign id above.</p>
        </div>
      )}
    </section>
  );
}

function EntityPicker({ entity, onChosen }: { entity: string | null; onChosen: (entity: string) => void }) {
  const [campaignId, setCampaignId] = useState(entity?.startsWith('campaign:') ? entity.slice('campaign:'.length) : '');
  const [error, setError] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = EntityKeySchema.safeParse(`campaign:${campaignId.trim()}`);
    if (!parsed.success) {
      setError('A campaign id is made of letters, digits, “-” and “_”.');
      return;
    }
    setError(null);
    onChosen(parsed.data);
  };
  return (
    <form className="inline-form entity-picker" aria-label="Campaign" onSubmit={submit}>
      <label>
        Campaign id
        <input
          value={campaignId}
          onChange={(event) => setCampaignId(event.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'entity-picker-error' : undefined}
        />
      </label>
      <button type="submit" className="button-secondary">
        Show chart
      </button>
      {error ? (
        <p id="entity-picker-error" className="field-error">
          {error}
        </p>
      ) : null}
    </form>
  );
}

function EntityPerformance({
  entity,
  from,
  to,
  metrics,
  change,
}: {
  entity: PerformanceSeries['entity'];
  from: string | undefined;
  to: string | undefined;
  metrics: PerformanceMetric[];
  change: string | undefined;
}) {
  const [, setSearch] = useSearchParams();
  const series = useQuery(measurementQueries.series(entity, { from, to }));
  const advertiserName = useAdvertiserName();
  const [shownMarker, setShownMarker] = useState<ChangeMarker | null>(null);
  const rows = useMemo(() => (series.data ? rowsOf(series.data) : []), [series.data]);
  const selected = useSelectedImpact(change);

  // The default range ends yesterday (the last day with data), so a change applied today would have no marker: a
  // selected change that is not in the answer widens the range to today, once (the URL then holds the range).
  const data = series.data;
  useEffect(() => {
    if (!change || to || !data || data.markers.some((marker) => marker.recommendationId === change)) return;
    setSearch({ to: addDays(data.to, 1) }, { replace: true });
  }, [change, to, data, setSearch]);
  const windows = selected.data ? { before: selected.data.before, after: selected.data.after } : null;

  const setMetrics = (next: PerformanceMetric[]) => setSearch({ metrics: next.join(',') }, { replace: true });
  const chooseChange = (marker: ChangeMarker) => setSearch({ change: marker.recommendationId });

  return (
    <>
      <RangeAndMetrics
        series={series.data}
        from={from}
        to={to}
        metrics={metrics}
        onRange={(range) => setSearch(range)}
        onMetrics={setMetrics}
      />
      {series.isPending ? (
        chartLoading
      ) : series.isError ? (
        <ProblemMessage
          error={series.error}
          fallback="The performance of this campaign could not be loaded"
          onRetry={() => series.refetch()}
        />
      ) : (
        <>
          <p className="performance-subject">
            <strong>{series.data.entityName ?? series.data.entity}</strong>{' '}
            <span className="muted">
              · {advertiserName(series.data.advertiserId)} · {formatDay(series.data.from)} – {formatDay(series.data.to)}
              {series.data.settledThrough ? ` · attribution settled through ${formatDay(series.data.settledThrough)}` : ''}
            </span>
          </p>
          {series.data.days.length === 0 ? (
            <div className="empty-state">
              <p>No performance data yet — sync reports or advance the simulated clock.</p>
            </div>
          ) : metrics.length === 0 ? (
            <p className="empty-state">Choose at least one metric to draw.</p>
          ) : (
            <>
              <p className="marker-details" aria-live="polite">
                {shownMarker
                  ? markerDescription(shownMarker)
                  : series.data.markers.length > 0
                    ? 'Hover or focus a ▲ marker to read the change.'
                    : ''}
              </p>
              <Suspense fallback={chartLoading}>
                <PerformanceChart
                  series={series.data}
                  rows={rows}
                  metrics={metrics}
                  windows={windows}
                  selectedChange={change}
                  onMarkerShown={setShownMarker}
                  onMarkerChosen={chooseChange}
                />
              </Suspense>
            </>
          )}
          <ChangesTable series={series.data} selected={change} onChoose={chooseChange} />
          {change ? <SelectedImpact id={change} currency={series.data.currency} /> : null}
          {series.data.days.length > 0 && metrics.length > 0 ? (
            <DailyValuesTable series={series.data} rows={rows} metrics={metrics} />
          ) : null}
        </>
      )}
    </>
  );
}

/** The selected change's measurement: its windows shade the chart, its effect and band are shown under it. */
function useSelectedImpact(change: string | undefined) {
  return useQuery({ ...measurementQueries.itemImpact(change ?? ''), enabled: Boolean(change) });
}

function RangeAndMetrics({
  series,
  from,
  to,
  metrics,
  onRange,
  onMetrics,
}: {
  series: PerformanceSeries | undefined;
  from: string | undefined;
  to: string | undefined;
  metrics: PerformanceMetric[];
  onRange: (range: { from?: string; to?: string }) => void;
  onMetrics: (metrics: PerformanceMetric[]) => void;
}) {
  const shownFrom = from ?? series?.from ?? '';
  const shownTo = to ?? series?.to ?? '';
  const last = (days: number) => {
    const end = to ?? series?.to;
    if (end) onRange({ from: addDays(end, -(days - 1)), to: end });
  };
  return (
    <form className="chart-options" aria-label="Chart options" onSubmit={(event) => event.preventDefault()}>
      <fieldset className="range-fieldset">
        <legend>Range</legend>
        <label>
          From
          <input
            type="date"
            value={shownFrom}
            max={shownTo || undefined}
            onChange={(event) => onRange({ from: event.target.value || undefined })}
          />
        </label>
        <label>
          To
          <input
            type="date"
            value={shownTo}
            min={shownFrom || undefined}
            onChange={(event) => onRange({ to: event.target.value || undefined })}
          />
        </label>
        <button type="button" className="button-secondary button-small" onClick={() => last(30)} disabled={!series && !to}>
          Last 30 days
        </button>
        <button type="button" className="button-secondary button-small" onClick={() => last(90)} disabled={!series && !to}>
          Last 90 days
        </button>
      </fieldset>
      <fieldset className="metrics-fieldset">
        <legend>Metrics</legend>
        {ALL_METRICS.map((metric) => (
          <label key={metric} className="checkbox">
            <input
              type="checkbox"
              checked={metrics.includes(metric)}
              onChange={(event) =>
                onMetrics(
                  event.target.checked
                    ? ALL_METRICS.filter((m) => m === metric || metrics.includes(m))
                    : metrics.filter((m) => m !== metric),
                )
              }
            />
            {METRIC_INFO[metric].label}
          </label>
        ))}
      </fieldset>
    </form>
  );
}

function ChangesTable({
  series,
  selected,
  onChoose,
}: {
  series: PerformanceSeries;
  selected: string | undefined;
  onChoose: (marker: ChangeMarker) => void;
}) {
  return (
    <section aria-labelledby="changes-heading" className="panel">
      <h2 id="changes-heading">Changes applied</h2>
      {series.markers.length === 0 ? (
        <p className="muted">No change was applied to this campaign in this range.</p>
      ) : (
        <div className="table-scroll">
          <table className="plain-table">
            <caption className="sr-only">Changes applied to this campaign, by day</caption>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">Applied by</th>
                <th scope="col">Change</th>
                <th scope="col">Before</th>
                <th scope="col">After</th>
                <th scope="col">Applied at</th>
                <th scope="col">
                  <span className="sr-only">Impact</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {series.markers.map((marker) => (
                <tr key={marker.recommendationId} aria-selected={marker.recommendationId === selected}>
                  <td>{formatDay(marker.date)}</td>
                  <td>{marker.appliedBy}</td>
                  <td>{marker.summary}</td>
                  <td>{changeValue(marker.valueBefore)}</td>
                  <td>{changeValue(marker.valueAfter)}</td>
                  <td>{markerAppliedAt(marker)}</td>
                  <td>
                    <button
                      type="button"
                      className="button-secondary button-small"
                      aria-pressed={marker.recommendationId === selected}
                      aria-label={`Show the impact of the change on ${formatDay(marker.date)}: ${marker.summary}`}
                      onClick={() => onChoose(marker)}
                    >
                      Show impact
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function SelectedImpact({ id, currency }: { id: string; currency: string | null }) {
  const impact = useSelectedImpact(id);
  return (
    <section aria-labelledby="selected-impact-heading" className="panel">
      <h2 id="selected-impact-heading">Measured impact of the selected change</h2>
      {impact.isPending ? (
        <div className="skeleton-line" role="status" aria-label="Loading the measured impact" />
      ) : impact.isError ? (
        <ProblemMessage error={impact.error} fallback="The measured impact could not be loaded" onRetry={() => impact.refetch()} />
      ) : (
        <MeasuredImpact impact={impact.data} currency={currency} />
      )}
    </section>
  );
}

function DailyValuesTable({
  series,
  rows,
  metrics,
}: {
  series: PerformanceSeries;
  rows: ReturnType<typeof rowsOf>;
  metrics: PerformanceMetric[];
}) {
  const changesByDay = new Map<string, string[]>();
  for (const marker of series.markers) changesByDay.set(marker.date, [...(changesByDay.get(marker.date) ?? []), marker.summary]);
  return (
    <section aria-labelledby="daily-heading" className="panel">
      <h2 id="daily-heading">Daily values</h2>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
      <section className="table-scroll daily-values" tabIndex={0} aria-label="Daily values table">
        <table className="plain-table">
          <caption className="sr-only">Daily values of {series.entityName ?? series.entity}</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              {metrics.map((metric) => (
                <th key={metric} scope="col" className="numeric">
                  {METRIC_INFO[metric].label}
                </th>
              ))}
              <th scope="col">Changes applied</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.date}>
                <th scope="row">{formatDay(row.date)}</th>
                {metrics.map((metric) => (
                  <td key={metric} className="numeric">
                    {formatMetric(metric, row[metric], series.currency)}
                  </td>
                ))}
                <td>{changesByDay.get(row.date)?.join('; ') ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </section>
  );
}
