import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { anAggregate, anItemImpact } from '../../testing/measurement-fixtures.ts';
import { server } from '../../testing/msw-server.ts';
import { renderWithProviders } from '../../testing/render-with-providers.tsx';
import { PortfolioPage } from './PortfolioPage.tsx';

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' });
  await import('./PortfolioChart.tsx');
}, 60_000);
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('PortfolioPage', { timeout: 30_000 }, () => {
  it('compares realised with promised impact per source and kind, with the band, shares and priority factor', async () => {
    const queries: URLSearchParams[] = [];
    // Two measured budget items: their bands (half-widths 8.5 and 4 a day over 7 days) combine to √(59.5² + 28²) ≈ 65.76.
    const items = [
      anItemImpact(),
      anItemImpact({
        recommendationId: '22222222-2222-4222-8222-222222222222',
        effects: [{ metric: 'sales', estimate: 5, lower: 1, upper: 9, relative: 0.05 }],
        verdict: 'no_change',
      }),
    ];
    server.use(
      http.get('*/api/impact', ({ request }) => {
        queries.push(new URL(request.url).searchParams);
        return HttpResponse.json({ items, aggregates: [anAggregate()] });
      }),
      http.get('*/api/advertisers', () =>
        HttpResponse.json({ items: [{ id: 'AADVERTISER0001', name: 'Howe LLC', marketplaces: ['US'] }] }),
      ),
    );
    window.history.replaceState(null, '', '/impact?source=sp-budget');
    renderWithProviders(<PortfolioPage />);

    const groups = await screen.findByRole('region', { name: 'Realised vs promised, per source and kind' });
    const row = within(groups).getByRole('row', { name: /SP budget · budget/ });
    expect(row).toHaveTextContent('8 / 10');
    expect(row).toHaveTextContent('80%');
    expect(row).toHaveTextContent('3 / 5');
    expect(row).toHaveTextContent('60%');
    expect(row).toHaveTextContent('87.5 (21.74 to 153.26)');
    expect(row).toHaveTextContent('140');
    expect(row).toHaveTextContent('63%');
    expect(row).toHaveTextContent('×0.85');
    expect(queries[0]?.get('source')).toBe('sp-budget');
    expect(screen.getByRole('combobox', { name: 'Source' })).toHaveValue('sp-budget');

    const applied = screen.getByRole('region', { name: 'Applied items' });
    const links = within(applied).getAllByRole('link', { name: /^Open performance chart/ });
    expect(links[0]).toHaveAttribute('href', '/performance?entity=campaign%3A123&change=11111111-1111-4111-8111-111111111111');
    expect(within(applied).getAllByRole('row')[1]).toHaveTextContent('Measured · Improved');
    // The advertiser by name, not by id.
    await waitFor(() => expect(within(applied).getAllByRole('row')[1]).toHaveTextContent('Howe LLC'));
    expect(applied).not.toHaveTextContent('AADVERTISER0001');
    await waitFor(() => expect(document.querySelectorAll('.recharts-errorBar').length).toBeGreaterThan(0), { timeout: 10_000 });
  });

  it('filters by kind through the URL', async () => {
    const kinds: (string | null)[] = [];
    server.use(
      http.get('*/api/impact', ({ request }) => {
        kinds.push(new URL(request.url).searchParams.get('kind'));
        return HttpResponse.json({ items: [], aggregates: [anAggregate()] });
      }),
    );
    window.history.replaceState(null, '', '/impact');
    renderWithProviders(<PortfolioPage />);
    await screen.findByRole('region', { name: 'Realised vs promised, per source and kind' });
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Kind' }), 'bid');
    expect(new URLSearchParams(window.location.search).get('kind')).toBe('bid');
    await waitFor(() => expect(kinds).toEqual([null, 'bid']));
  });

  it('reports totals in the chosen currency with each rate and its date, names what no rate converts, and remembers the choice', async () => {
    const currencies: (string | null)[] = [];
    const reporting = (currency: string) =>
      currency === 'EUR'
        ? {
            currency: 'EUR',
            rates: [{ from: 'USD', to: 'EUR', rate: 0.95, asOf: '2026-12-01', inverseOf: null }],
            unconvertible: ['GBP'],
          }
        : {
            currency: 'USD',
            rates: [{ from: 'EUR', to: 'USD', rate: 1 / 0.95, asOf: '2026-12-01', inverseOf: { from: 'USD', to: 'EUR' } }],
            unconvertible: [],
          };
    server.use(
      http.get('*/api/impact', ({ request }) => {
        const currency = new URL(request.url).searchParams.get('currency');
        currencies.push(currency);
        return HttpResponse.json({
          items: [anItemImpact({ currency: 'USD' })],
          aggregates: [anAggregate({ unconverted: currency === 'EUR' ? 1 : 0 })],
          reporting: reporting(currency ?? 'USD'),
        });
      }),
      http.get('*/api/advertisers', () => HttpResponse.json({ items: [] })),
    );
    window.localStorage.removeItem('recdesk.impact.currency');
    window.history.replaceState(null, '', '/impact');
    renderWithProviders(<PortfolioPage />);
    expect(
      await screen.findByText(
        /^Totals in USD, converted from each item's own currency at 1 EUR = 1\.0526 USD \(as of 2026-12-01, the inverse of the USD→EUR rate\)/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('columnheader', { name: 'Promised, USD' })).toBeInTheDocument();

    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Totals in' }), 'EUR');
    expect(
      await screen.findByText(/^Totals in EUR, converted from each item's own currency at 1 USD = 0\.95 EUR \(as of 2026-12-01\)\.$/),
    ).toBeInTheDocument();
    expect(screen.getByRole('note')).toHaveTextContent('Items in GBP are left out of the totals: no exchange rate converts them into EUR.');
    expect(currencies).toEqual([null, 'EUR']);
    expect(window.localStorage.getItem('recdesk.impact.currency')).toBe('EUR');
  });

  it('shows the exchange rates on request, and lets an admin change and save them', async () => {
    const puts: unknown[] = [];
    let stored = [{ from: 'USD', to: 'EUR', rate: 0.95, asOf: '2026-12-01', updatedBy: 'seed', updatedAt: '2026-12-01T00:00:00.000Z' }];
    server.use(
      http.get('*/api/impact', () => HttpResponse.json({ items: [anItemImpact()], aggregates: [anAggregate()] })),
      http.get('*/api/advertisers', () => HttpResponse.json({ items: [] })),
      http.get('*/api/exchange-rates', () => HttpResponse.json({ rates: stored })),
      http.put('*/api/exchange-rates', async ({ request }) => {
        const body = (await request.json()) as { rates: typeof stored };
        puts.push(body);
        stored = body.rates.map((r) => ({ ...r, updatedBy: 'admin@recdesk.test', updatedAt: '2026-12-06T08:00:00.000Z' }));
        return HttpResponse.json({ rates: stored });
      }),
    );
    window.history.replaceState(null, '', '/impact');
    renderWithProviders(<PortfolioPage canEditRates />);
    await userEvent.click(await screen.findByText('Exchange rates the totals use'));
    const rate = await screen.findByRole('spinbutton', { name: 'Rate' });
    expect(rate).toHaveValue(0.95);
    await userEvent.clear(rate);
    await userEvent.type(rate, '0.9');
    await userEvent.click(screen.getByRole('button', { name: 'Save the rates' }));
    await waitFor(() => expect(puts).toEqual([{ rates: [{ from: 'USD', to: 'EUR', rate: 0.9, asOf: '2026-12-01' }] }]));
    expect(await screen.findByText('Saved: the totals now convert at these rates.')).toBeInTheDocument();
  });

  it('shows a viewer the rates read-only', async () => {
    server.use(
      http.get('*/api/impact', () => HttpResponse.json({ items: [anItemImpact()], aggregates: [anAggregate()] })),
      http.get('*/api/advertisers', () => HttpResponse.json({ items: [] })),
      http.get('*/api/exchange-rates', () =>
        HttpResponse.json({
          rates: [{ from: 'GBP', to: 'EUR', rate: 1.2, asOf: '2026-12-01', updatedBy: 'seed', updatedAt: '2026-12-01T00:00:00.000Z' }],
        }),
      ),
    );
    window.history.replaceState(null, '', '/impact');
    renderWithProviders(<PortfolioPage />);
    await userEvent.click(await screen.findByText('Exchange rates the totals use'));
    expect(await screen.findByRole('cell', { name: '1 GBP = 1.2 EUR' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Save the rates' })).not.toBeInTheDocument();
  });

  it('tells the user how measurements come about when there are none', async () => {
    server.use(http.get('*/api/impact', () => HttpResponse.json({ items: [], aggregates: [] })));
    window.history.replaceState(null, '', '/impact');
    renderWithProviders(<PortfolioPage />);
    expect(await screen.findByText(/^Nothing measured yet/)).toBeInTheDocument();
  });
});
