import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { conflictOf } from '../../testing/conflict-fixture.ts';
import { server } from '../../testing/msw-server.ts';
import { aRecommendation, VIEWER_ACTIONS } from '../../testing/recommendation-fixture.ts';
import { renderWithProviders } from '../../testing/render-with-providers.tsx';
import { ConflictDialog } from './ConflictDialog.tsx';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('ConflictDialog', () => {
  it('shows the explanation and both sides, and keeps one side while rejecting the other in one step', async () => {
    const cut = aRecommendation({
      title: 'Cut budget to 60',
      status: 'validated',
      version: 4,
      action: { type: 'set-budget', field: 'dailyBudget', from: 100, to: 60, unit: 'currency', currency: 'USD', direction: 'decrease' },
    });
    const raise = aRecommendation({ title: 'Raise keyword bid', kind: 'bid', status: 'validated' });
    const conflictId = '00000000-0000-4000-8000-00000000c0f1';
    let body: unknown;
    server.use(
      http.get('*/api/conflicts', ({ request }) => {
        expect(new URL(request.url).searchParams.get('recommendationId')).toBe(cut.id);
        return HttpResponse.json({
          total: 1,
          items: [
            {
              id: conflictId,
              kind: 'budget_cut_with_bid_increase',
              status: 'open',
              advertiserId: cut.advertiserId,
              entityKey: 'campaign:123',
              explanation: 'Budget cut 100 → 60 USD on Campaign X while 1 keyword bid increase on it is pending',
              suggestedResolution: 'Keep one side and reject the other',
              memberIds: [cut.id, raise.id],
              primaryId: null,
              detectedAt: '2026-11-22T10:00:00.000Z',
              resolvedAt: null,
              resolution: null,
              members: [cut, raise],
            },
          ],
        });
      }),
      http.post(`*/api/recommendations/${cut.id}/approve`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ ...cut, status: 'approved', version: 5, conflictIds: [], alsoChanged: [] });
      }),
    );
    const onClose = vi.fn();
    renderWithProviders(<ConflictDialog recommendationId={cut.id} onClose={onClose} />);
    const dialog = await screen.findByRole('dialog', { name: 'Conflict' });
    expect(await within(dialog).findByText(/Budget cut 100 → 60 USD on Campaign X/)).toBeInTheDocument();
    const keep = within(dialog).getByRole('region', { name: 'Cut budget to 60' });
    expect(within(dialog).getByRole('region', { name: 'Raise keyword bid' })).toBeInTheDocument();
    await userEvent.click(within(keep).getByRole('button', { name: 'Keep this one, reject the other' }));
    await waitFor(() => expect(body).toEqual({ version: 4, conflictResolution: 'reject_others' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
  });

  it('summarises a big group by side, with the members in a scrollable list, and a viewer gets no Keep button', async () => {
    const cut = aRecommendation({
      title: 'Cut budget to 60',
      status: 'validated',
      action: { type: 'set-budget', field: 'dailyBudget', from: 100, to: 60, unit: 'currency', currency: 'USD', direction: 'decrease' },
    });
    const expansions = Array.from({ length: 38 }, (_, i) =>
      aRecommendation({
        title: `Add keyword ${i + 1}`,
        kind: 'targeting',
        action: { type: 'add-keyword', field: 'bid', from: null, to: 0.5, unit: 'currency', currency: 'USD', direction: 'add' },
      }),
    );
    const conflictId = '00000000-0000-4000-8000-00000000c0f3';
    server.use(http.get('*/api/conflicts', () => HttpResponse.json({ total: 1, items: [conflictOf(conflictId, [cut, ...expansions])] })));
    const { unmount } = renderWithProviders(<ConflictDialog recommendationId={cut.id} onClose={vi.fn()} />);
    const dialog = await screen.findByRole('dialog', { name: 'Conflict' });
    expect(await within(dialog).findByText('budget cut vs 38 expansions')).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Keep the budget cut' })).toBeEnabled();
    expect(within(dialog).getByRole('button', { name: 'Keep the 38 expansions' })).toBeEnabled();
    expect(within(dialog).queryByRole('region', { name: 'Add keyword 1' })).toBeNull();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Decide one by one' }));
    const list = within(dialog).getByRole('region', { name: 'Members of this conflict' });
    expect(list).toHaveClass('conflict-members-scroll');
    expect(within(list).getAllByRole('button', { name: 'Keep this one, reject the others' })).toHaveLength(39);
    unmount();

    const asViewer = [cut, ...expansions].map((m) => ({ ...m, actions: VIEWER_ACTIONS }));
    server.use(http.get('*/api/conflicts', () => HttpResponse.json({ total: 1, items: [conflictOf(conflictId, asViewer)] })));
    renderWithProviders(<ConflictDialog recommendationId={cut.id} onClose={vi.fn()} />, { canAct: false });
    const viewed = await screen.findByRole('dialog', { name: 'Conflict' });
    await within(viewed).findByText('budget cut vs 38 expansions');
    expect(within(viewed).queryByRole('button', { name: /Keep|Approve|Decide/ })).toBeNull();
  });

  it('says so when the conflict has been resolved meanwhile', async () => {
    server.use(http.get('*/api/conflicts', () => HttpResponse.json({ total: 0, items: [] })));
    renderWithProviders(<ConflictDialog recommendationId="00000000-0000-4000-8000-000000000001" onClose={vi.fn()} />);
    expect(await screen.findByText(/This conflict is resolved/)).toBeInTheDocument();
  });
});
