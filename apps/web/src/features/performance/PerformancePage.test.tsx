import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { anItemImpact, aSeries, CHANGE_ID } from '../../testing/measurement-fixtures.ts';
import { server } from '../../testing/msw-server.ts';
import { renderWithProviders } from '../../testing/render-with-providers.tsx';
import { PerformancePage } from './PerformancePage.tsx';

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' });
  // The chart is loaded on demand; loading recharts once here keeps each test's wait about the screen, not the import.
  await import('./PerformanceChart.tsx');
}, 60_000);
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function at(url: string) {
  window.history.replaceState(null, '', url);
}

// Role queries walk the whole chart's SVG: these tests need more than the default five seconds on a slow machine.
describe('PerformancePage', { timeout: 30_000 }, () => {
  it("draws the campaign's series with a marker on the day of the change, and lists the change and the days as tables", async () => {
    const requests: URL[] = [];
    server.use(
      http.get('*/api/performance', ({ request }) => {
        requests.push(new URL(request.url));
        return HttpResponse.json(aSeries());
      }),
      http.get('*/api/advertisers', () =>
        HttpResponse.json({ items: [{ id: 'AADVERTISER0001', name: 'Acme Outdoor', marketplaces: ['US'] }] }),
      ),
    );
    at('/performance?entity=campaign:123&metrics=sales,cost');
    renderWithProviders(<PerformancePage />);

    expect(await screen.findByText('Acme | tents | Exact | US')).toBeInTheDocument();
    // The header names the advertiser, not its id.
    await waitFor(() => expect(screen.getByText(/· Acme Outdoor ·/)).toBeInTheDocument());
    expect(screen.queryByText(/AADVERTISER0001/)).not.toBeInTheDocument();
    expect(requests[0]?.searchParams.get('entity')).toBe('campaign:123');

    // The marker on the chart names who changed what, before → after; it is reachable by keyboard.
    const marker = await waitFor(
      () => {
        const handle = document.querySelector<SVGGElement>('.performance-charts [role="button"]');
        if (!handle) throw new Error('no marker drawn yet');
        return handle;
      },
      { timeout: 10_000 },
    );
    expect(marker).toHaveAccessibleName(
      'Change on Nov 12, 2026 by ana@agency.example: Daily budget 50.00 → 75.00 USD (dailyBudget 50 → 75)',
    );
    expect(marker).toHaveAttribute('tabindex', '0');
    marker.focus();
    expect(await screen.findByText(/^Change on Nov 12, 2026 by ana@agency\.example/, { selector: '.marker-details' })).toBeInTheDocument();

    const changes = screen.getByRole('region', { name: 'Changes applied' });
    const change = within(changes).getAllByRole('row')[1];
    expect(change).toHaveTextContent('ana@agency.example');
    expect(change).toHaveTextContent('Daily budget 50.00 → 75.00 USD');

    // The same numbers as the chart, for every reader: the chosen metrics, in the campaign's currency.
    const daily = screen.getByRole('region', { name: 'Daily values table' });
    const headers = within(daily)
      .getAllByRole('columnheader')
      .map((cell) => cell.textContent);
    expect(headers).toEqual(['Day', 'Sales', 'Spend', 'Changes applied']);
    const nov12 = within(daily).getByRole('row', { name: /Nov 12, 2026/ });
    expect(nov12).toHaveTextContent('$26.00');
    expect(nov12).toHaveTextContent('$84.00');
    expect(nov12).toHaveTextContent('Daily budget 50.00 → 75.00 USD');
    // A day without data is a gap, not a zero.
    expect(within(daily).getByRole('row', { name: /Nov 5, 2026/ })).toHaveTextContent('—');
  });

  it('keeps the metrics in the URL and redraws without asking the server again', async () => {
    let calls = 0;
    server.use(
      http.get('*/api/performance', () => {
        calls++;
        return HttpResponse.json(aSeries());
      }),
    );
    at('/performance?entity=campaign:123');
    renderWithProviders(<PerformancePage />);
    const metrics = await screen.findByRole('group', { name: 'Metrics' });
    // The default view: sales, spend and ROAS.
    expect(within(metrics).getByRole('checkbox', { name: 'Sales' })).toBeChecked();
    expect(within(metrics).getByRole('checkbox', { name: 'Spend' })).toBeChecked();
    expect(within(metrics).getByRole('checkbox', { name: 'ROAS' })).toBeChecked();
    expect(within(metrics).getByRole('checkbox', { name: 'Impressions' })).not.toBeChecked();

    await userEvent.click(within(metrics).getByRole('checkbox', { name: 'Budget utilisation' }));
    await userEvent.click(within(metrics).getByRole('checkbox', { name: 'Spend' }));
    expect(new URLSearchParams(window.location.search).get('metrics')).toBe('sales,roas,budgetUtilization');
    const daily = await screen.findByRole('region', { name: 'Daily values table' });
    await waitFor(() =>
      expect(
        within(daily)
          .getAllByRole('columnheader')
          .map((cell) => cell.textContent),
      ).toEqual(['Day', 'Sales', 'ROAS', 'Budget utilisation', 'Changes applied']),
    );
    expect(within(daily).getByRole('row', { name: /Nov 12, 2026/ })).toHaveTextContent('52%');
    expect(calls).toBe(1);
  });

  it('asks for the range in the URL, and "Last 30 days" counts back from the last day shown', async () => {
    const ranges: string[] = [];
    server.use(
      http.get('*/api/performance', ({ request }) => {
        const url = new URL(request.url);
        ranges.push(`${url.searchParams.get('from')}..${url.searchParams.get('to')}`);
        return HttpResponse.json(aSeries());
      }),
    );
    at('/performance?entity=campaign:123');
    renderWithProviders(<PerformancePage />);
    await screen.findByText('Acme | tents | Exact | US');
    expect(screen.getByLabelText('From')).toHaveValue('2026-11-01');
    await userEvent.click(screen.getByRole('button', { name: 'Last 30 days' }));
    await waitFor(() => expect(ranges).toContain('2026-10-22..2026-11-20'));
    expect(window.location.search).toContain('from=2026-10-22');
    expect(window.location.search).toContain('to=2026-11-20');
  });

  it("shades the selected change's windows and shows its measured impact with the band", async () => {
    server.use(
      http.get('*/api/performance', () => HttpResponse.json(aSeries())),
      http.get(`*/api/impact/${CHANGE_ID}`, () => HttpResponse.json(anItemImpact())),
    );
    at('/performance?entity=campaign:123');
    renderWithProviders(<PerformancePage />);
    const show = await screen.findByRole('button', { name: /^Show the impact of the change on Nov 12, 2026/ });
    expect(show).toHaveAttribute('aria-pressed', 'false');
    await userEvent.click(show);
    expect(new URLSearchParams(window.location.search).get('change')).toBe(CHANGE_ID);

    const impact = await screen.findByRole('region', { name: 'Measured impact of the selected change' });
    expect(await within(impact).findByText(/Improved/)).toBeInTheDocument();
    expect(impact).toHaveTextContent('Sales: +$12.50 a day (+18%), 90% band $4.00 to $21.00');
    expect(impact).toHaveTextContent('against 4 comparable untouched campaigns');
    await waitFor(() => expect(document.querySelectorAll('.window-before, .window-after').length).toBeGreaterThan(0));
    expect(screen.getByRole('button', { name: /^Show the impact of the change on Nov 12, 2026/ })).toHaveAttribute('aria-pressed', 'true');
  });

  it('tells the user what to do when there is no data yet', async () => {
    server.use(http.get('*/api/performance', () => HttpResponse.json(aSeries({ days: [], markers: [] }))));
    at('/performance?entity=campaign:123');
    renderWithProviders(<PerformancePage />);
    expect(await screen.findByText('No performance data yet — sync reports or advance the simulated clock.')).toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'Daily values table' })).not.toBeInTheDocument();
  });

  it("shows the server's problem where the chart would be, with a retry", async () => {
    server.use(
      http.get('*/api/performance', () =>
        HttpResponse.json(
          { type: 'about:blank', title: 'Not found', status: 404, detail: 'No campaign 999 in your advertisers.' },
          { status: 404 },
        ),
      ),
    );
    at('/performance?entity=campaign:999');
    renderWithProviders(<PerformancePage />);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('No campaign 999 in your advertisers.');
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });

  it('opens a campaign typed by its id, and refuses an id the API could not take', async () => {
    server.use(http.get('*/api/performance', () => HttpResponse.json(aSeries({ entity: 'campaign:777' }))));
    at('/performance');
    renderWithProviders(<PerformancePage />);
    expect(screen.getByText(/Choose a campaign/)).toBeInTheDocument();
    const id = screen.getByRole('textbox', { name: 'Campaign id' });
    await userEvent.type(id, 'not an id!');
    await userEvent.click(screen.getByRole('button', { name: 'Show chart' }));
    expect(id).toHaveAccessibleDescription(/letters, digits/);
    expect(window.location.search).toBe('');
    await userEvent.clear(id);
    await userEvent.type(id, '777');
    await userEvent.click(screen.getByRole('button', { name: 'Show chart' }));
    expect(new URLSearchParams(window.location.search).get('entity')).toBe('campaign:777');
    expect(await screen.findByText('Acme | tents | Exact | US')).toBeInTheDocument();
  });
});

