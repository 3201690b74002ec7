import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { server } from '../../testing/msw-server.ts';
import { aRecommendation } from '../../testing/recommendation-fixture.ts';
import { renderWithProviders } from '../../testing/render-with-providers.tsx';
import { QueuePage } from './QueuePage.tsx';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('QueuePage', () => {
  it('lists recommendations with their proposed change, confidence and impact score', async () => {
    server.use(
      http.get('*/api/recommendations', () =>
        HttpResponse.json({ items: [aRecommendation({ advertiserName: 'Acme Outdoor' })], nextCursor: null, total: 1 }),
      ),
    );
    renderWithProviders(<QueuePage />);
    const table = await screen.findByRole('table', { name: 'Recommendation queue' });
    const row = within(table).getByRole('row', { name: /Acme Outdoor/ });
    expect(row).toHaveTextContent('0.86');
    expect(row).toHaveTextContent('8.1');
    expect(row).toHaveTextContent(/50\.00.*→.*75\.00.*\+50%/);
  });

  it('puts a filter in the URL and asks the server for it', async () => {
    const requested: string[] = [];
    server.use(
      http.get('*/api/recommendations', ({ request }) => {
        requested.push(new URL(request.url).search);
        return HttpResponse.json({ items: [aRecommendation()], nextCursor: null, total: 1 });
      }),
    );
    renderWithProviders(<QueuePage />);
    await screen.findByRole('table');
    await userEvent.selectOptions(screen.getByLabelText('Source'), 'partner-opportunities');
    await screen.findByRole('table');
    expect(window.location.search).toBe('?source=partner-opportunities');
    expect(requested.at(-1)).toContain('source=partner-opportunities');
  });

  it('tells the user what to do when nothing matches', async () => {
    server.use(http.get('*/api/recommendations', () => HttpResponse.json({ items: [], nextCursor: null, total: 0 })));
    renderWithProviders(<QueuePage />);
    expect(await screen.findByText(/No recommendations match these filters/)).toBeInTheDocument();
  });

  it('shows the problem the server reported and offers to try again', async () => {
    server.use(
      http.get('*/api/recommendations', () =>
        HttpResponse.json(
          { type: 'x', title: 'The database is unavailable', status: 503, detail: 'Try again in a minute.' },
          { status: 503 },
        ),
      ),
    );
    renderWithProviders(<QueuePage />);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The database is unavailable');
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });
});
