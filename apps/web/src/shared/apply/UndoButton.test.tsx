import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { server } from '../../testing/msw-server.ts';
import { renderWithProviders } from '../../testing/render-with-providers.tsx';
import { Notices } from '../ui/Notices.tsx';
import { UndoButton } from './UndoButton.tsx';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const ID = '00000000-0000-4000-8000-000000000042';

describe('UndoButton for one applied item', () => {
  it('asks with the original, applied and current values when the value changed outside, and keeps it on request', async () => {
    let calls = 0;
    server.use(
      http.post('*/api/undo', () => {
        calls++;
        return HttpResponse.json(
          {
            type: 'https://recdesk.dev/problems/conflict',
            title: 'The value was changed since it was applied',
            status: 409,
            changed: [{ id: ID, original: 50, applied: 75, current: 60 }],
          },
          { status: 409 },
        );
      }),
    );
    renderWithProviders(<UndoButton body={{ ids: [ID] }} label="Undo" itemIds={[ID]} titleOf={() => 'Raise the tents budget'} />);
    await userEvent.click(screen.getByRole('button', { name: 'Undo' }));
    const ask = await screen.findByRole('dialog', { name: 'The value was changed since it was applied' });
    const row = within(ask).getByRole('row', { name: /Raise the tents budget/ });
    expect(
      within(row)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['50', '75', '60']);
    expect(within(ask).queryByRole('button', { name: /Undo the other/ })).toBeNull();
    await userEvent.click(within(ask).getByRole('button', { name: 'Keep the current value' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(calls).toBe(1);
    expect(new URLSearchParams(window.location.search).get('batch')).toBeNull();
  });

  it('puts the original back over the outside change only when the person chooses it', async () => {
    const bodies: unknown[] = [];
    server.use(
      http.post('*/api/undo', async ({ request }) => {
        bodies.push(await request.json());
        return bodies.length === 1
          ? HttpResponse.json(
              {
                type: 'conflict',
                title: 'The value was changed since it was applied',
                status: 409,
                changed: [{ id: ID, original: 50, applied: 75, current: 60 }],
              },
              { status: 409 },
            )
          : HttpResponse.json({ batchId: '99999999-9999-4999-8999-999999999998', queued: 1, cannotUndo: [] }, { status: 202 });
      }),
    );
    renderWithProviders(<UndoButton body={{ ids: [ID] }} label="Undo" itemIds={[ID]} titleOf={() => 'Raise the tents budget'} />);
    await userEvent.click(screen.getByRole('button', { name: 'Undo' }));
    const ask = await screen.findByRole('dialog', { name: 'The value was changed since it was applied' });
    await userEvent.click(within(ask).getByRole('button', { name: 'Put the original back anyway' }));
    await expect.poll(() => new URLSearchParams(window.location.search).get('batch')).toBe('99999999-9999-4999-8999-999999999998');
    expect(bodies).toEqual([{ ids: [ID] }, { ids: [ID], overwrite: true }]);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('says why an item cannot be undone, and opens the undo batch when one is queued', async () => {
    server.use(
      http.post('*/api/undo', () =>
        HttpResponse.json(
          {
            batchId: null,
            queued: 0,
            cannotUndo: [{ id: ID, code: 'not_undoable', message: 'Partner Opportunity applications cannot be undone through the API.' }],
          },
          { status: 202 },
        ),
      ),
    );
    renderWithProviders(
      <>
        <Notices />
        <UndoButton body={{ ids: [ID] }} label="Undo" itemIds={[ID]} titleOf={() => 'Adopt the opportunity'} />
      </>,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Undo' }));
    const alert = await screen.findByText('“Adopt the opportunity” cannot be undone');
    expect(alert.closest('.notice')).toHaveTextContent('Partner Opportunity applications cannot be undone through the API.');

    server.use(
      http.post('*/api/undo', () =>
        HttpResponse.json({ batchId: '99999999-9999-4999-8999-999999999999', queued: 1, cannotUndo: [] }, { status: 202 }),
      ),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Undo' }));
    await expect.poll(() => new URLSearchParams(window.location.search).get('batch')).toBe('99999999-9999-4999-8999-999999999999');
  });
});
