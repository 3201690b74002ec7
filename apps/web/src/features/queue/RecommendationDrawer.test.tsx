import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { server } from '../../testing/msw-server.ts';
import { actionsAllowing, aRecommendation } from '../../testing/recommendation-fixture.ts';
import { renderWithProviders } from '../../testing/render-with-providers.tsx';
import { RecommendationDrawer } from './RecommendationDrawer.tsx';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('RecommendationDrawer', () => {
  it('shows a Sponsored Brands headline with the text to paste and where, never an approval', async () => {
    const message =
      "The Sponsored Brands API cannot change the headline of a live ad: in Amazon Ads, edit the campaign's ad and paste “Discover Acme kettles”.";
    const item = aRecommendation({
      source: 'sb-recommendations',
      sourceType: 'SB_HEADLINE',
      kind: 'creative',
      title: 'Acme | kettle | SB Brand | US: headline “Discover Acme kettles”',
      description: 'Paste in Amazon Ads (Sponsored Brands ad of this campaign): “Discover Acme kettles”.',
      action: {
        type: 'creative',
        field: 'headline',
        from: 'Shop Acme kettles',
        to: 'Discover Acme kettles',
        unit: 'none',
        currency: null,
        direction: 'change',
      },
      actions: actionsAllowing(['reject'], {
        approve: { reason: 'no_writer', message, link: 'https://advertising.amazon.com/cm/campaigns' },
      }),
    });
    server.use(
      http.get(`*/api/recommendations/${item.id}`, () => HttpResponse.json({ ...item, raw: {} })),
      http.get(`*/api/recommendations/${item.id}/history`, () => HttpResponse.json({ events: [] })),
    );
    renderWithProviders(<RecommendationDrawer id={item.id} onClose={vi.fn()} />);
    const drawer = await screen.findByRole('dialog', { name: item.title });
    const explanation = within(drawer).getByRole('region', { name: 'Explanation' });
    expect(explanation).toHaveTextContent('Paste in Amazon Ads (Sponsored Brands ad of this campaign): “Discover Acme kettles”.');
    expect(explanation).toHaveTextContent('Ad productSponsored Brands');
    expect(within(drawer).queryByRole('button', { name: /^Approve/ })).toBeNull();
  });

  it('shows the explanation, impact, entity, history and raw payload of one item', async () => {
    const item = aRecommendation({
      title: 'Raise the tents budget',
      estimatedImpact: [{ metric: 'missed_clicks', lower: 120, upper: 340, unit: 'count', periodDays: 7 }],
    });
    server.use(
      http.get(`*/api/recommendations/${item.id}`, () => HttpResponse.json({ ...item, raw: { opportunityId: 'opp-42' } })),
      http.get(`*/api/recommendations/${item.id}/history`, () =>
        HttpResponse.json({
          events: [
            {
              id: '1',
              recommendationId: item.id,
              at: '2026-11-22T09:00:00.000Z',
              actor: { type: 'system', id: 'ingest', version: null },
              from: null,
              to: 'discovered',
              reason: 'discovered upstream',
              note: null,
              before: null,
              after: null,
            },
            {
              id: '2',
              recommendationId: item.id,
              at: '2026-11-22T10:00:00.000Z',
              actor: { type: 'user', id: 'ana@agency.example', version: null },
              from: 'validated',
              to: 'approved',
              reason: null,
              note: 'Peak season',
              before: { dailyBudget: 50 },
              after: { dailyBudget: 70 },
            },
          ],
        }),
      ),
    );
    renderWithProviders(<RecommendationDrawer id={item.id} onClose={vi.fn()} />);
    const drawer = await screen.findByRole('dialog', { name: 'Raise the tents budget' });
    expect(within(drawer).getByRole('region', { name: 'Explanation' })).toHaveTextContent(
      'Campaign ran out of budget on 5 of the last 7 days.',
    );
    expect(within(drawer).getByRole('region', { name: 'Estimated impact' })).toHaveTextContent('120–340 missed clicks / 7 d');
    expect(within(drawer).getByRole('region', { name: 'Entity' })).toHaveTextContent('Acme | tents | Exact | US');
    const history = within(drawer).getByRole('region', { name: 'History' });
    expect(await within(history).findByText(/ana@agency\.example/)).toBeInTheDocument();
    expect(history).toHaveTextContent('“Peak season”');
    expect(within(drawer).getByRole('region', { name: 'Raw payload' })).toHaveTextContent('opp-42');
  });

  it('withdraws an approval from the drawer while it is not queued, and says why once it is', async () => {
    const item = aRecommendation({
      title: 'Approved budget',
      status: 'approved',
      version: 5,
      actions: actionsAllowing(['apply', 'reject', 'unapprove']),
    });
    let stored = item;
    let sent: unknown;
    server.use(
      http.get(`*/api/recommendations/${item.id}`, () => HttpResponse.json({ ...stored, raw: {} })),
      http.get(`*/api/recommendations/${item.id}/history`, () => HttpResponse.json({ events: [] })),
      http.post(`*/api/recommendations/${item.id}/unapprove`, async ({ request }) => {
        sent = await request.json();
        stored = { ...item, status: 'validated', version: 6, actions: actionsAllowing(['approve', 'edit', 'reject']) };
        return HttpResponse.json({ ...stored, alsoChanged: [] });
      }),
    );
    renderWithProviders(<RecommendationDrawer id={item.id} onClose={vi.fn()} />);
    const drawer = await screen.findByRole('dialog', { name: 'Approved budget' });
    await userEvent.click(within(drawer).getByRole('button', { name: 'Withdraw approval' }));
    await waitFor(() => expect(sent).toEqual({ version: 5 }));
    // The answer is written into the detail: Approve is offered again and there is nothing left to withdraw.
    expect(await within(drawer).findByRole('button', { name: 'Approve' })).toBeEnabled();
    expect(within(drawer).queryByRole('button', { name: 'Withdraw approval' })).toBeNull();
  });

  it('keeps "Withdraw approval" disabled with the reason once the item is queued for apply', async () => {
    const item = aRecommendation({
      title: 'Being applied',
      status: 'applying',
      actions: actionsAllowing([], {
        unapprove: { reason: 'already_queued', message: 'It is already queued for apply: the approval can no longer be withdrawn.' },
      }),
    });
    server.use(
      http.get(`*/api/recommendations/${item.id}`, () => HttpResponse.json({ ...item, raw: {} })),
      http.get(`*/api/recommendations/${item.id}/history`, () => HttpResponse.json({ events: [] })),
      http.get('*/api/apply*', () => HttpResponse.json({ items: [] })),
    );
    renderWithProviders(<RecommendationDrawer id={item.id} onClose={vi.fn()} />);
    const drawer = await screen.findByRole('dialog', { name: 'Being applied' });
    const withdraw = within(drawer).getByRole('button', { name: 'Withdraw approval' });
    expect(withdraw).toBeDisabled();
    expect(withdraw).toHaveAccessibleDescription('It is already queued for apply: the approval can no longer be withdrawn.');
  });

  it('shows a failed history where it is, and the rest of the item still', async () => {
    const item = aRecommendation({ title: 'Lonely' });
    server.use(
      http.get(`*/api/recommendations/${item.id}`, () => HttpResponse.json({ ...item, raw: null })),
      http.get(`*/api/recommendations/${item.id}/history`, () =>
        HttpResponse.json({ type: 'x', title: 'History is unavailable', status: 503 }, { status: 503 }),
      ),
    );
    renderWithProviders(<RecommendationDrawer id={item.id} onClose={vi.fn()} />);
    const history = await screen.findByRole('region', { name: 'History' });
    expect(await within(history).findByRole('alert')).toHaveTextContent('History is unavailable');
    expect(screen.getByRole('region', { name: 'Explanation' })).toBeInTheDocument();
  });
});
