/**
 * The portfolio's measured impact (`/impact?advertiserId=&source=&kind=`): per source and kind, realised against
 * promised impact with its band, the share applied, the share improved and the priority factor the feedback loop
 * gives new items of the group; then the measured items, each with a link to its campaign's chart. The filters live
 * in the URL; the charts load on demand and the tables carry the same numbers.
 */
import {
  type ImpactList,
  type ItemImpact,
  RecommendationKindSchema,
  RecommendationSourceSchema,
  SOURCE_LABELS,
} from '@recdesk/shared-types';
import { useQuery } from '@tanstack/react-query';
import { type MouseEvent, Suspense, useMemo } from 'react';
import { AdvertiserCombobox } from '../../shared/advertisers/AdvertiserCombobox.tsx';
import { useAdvertiserName } from '../../shared/advertisers/advertiser-queries.ts';
import { formatDateTime, formatNumber } from '../../shared/format.ts';
import { ProblemMessage } from '../../shared/ui/ProblemMessage.tsx';
import { retryableLazy } from '../../shared/ui/retryable-lazy.ts';
import { KindSelect, SourceSelect } from '../../shared/ui/SourceAndKindSelects.tsx';
import { useNavigate } from '../../shared/use-location.ts';
import { useSearchParams } from '../../shared/use-search-params.ts';
import { ExchangeRatesPanel } from './ExchangeRatesPanel.tsx';
import { formatDay, formatMetricByName, formatShare, formatSignedPercent, metricLabel } from './performance-metrics.ts';
import { measurementQueries, type PortfolioFilters } from './performance-queries.ts';
import { performanceHref } from './performance-url.ts';
import { type PortfolioRow, portfolioRows, rateLookup } from './portfolio-rows.ts';
import './performance.css';

const PortfolioChart = retryableLazy(() => import('./PortfolioChart.tsx'));

const STATE_WORDS = {
  measuring: 'Measuring',
  measured: 'Measured',
  insufficient_data: 'Not enough data',
  not_measurable: 'Not measurable',
} as const;
const VERDICT_WORDS = { improved: 'Improved', worsened: 'Worsened', no_change: 'No clear change' } as const;

function filtersOf(params: URLSearchParams): PortfolioFilters {
  const source = RecommendationSourceSchema.safeParse(params.get('source'));
  const kind = RecommendationKindSchema.safeParse(params.get('kind'));
  const advertiserId = params.get('advertiserId')?.trim();
  const currency = params.get('currency') ?? storedCurrency();
  return {
    ...(advertiserId ? { advertiserId } : {}),
    ...(currency && CURRENCY_CODE.test(currency) ? { currency } : {}),
    ...(source.success ? { source: source.data } : {}),
    ...(kind.success ? { kind: kind.data } : {}),
  };
}

const CURRENCY_CODE = /^[A-Z]{3}$/;
/** The person's reporting currency is remembered on this browser: each person chooses their own. */
const CURRENCY_KEY = 'recdesk.impact.currency';
/** The simulated world's currencies, offered even before an item in them is measured. */
const COMMON_CURRENCIES = ['USD', 'EUR', 'GBP'];

function storedCurrency(): string | null {
  try {
    return window.localStorage.getItem(CURRENCY_KEY);
  } catch {
    return null;
  }
}

function rememberCurrency(currency: string): void {
  try {
    window.localStorage.setItem(CURRENCY_KEY, currency);
  } catch {
    // Private mode: the URL still carries the choice.
  }
}