describe('PerformancePage opened on a change applied today', { timeout: 30_000 }, () => {
  it('widens the range to today once, so the change has its marker', async () => {
    const today = '11111111-1111-4111-8111-222222222222';
    const ranges: (string | null)[] = [];
    server.use(
      http.get('*/api/performance', ({ request }) => {
        const to = new URL(request.url).searchParams.get('to');
        ranges.push(to);
        const series = aSeries();
        const marker = { ...series.markers[0], date: '2026-11-21', recommendationId: today, summary: 'Bid 1.00 → 0.80 USD' };
        return HttpResponse.json(to === '2026-11-21' ? { ...series, to: '2026-11-21', markers: [...series.markers, marker] } : series);
      }),
      http.get(`*/api/impact/${today}`, () => HttpResponse.json({ type: 'about:blank', title: 'Not found', status: 404 }, { status: 404 })),
    );
    at(`/performance?entity=campaign:123&change=${today}`);
    renderWithProviders(<PerformancePage />);
    const changes = await screen.findByRole('region', { name: 'Changes applied' });
    expect(await within(changes).findByText('Bid 1.00 → 0.80 USD')).toBeInTheDocument();
    expect(ranges).toEqual([null, '2026-11-21']);
    expect(new URLSearchParams(window.location.search).get('to')).toBe('2026-11-21');
    expect(await screen.findByText(/^Not measured yet/)).toBeInTheDocument();
  });
});
