/**
 * One applied item's measured impact, in words an account manager reads at a glance: still measuring (until when),
 * measured (the effect on the target metric with its 90 % band, the verdict, what the source promised), or why it
 * cannot be measured. Shared by the detail drawer and the performance screen; no chart code.
 */
import type { ItemImpact } from '@recdesk/shared-types';
import { formatDateTime, formatMoney, formatNumber } from '../../shared/format.ts';
import { formatDay, formatMetricByName, formatSignedPercent, metricLabel } from './performance-metrics.ts';

type Promised = ItemImpact['promised'][number];

/** "$10.00–$30.00 sales / 7 d", in the promise's own unit (a currency, percent or a count). */
function promiseText(promise: Promised): string {
  const value = (n: number) =>
    /^[A-Z]{3}$/.test(promise.unit)
      ? formatMoney(n, promise.unit)
      : promise.unit === 'percent'
        ? `${formatNumber(n, 1)}%`
        : formatNumber(n);
  const range =
    promise.lower !== null && promise.upper !== null && promise.lower !== promise.upper
      ? `${value(promise.lower)}–${value(promise.upper)}`
      : promise.lower !== null
        ? value(promise.lower)
        : promise.upper !== null
          ? `up to ${value(promise.upper)}`
          : '—';
  return `${range} ${metricLabel(promise.metric).toLowerCase()}${promise.periodDays ? ` / ${promise.periodDays} d` : ''}`;
}

const VERDICT_WORDS = { improved: 'Improved', worsened: 'Worsened', no_change: 'No clear change' } as const;

const LEVEL_WORDS = { campaign: 'the campaign', keyword: 'the keyword', target: 'the target' } as const;

/** Which level the change was measured at and why there ("Measured on the keyword: …"); nothing before it is known. */
export function MeasuredLevel({ impact }: { impact: Pick<ItemImpact, 'level' | 'levelReason' | 'entity'> }) {
  if (!impact.level) return null;
  return (
    <p className="measured-level">
      <strong>Measured on {LEVEL_WORDS[impact.level]}</strong>
      {impact.entity ? ` (${impact.entity})` : ''}
      {impact.levelReason ? `: ${impact.levelReason}.` : '.'}
    </p>
  );
}

export function MeasuredImpact({ impact, currency = null }: { impact: ItemImpact | null; currency?: string | null }) {
  if (impact === null) {
    return <p className="muted">Not measured yet: the measurement starts once the change has been applied and its data arrives.</p>;
  }
  const target = impact.effects.find((effect) => effect.metric === impact.targetMetric) ?? impact.effects[0];
  const windows = (
    <p className="muted">
      Before {formatDay(impact.before.from)} – {formatDay(impact.before.to)}, after {formatDay(impact.after.from)} –{' '}
      {formatDay(impact.after.to)} ({impact.windowDays} days each), against {impact.baselineCampaigns} comparable untouched campaign
      {impact.baselineCampaigns === 1 ? '' : 's'}
      {impact.level === 'keyword' || impact.level === 'target' ? "' keywords and targets" : ''}.
    </p>
  );
  if (impact.state === 'measuring') {
    return (
      <div className="impact-summary" data-state="measuring">
        <p>
          <strong>Measuring until {formatDay(impact.measuringUntil)}</strong>: the after window's attribution has not settled yet.
        </p>
        {windows}
      </div>
    );
  }
  if (impact.state !== 'measured' || !target) {
    const note = (impact as { note?: string | null }).note;
    return (
      <div className="impact-summary" data-state={impact.state}>
        <p>
          <strong>{impact.state === 'insufficient_data' ? 'Not measurable: not enough data' : 'Not measurable'}</strong>
          {note ? `: ${note}` : '.'}
        </p>
        <MeasuredLevel impact={impact} />
      </div>
    );
  }
  const value = (n: number) => formatMetricByName(target.metric, n, currency);
  return (
    <div className="impact-summary" data-state="measured">
      <p>
        <span className={`verdict verdict-${impact.verdict ?? 'none'}`}>{impact.verdict ? VERDICT_WORDS[impact.verdict] : 'Measured'}</span>{' '}
        {metricLabel(target.metric)}: {target.estimate >= 0 ? '+' : ''}
        {value(target.estimate)} a day
        {target.relative === null ? '' : ` (${formatSignedPercent(target.relative)})`}, 90% band {value(target.lower)} to{' '}
        {value(target.upper)}
      </p>
      <MeasuredLevel impact={impact} />
      {impact.effects.length > 1 ? (
        <ul className="impact-effects">
          {impact.effects
            .filter((effect) => effect !== target)
            .map((effect) => (
              <li key={effect.metric}>
                {metricLabel(effect.metric)}: {formatMetricByName(effect.metric, effect.estimate, currency)} a day (
                {formatMetricByName(effect.metric, effect.lower, currency)} to {formatMetricByName(effect.metric, effect.upper, currency)})
              </li>
            ))}
        </ul>
      ) : null}
      {impact.promised.length > 0 ? (
        <p>Promised: {impact.promised.map(promiseText).join('; ')}</p>
      ) : (
        <p className="muted">The source promised no impact.</p>
      )}
      {windows}
      {impact.measuredAt ? <p className="muted">Measured {formatDateTime(impact.measuredAt)}.</p> : null}
    </div>
  );
}