/** `canEditRates`: an admin, who maintains the exchange rates the totals convert with. */
export function PortfolioPage({ canEditRates = false }: { canEditRates?: boolean } = {}) {
  const [params, setSearch] = useSearchParams();
  const filters = filtersOf(params);
  const impact = useQuery(measurementQueries.portfolio(filters));
  const rows = useMemo(
    () => (impact.data ? portfolioRows(impact.data.aggregates, impact.data.items, rateLookup(impact.data.reporting)) : []),
    [impact.data],
  );
  const reporting = impact.data?.reporting;
  const currencies = [
    ...new Set([
      ...COMMON_CURRENCIES,
      ...(reporting ? [reporting.currency, ...reporting.rates.map((r) => r.from), ...reporting.unconvertible] : []),
      ...(impact.data?.items ?? []).flatMap((item) => (item.currency ? [item.currency] : [])),
    ]),
  ].sort();
  return (
    <section aria-labelledby="impact-heading" className="page portfolio-page">
      <header className="page-header">
        <h1 id="impact-heading">Impact</h1>
      </header>
      <form className="portfolio-filters" aria-label="Impact filters" onSubmit={(event) => event.preventDefault()}>
        <AdvertiserCombobox value={filters.advertiserId} onChange={(id) => setSearch({ advertiserId: id })} />
        <SourceSelect value={filters.source} onChange={(value) => setSearch({ source: value || undefined })} />
        <KindSelect value={filters.kind} onChange={(value) => setSearch({ kind: value || undefined })} />
        <label className="field">
          Totals in
          <select
            value={filters.currency ?? reporting?.currency ?? 'USD'}
            onChange={(event) => {
              rememberCurrency(event.target.value);
              setSearch({ currency: event.target.value });
            }}
          >
            {currencies.map((code) => (
              <option key={code} value={code}>
                {code}
              </option>
            ))}
          </select>
        </label>
      </form>
      {impact.isPending ? (
        <div className="skeleton-block chart-skeleton" role="status" aria-label="Loading the measured impact">
          <div className="skeleton-line" />
          <div className="skeleton-line" />
        </div>
      ) : impact.isError ? (
        <ProblemMessage error={impact.error} fallback="The measured impact could not be loaded" onRetry={() => impact.refetch()} />
      ) : rows.length === 0 && impact.data.items.length === 0 ? (
        <div className="empty-state">
          <p>Nothing measured yet — apply recommendations, then wait out their measurement window (or advance the simulated clock).</p>
        </div>
      ) : (
        <>
          <section aria-labelledby="groups-heading" className="panel">
            <h2 id="groups-heading">Realised vs promised, per source and kind</h2>
            {rows.length > 0 ? (
              <Suspense
                fallback={
                  <div className="skeleton-block chart-skeleton" role="status" aria-label="Loading the chart">
                    <div className="skeleton-line" />
                  </div>
                }
              >
                <PortfolioChart rows={rows} />
              </Suspense>
            ) : null}
            {reporting ? <ReportingNote reporting={reporting} /> : null}
            <GroupsTable rows={rows} currency={reporting?.currency ?? null} />
          </section>
          <ItemsTable items={impact.data.items} />
          <ExchangeRatesPanel canEdit={canEditRates} />
        </>
      )}
    </section>
  );
}

/** Which currency the totals are in, every rate used with its date, and what no rate converts (left out, not mixed). */
function ReportingNote({ reporting }: { reporting: NonNullable<ImpactList['reporting']> }) {
  return (
    <div className="reporting-note">
      <p>
        Totals in {reporting.currency}
        {reporting.rates.length === 0
          ? ': every measured amount is already in it.'
          : `, converted from each item's own currency at ${reporting.rates
              .map(
                (r) =>
                  `1 ${r.from} = ${formatNumber(r.rate, 4)} ${r.to} (as of ${r.asOf}${r.inverseOf ? `, the inverse of the ${r.inverseOf.from}→${r.inverseOf.to} rate` : ''})`,
              )
              .join('; ')}.`}
      </p>
      {reporting.unconvertible.length > 0 ? (
        <p className="conflict-warning" role="note">
          Items in {reporting.unconvertible.join(', ')} are left out of the totals: no exchange rate converts them into {reporting.currency}
          . An admin can add one (PUT /api/exchange-rates).
        </p>
      ) : null}
    </div>
  );
}

