/**
 * The brand's funnel against its category (Brand Benchmarks): per metric, awareness first, a scale of the category's
 * brands with p25, median and p75 marked and the brand's own value as a dot, and the same in words for a screen reader
 * and for a person who prefers to read ("below the median: 12,345 against 20,100").
 */
import type { PlanBenchmarkMetric, PlanBenchmarks } from '@recdesk/shared-types';
import './plan.css';

const STAGES = ['awareness', 'consideration', 'purchase'];

export function shown(metric: Pick<PlanBenchmarkMetric, 'kind'>, value: number): string {
  return metric.kind === 'rate' ? `${(value * 100).toFixed(1)}%` : Math.round(value).toLocaleString('en-US');
}

export function bandOf(metric: PlanBenchmarkMetric): string {
  const { value } = metric;
  if (value === null) return 'not reported';
  if (value < metric.p25) return 'bottom quarter';
  if (value < metric.p50) return 'below the median';
  if (value < metric.p75) return 'above the median';
  if (value < metric.p90) return 'top quarter';
  return 'top 10%';
}

function Scale({ metric }: { metric: PlanBenchmarkMetric }) {
  const low = Math.min(metric.p25, metric.value ?? metric.p25) * 0.8;
  const high = Math.max(metric.p90, metric.value ?? metric.p90) * 1.05;
  const at = (value: number) => `${((value - low) / (high - low || 1)) * 100}%`;
  return (
    <div className="funnel-scale" aria-hidden="true">
      <div className="funnel-iqr" style={{ left: at(metric.p25), width: `calc(${at(metric.p75)} - ${at(metric.p25)})` }} />
      {(['p25', 'p50', 'p75'] as const).map((p) => (
        <div key={p} className={`funnel-marker funnel-${p}`} style={{ left: at(metric[p]) }}>
          <span>{p === 'p50' ? 'median' : p}</span>
        </div>
      ))}
      {metric.value === null ? null : (
        <div className={`funnel-dot funnel-${bandOf(metric).replace(/[^a-z0-9]+/g, '-')}`} style={{ left: at(metric.value) }} />
      )}
    </div>
  );
}

export function BrandFunnel({ benchmarks }: { benchmarks: PlanBenchmarks }) {
  const metrics = [...benchmarks.metrics].sort((a, b) => STAGES.indexOf(a.stage) - STAGES.indexOf(b.stage));
  const brands = Math.max(0, ...metrics.map((m) => m.brands));
  return (
    <section aria-label={`Brand funnel in ${benchmarks.category}`} className="funnel">
      <h3>
        {benchmarks.brand} against {brands} brands of {benchmarks.category}
      </h3>
      <p className="muted">Brand View Pro, report of {benchmarks.indexDate}. The band is the middle half of the category (p25 to p75).</p>
      <table className="funnel-table">
        <thead>
          <tr>
            <th scope="col">Stage</th>
            <th scope="col">Metric</th>
            <th scope="col">{benchmarks.brand}</th>
            <th scope="col">Against the category</th>
            <th scope="col" className="funnel-scale-head">
              p25 · median · p75
            </th>
          </tr>
        </thead>
        <tbody>
          {metrics.map((m) => (
            <tr key={m.key}>
              <td className="muted">{m.stage}</td>
              <th scope="row">{m.label}</th>
              <td>{m.value === null ? '—' : shown(m, m.value)}</td>
              <td>
                <span className={`funnel-band funnel-${bandOf(m).replace(/[^a-z0-9]+/g, '-')}`}>{bandOf(m)}</span>
                <span className="sr-only">{`: p25 ${shown(m, m.p25)}, median ${shown(m, m.p50)}, p75 ${shown(m, m.p75)}`}</span>
              </td>
              <td>
                <Scale metric={m} />
                <span className="funnel-numbers muted">
                  {shown(m, m.p25)} · {shown(m, m.p50)} · {shown(m, m.p75)}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
