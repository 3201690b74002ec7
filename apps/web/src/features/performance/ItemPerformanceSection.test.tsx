import { screen, within } from '@testing-library/react';
import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { anItemImpact } from '../../testing/measurement-fixtures.ts';
import { server } from '../../testing/msw-server.ts';
import { aRecommendation } from '../../testing/recommendation-fixture.ts';
import { renderWithProviders } from '../../testing/render-with-providers.tsx';
import { ItemPerformanceSection } from './ItemPerformanceSection.tsx';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const detail = (overrides: Parameters<typeof aRecommendation>[0]) => ({ ...aRecommendation(overrides), raw: null });

describe('ItemPerformanceSection', () => {
  it("links an open item to its campaign's chart and asks for no impact", () => {
    const item = detail({ status: 'validated' });
    renderWithProviders(<ItemPerformanceSection item={item} />);
    const section = screen.getByRole('region', { name: 'Performance' });
    expect(within(section).getByRole('link', { name: 'Open performance chart' })).toHaveAttribute(
      'href',
      '/performance?entity=campaign%3A123',
    );
    expect(within(section).queryByRole('region', { name: 'Measured impact' })).not.toBeInTheDocument();
  });

  it('shows an applied item as measuring until the day its attribution settles, with the chart on its change', async () => {
    const item = detail({ status: 'applied' });
    server.use(
      http.get(`*/api/impact/${item.id}`, () =>
        HttpResponse.json(anItemImpact({ recommendationId: item.id, state: 'measuring', effects: [], verdict: null, measuredAt: null })),
      ),
    );
    renderWithProviders(<ItemPerformanceSection item={item} />);
    const impact = screen.getByRole('region', { name: 'Measured impact' });
    expect(await within(impact).findByText(/Measuring until Nov 29, 2026/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Open performance chart' })).toHaveAttribute(
      'href',
      `/performance?entity=campaign%3A123&change=${item.id}`,
    );
  });

  it('shows a measured item with its effect, band, verdict and promise', async () => {
    const item = detail({ status: 'measured' });
    server.use(http.get(`*/api/impact/${item.id}`, () => HttpResponse.json(anItemImpact({ recommendationId: item.id }))));
    renderWithProviders(<ItemPerformanceSection item={item} />);
    const impact = screen.getByRole('region', { name: 'Measured impact' });
    expect(await within(impact).findByText('Improved')).toBeInTheDocument();
    expect(impact).toHaveTextContent('Sales: +$12.50 a day (+18%), 90% band $4.00 to $21.00');
    expect(impact).toHaveTextContent('Spend: $3.00 a day ($1.00 to $5.00)');
    expect(impact).toHaveTextContent('Promised: 10.00 USD–30.00 USD sales / 7 d');
  });

  it('says a keyword bid change was measured on that keyword and why, with the keyword chart first', async () => {
    const item = detail({
      status: 'measured',
      entity: { ...aRecommendation().entity, level: 'keyword', targetId: 'K77', targetText: 'tents' },
    });
    server.use(
      http.get(`*/api/impact/${item.id}`, () =>
        HttpResponse.json(
          anItemImpact({
            recommendationId: item.id,
            entity: 'keyword:K77',
            level: 'keyword',
            levelReason: "the change acts on one keyword: measured on that keyword's own targeting report",
          }),
        ),
      ),
    );
    renderWithProviders(<ItemPerformanceSection item={item} />);
    const impact = screen.getByRole('region', { name: 'Measured impact' });
    expect(await within(impact).findByText('Measured on the keyword')).toBeInTheDocument();
    expect(impact).toHaveTextContent(
      "Measured on the keyword (keyword:K77): the change acts on one keyword: measured on that keyword's own targeting report.",
    );
    expect(screen.getByRole('link', { name: "Open the keyword's performance chart" })).toHaveAttribute(
      'href',
      `/performance?entity=keyword%3AK77&change=${item.id}`,
    );
  });

  it('says why an applied item cannot be measured', async () => {
    const item = detail({ status: 'applied' });
    server.use(
      http.get(`*/api/impact/${item.id}`, () =>
        HttpResponse.json({
          ...anItemImpact({ recommendationId: item.id, state: 'not_measurable', effects: [], verdict: null }),
          note: 'a new keyword has no before window',
        }),
      ),
    );
    renderWithProviders(<ItemPerformanceSection item={item} />);
    const impact = screen.getByRole('region', { name: 'Measured impact' });
    expect(await within(impact).findByText(/^Not measurable/)).toBeInTheDocument();
  });

  it('says an applied item is not measured yet when the measurement has no record of it', async () => {
    const item = detail({ status: 'applied' });
    server.use(
      http.get(`*/api/impact/${item.id}`, () =>
        HttpResponse.json({ type: 'about:blank', title: 'Not found', status: 404 }, { status: 404 }),
      ),
    );
    renderWithProviders(<ItemPerformanceSection item={item} />);
    expect(await screen.findByText(/^Not measured yet/)).toBeInTheDocument();
  });
});