function GroupsTable({ rows, currency }: { rows: PortfolioRow[]; currency: string | null }) {
  const inCurrency = currency ? `, ${currency}` : '';
  if (rows.length === 0) return <p className="muted">No group has decided items yet.</p>;
  return (
    <div className="table-scroll">
      <table className="plain-table">
        <caption className="sr-only">Measured impact per source and kind</caption>
        <thead>
          <tr>
            <th scope="col">Source · kind</th>
            <th scope="col" className="numeric">
              Applied / decided
            </th>
            <th scope="col" className="numeric">
              Share applied
            </th>
            <th scope="col" className="numeric">
              Improved / measured
            </th>
            <th scope="col" className="numeric">
              Share improved
            </th>
            <th scope="col" className="numeric">
              Realised (90% band){inCurrency}
            </th>
            <th scope="col" className="numeric">
              Promised{inCurrency}
            </th>
            <th scope="col" className="numeric">
              Realised / promised
            </th>
            <th scope="col" className="numeric">
              Priority factor
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const a = row.aggregate;
            return (
              <tr key={row.key}>
                <th scope="row">{row.label}</th>
                <td className="numeric">
                  {formatNumber(a.applied, 0)} / {formatNumber(a.decided, 0)}
                </td>
                <td className="numeric">{formatShare(a.shareApplied)}</td>
                <td className="numeric">
                  {formatNumber(a.improved, 0)} / {formatNumber(a.measured, 0)}
                </td>
                <td className="numeric">{formatShare(a.shareImproved)}</td>
                <td className="numeric">
                  {a.realisedTotal === null ? '—' : formatNumber(a.realisedTotal)}
                  {row.band ? ` (${formatNumber(row.band.lower)} to ${formatNumber(row.band.upper)})` : ''}
                </td>
                <td className="numeric">{a.promisedTotal === null ? '—' : formatNumber(a.promisedTotal)}</td>
                <td className="numeric">{row.realisedShare === null ? '—' : formatShare(row.realisedShare)}</td>
                <td className="numeric">×{formatNumber(a.priorityFactor, 2)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function ItemsTable({ items }: { items: ItemImpact[] }) {
  const advertiserName = useAdvertiserName();
  const navigate = useNavigate();
  const open = (href: string) => (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <section aria-labelledby="items-heading" className="panel">
      <h2 id="items-heading">Applied items</h2>
      {items.length === 0 ? (
        <p className="muted">No applied item matches these filters.</p>
      ) : (
        <div className="table-scroll">
          <table className="plain-table">
            <caption className="sr-only">Applied items and their measured impact</caption>
            <thead>
              <tr>
                <th scope="col">Applied</th>
                <th scope="col">By</th>
                <th scope="col">Source · kind</th>
                <th scope="col">Advertiser</th>
                <th scope="col">State</th>
                <th scope="col">Effect on the target metric (90% band)</th>
                <th scope="col">
                  <span className="sr-only">Chart</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => {
                const effect = item.effects.find((e) => e.metric === item.targetMetric);
                const href = item.entity ? performanceHref(item.entity, item.recommendationId) : null;
                return (
                  <tr key={item.recommendationId}>
                    <td>{formatDateTime(item.appliedAt)}</td>
                    <td>{item.appliedBy}</td>
                    <td>
                      {SOURCE_LABELS[item.source]} · {item.kind}
                      {item.cohort === 'control' ? ' (control)' : ''}
                    </td>
                    <td>{advertiserName(item.advertiserId)}</td>
                    <td>
                      {item.state === 'measuring' ? `Measuring until ${formatDay(item.measuringUntil)}` : STATE_WORDS[item.state]}
                      {item.verdict ? ` · ${VERDICT_WORDS[item.verdict]}` : ''}
                      {item.level ? (
                        <span className="muted" title={item.levelReason ?? undefined}>
                          {' '}
                          · on the {item.level}
                          {item.levelReason?.startsWith('measured on the campaign instead') ? ' (fallback)' : ''}
                        </span>
                      ) : null}
                    </td>
                    <td>
                      {item.state === 'measured' && effect
                        ? `${metricLabel(effect.metric)} ${effect.estimate >= 0 ? '+' : ''}${formatMetricByName(effect.metric, effect.estimate, item.currency ?? null)} a day${effect.relative === null ? '' : ` (${formatSignedPercent(effect.relative)})`}, ${formatMetricByName(effect.metric, effect.lower, item.currency ?? null)} to ${formatMetricByName(effect.metric, effect.upper, item.currency ?? null)}`
                        : '—'}
                    </td>
                    <td>
                      {href ? (
                        <a href={href} onClick={open(href)}>
                          Open performance chart<span className="sr-only"> of {item.entity}</span>
                        </a>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
