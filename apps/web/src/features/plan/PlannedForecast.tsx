/**
 * What a drafted plan rests on, in words: who planned it and when, the forecast's inputs, and the flight's spend,
 * reach and impressions as they stand and with the change. Beside it, once the change is measured, the measured
 * impressions per day against the forecast's, so a person sees whether the forecast held.
 */
import type { ItemImpact, PlanDraftRaw } from '@recdesk/shared-types';
import { formatDateTime, formatMoney, formatNumber } from '../../shared/format.ts';

const signed = (value: number) => `${value >= 0 ? '+' : ''}${formatNumber(Math.round(value), 0)}`;

/** Impressions per day the forecast adds: the whole flight's gain spread over its days. */
export function forecastImpressionsPerDay(plan: PlanDraftRaw): number {
  const { baseline, planned, inputs } = plan.forecast;
  const gain = plan.change.type === 'budget' ? planned.impressions - baseline.impressions : planned.impressions;
  return gain / inputs.days;
}

export function PlannedForecast({ plan }: { plan: PlanDraftRaw }) {
  const { forecast } = plan;
  const { baseline, planned, inputs, currency } = forecast;
  return (
    <>
      <p className="plan-by">
        Planned by {plan.plannedBy} · {formatDateTime(plan.plannedAt)} · forecast {inputs.startDate} to {inputs.endDate} ({inputs.days} days
        {inputs.audienceIds.length > 0 ? `, ${inputs.audienceIds.length} audience${inputs.audienceIds.length === 1 ? '' : 's'}` : ''})
      </p>
      {plan.note ? <p>“{plan.note}”</p> : null}
      <table className="plan-forecast-table" aria-label="Forecast">
        <thead>
          <tr>
            <th scope="col" />
            <th scope="col">Spend</th>
            <th scope="col">Reach (households)</th>
            <th scope="col">Impressions</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">As it stands</th>
            <td>{formatMoney(baseline.spend, currency)}</td>
            <td>{formatNumber(baseline.reach, 0)}</td>
            <td>{formatNumber(baseline.impressions, 0)}</td>
          </tr>
          <tr>
            <th scope="row">With the plan</th>
            <td>{formatMoney(planned.spend, currency)}</td>
            <td>{formatNumber(planned.reach, 0)}</td>
            <td>{formatNumber(planned.impressions, 0)}</td>
          </tr>
        </tbody>
      </table>
    </>
  );
}

/** The measured effect on impressions per day beside the forecast's, or where the measurement stands. */
export function ForecastAgainstImpact({ plan, impact }: { plan: PlanDraftRaw; impact: ItemImpact | null }) {
  const forecast = forecastImpressionsPerDay(plan);
  if (!impact) return <p className="muted">Forecast {signed(forecast)} impressions/day · measured once it is applied.</p>;
  if (impact.state === 'measuring')
    return (
      <p className="muted">
        Forecast {signed(forecast)} impressions/day · measuring until {impact.measuringUntil}.
      </p>
    );
  const measured = impact.effects.find((e) => e.metric === 'impressions');
  if (impact.state !== 'measured' || !measured)
    return (
      <p className="muted">
        Forecast {signed(forecast)} impressions/day · not measured: {impact.note ?? impact.state.replace('_', ' ')}.
      </p>
    );
  return (
    <dl className="facts plan-impact" aria-label="Forecast and measured impact">
      <dt>Forecast</dt>
      <dd>{signed(forecast)} impressions/day</dd>
      <dt>Measured</dt>
      <dd>
        {signed(measured.estimate)} impressions/day (90% band {signed(measured.lower)} to {signed(measured.upper)})
      </dd>
      <dt>Verdict</dt>
      <dd>
        {impact.verdict ?? '—'} on {impact.targetMetric}, {impact.before.from} → {impact.after.to}
      </dd>
    </dl>
  );
}
