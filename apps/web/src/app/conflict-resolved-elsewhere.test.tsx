/**
 * Never stale: resolving a conflict from the dialog of another item updates an open drawer at once, from the
 * approval's own answer (`alsoChanged`), before any refetch. Composed here, where the queue's drawer and the
 * conflicts dialog meet (features do not import each other).
 */
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { delay, HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConflictDialog } from '../features/conflicts/ConflictDialog.tsx';
import { RecommendationDrawer } from '../features/queue/RecommendationDrawer.tsx';
import { conflictOf } from '../testing/conflict-fixture.ts';
import { server } from '../testing/msw-server.ts';
import { actionsAllowing, aRecommendation } from '../testing/recommendation-fixture.ts';
import { renderWithProviders } from '../testing/render-with-providers.tsx';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('a conflict resolved elsewhere', () => {
  it('updates an open drawer of the other side at once when the conflict is resolved from the dialog', async () => {
    const conflicted = actionsAllowing(['reject', 'edit'], { approve: { reason: 'conflict', message: 'It is in an open conflict.' } });
    const opened = aRecommendation({ title: 'Raise keyword bid', kind: 'bid', status: 'validated', version: 2, actions: conflicted });
    const other = aRecommendation({ title: 'Cut budget to 60', status: 'validated', version: 4, actions: conflicted });
    const conflictId = '00000000-0000-4000-8000-00000000c0f2';
    opened.conflictIds = [conflictId];
    let detailReads = 0;
    server.use(
      http.get('*/api/conflicts', () => HttpResponse.json({ total: 1, items: [conflictOf(conflictId, [opened, other])] })),
      // The first read answers; later reads never do, so only the approval's own answer can update the drawer.
      http.get(`*/api/recommendations/${opened.id}`, async () => {
        detailReads++;
        if (detailReads > 1) await delay('infinite');
        return HttpResponse.json({ ...opened, raw: {} });
      }),
      http.get(`*/api/recommendations/${opened.id}/history`, () => HttpResponse.json({ events: [] })),
      http.post(`*/api/recommendations/${other.id}/approve`, () =>
        HttpResponse.json({
          ...other,
          status: 'approved',
          version: 5,
          conflictIds: [],
          actions: actionsAllowing(['apply', 'reject']),
          alsoChanged: [
            {
              ...opened,
              status: 'rejected',
              version: 3,
              conflictIds: [],
              actions: actionsAllowing([], {
                approve: { reason: 'state', message: "A recommendation cannot go from 'rejected' to 'approved'." },
              }),
            },
          ],
        }),
      ),
    );
    renderWithProviders(
      <>
        <RecommendationDrawer id={opened.id} onClose={vi.fn()} />
        <ConflictDialog recommendationId={opened.id} onClose={vi.fn()} />
      </>,
    );
    const drawer = await screen.findByRole('dialog', { name: 'Raise keyword bid' });
    expect(await within(drawer).findByRole('button', { name: 'Resolve the conflict' })).toBeEnabled();
    const conflict = await screen.findByRole('dialog', { name: 'Conflict' });
    await userEvent.click(
      within(await within(conflict).findByRole('region', { name: 'Cut budget to 60' })).getByRole('button', {
        name: 'Keep this one, reject the other',
      }),
    );
    await waitFor(() => expect(within(drawer).getByText('rejected')).toBeInTheDocument(), { timeout: 3000 });
    const approve = within(drawer).getByRole('button', { name: 'Approve' });
    expect(approve).toBeDisabled();
    expect(approve).toHaveAccessibleDescription("A recommendation cannot go from 'rejected' to 'approved'.");
    expect(within(drawer).queryByText(/contradicts/)).toBeNull();
  });
});
