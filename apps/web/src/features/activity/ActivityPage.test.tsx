import type { ActivityEntry } from '@recdesk/shared-types';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { server } from '../../testing/msw-server.ts';
import { renderWithProviders } from '../../testing/render-with-providers.tsx';
import { ActivityPage } from './ActivityPage.tsx';
import { parseActivityFilters } from './activity-filters.ts';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function anEntry(overrides: Partial<ActivityEntry> = {}): ActivityEntry {
  return {
    id: '55555555-5555-4555-8555-555555555555',
    at: '2026-11-23T10:00:00.000Z',
    outcome: 'applied',
    actor: { type: 'user', id: 'ana@agency.example', name: null, version: null, label: 'ana@agency.example' },
    batchId: '66666666-6666-4666-8666-666666666666',
    recommendationId: '00000000-0000-4000-8000-000000000001',
    title: 'Raise the tents bid',
    advertiserId: 'A1',
    advertiserName: 'Acme Outdoor',
    source: 'sp-consolidated',
    kind: 'bid',
    call: 'sp.keywords.update',
    valueBefore: 1,
    valueAfter: 1.25,
    targetValue: 1.25,
    currency: 'USD',
    reasonCode: null,
    reason: null,
    ...overrides,
  };
}

describe('ActivityPage', () => {
  it('lists who applied what with the values before and after, filters through the URL, and exports the same filters as CSV', async () => {
    const queries: URLSearchParams[] = [];
    server.use(
      http.get('*/api/advertisers', () => HttpResponse.json({ items: [{ id: 'A1', name: 'Acme Outdoor', marketplaces: ['US'] }] })),
      http.get('*/api/activity', ({ request }) => {
        const params = new URL(request.url).searchParams;
        queries.push(params);
        const failed = anEntry({
          id: '77777777-7777-4777-8777-777777777777',
          outcome: 'failed',
          actor: { type: 'rule', id: '88888888-8888-4888-8888-888888888888', name: 'Easy wins', version: 3, label: 'rule:Easy wins v3' },
          valueAfter: null,
          reasonCode: 'ARCHIVED_ENTITY_CANNOT_BE_MODIFIED',
          reason: 'An archived keyword cannot be modified',
        });
        const items = params.get('outcome') === 'failed' ? [failed] : [anEntry(), failed];
        return HttpResponse.json({ items, nextCursor: null });
      }),
    );
    window.history.replaceState(null, '', '/activity?advertiserId=A1');
    renderWithProviders(<ActivityPage />);

    const table = await screen.findByRole('table', { name: /Applied, failed and undone changes/ });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent('ana@agency.example');
    expect(rows[0]).toHaveTextContent('1 → 1.25 USD');
    expect(rows[1]).toHaveTextContent('rule:Easy wins v3');
    expect(rows[1]).toHaveTextContent('An archived keyword cannot be modified');
    expect(queries[0]?.get('advertiserId')).toBe('A1');
    // The filter shows the advertiser's name, not its id.
    await expect.poll(() => screen.getByRole('combobox', { name: 'Advertiser' })).toHaveValue('Acme Outdoor');

    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Outcome' }), 'failed');
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Kind' }), 'bid');
    await expect.poll(() => within(screen.getByRole('table', { name: /Applied, failed/ })).queryAllByRole('row').length).toBe(2);
    expect(new URLSearchParams(window.location.search).get('outcome')).toBe('failed');
    expect(queries.at(-1)?.get('outcome')).toBe('failed');
    expect(queries.at(-1)?.get('kind')).toBe('bid');

    const exportLink = screen.getByRole('link', { name: 'Export CSV' });
    expect(exportLink).toHaveAttribute('href', '/api/activity.csv?advertiserId=A1&kind=bid&outcome=failed');
    expect(exportLink).toHaveAttribute('download');

    await userEvent.clear(screen.getByRole('combobox', { name: 'Advertiser' }));
    await expect.poll(() => new URLSearchParams(window.location.search).get('advertiserId'), { timeout: 2_000 }).toBeNull();
    expect(screen.getByRole('link', { name: 'Export CSV' })).toHaveAttribute('href', '/api/activity.csv?kind=bid&outcome=failed');
  });

  it('says what to do when nothing has been applied yet, and what happened when loading fails', async () => {
    server.use(http.get('*/api/activity', () => HttpResponse.json({ items: [], nextCursor: null })));
    window.history.replaceState(null, '', '/activity');
    const { unmount } = renderWithProviders(<ActivityPage />);
    expect(await screen.findByText('Nothing has been applied yet.')).toBeInTheDocument();
    expect(screen.getByText(/press “Apply selected”/)).toBeInTheDocument();
    unmount();

    server.use(
      http.get('*/api/activity', () =>
        HttpResponse.json(
          { type: 'x', title: 'The database did not answer', status: 503, detail: 'Try again in a minute.' },
          { status: 503 },
        ),
      ),
    );
    renderWithProviders(<ActivityPage />);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The database did not answer');
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });
});

describe('parseActivityFilters', () => {
  it('keeps the valid filters of a hand-edited URL and drops the rest', () => {
    expect(parseActivityFilters(new URLSearchParams('outcome=failed&kind=nonsense&from=2026-11-01&to=tomorrow'))).toEqual({
      outcome: 'failed',
      from: '2026-11-01',
    });
  });
});
