import type { ApplyBatch, ApplyItem } from '@recdesk/shared-types';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { server } from '../../testing/msw-server.ts';
import { renderWithProviders } from '../../testing/render-with-providers.tsx';
import { BatchProgressDialog, failuresByReason } from './BatchProgressDialog.tsx';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const BATCH_ID = '11111111-1111-4111-8111-111111111111';
let n = 0;
function anItem(state: ApplyItem['state'], overrides: Partial<ApplyItem> = {}): ApplyItem {
  n++;
  return {
    recommendationId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    state,
    call: 'sp.keywords.update',
    expectedValue: 1,
    targetValue: 1.25,
    valueBefore: state === 'applied' ? 1 : null,
    valueAfter: state === 'applied' ? 1.25 : null,
    reasonCode: null,
    reason: null,
    attempts: state === 'queued' ? 0 : 1,
    updatedAt: '2026-11-23T10:00:00.000Z',
    ...overrides,
  };
}

function aBatch(items: ApplyItem[], overrides: Partial<ApplyBatch> = {}): ApplyBatch {
  const counts = { queued: 0, applying: 0, applied: 0, failed: 0, drifted: 0 };
  for (const item of items) counts[item.state]++;
  const finished = counts.queued + counts.applying === 0;
  return {
    batchId: BATCH_ID,
    kind: 'apply',
    createdAt: '2026-11-23T10:00:00.000Z',
    createdBy: 'approver@recdesk.local',
    finished,
    counts,
    etaSeconds: finished ? null : 12,
    items,
    ...overrides,
  };
}

const archived = (overrides: Partial<ApplyItem> = {}) =>
  anItem('failed', { reasonCode: 'ARCHIVED_ENTITY_CANNOT_BE_MODIFIED', reason: 'An archived keyword cannot be modified', ...overrides });

describe('BatchProgressDialog', () => {
  it('follows a running batch to the end: progress bar, ETA, then failures grouped by reason', async () => {
    const running = aBatch([anItem('applied'), anItem('applying'), anItem('queued'), anItem('queued')]);
    const done = aBatch([
      anItem('applied'),
      anItem('applied'),
      archived(),
      archived(),
      anItem('failed', { reasonCode: 'INVALID_ARGUMENT', reason: 'Bid is below the marketplace minimum' }),
    ]);
    let reads = 0;
    server.use(http.get(`*/api/apply/${BATCH_ID}`, () => HttpResponse.json(reads++ === 0 ? running : done)));
    renderWithProviders(<BatchProgressDialog batchId={BATCH_ID} onClose={vi.fn()} />);

    const dialog = await screen.findByRole('dialog', { name: 'Apply batch progress' });
    expect(await within(dialog).findByText('1 of 4 done · about 12 s left')).toBeInTheDocument();
    const bar = within(dialog).getByRole('progressbar', { name: 'Batch progress' });
    expect(bar).toHaveAttribute('value', '1');
    expect(bar).toHaveAttribute('max', '4');
    expect(within(dialog).getByRole('button', { name: 'Undo batch' })).toBeDisabled();

    // The view polls until the batch is finished.
    expect(await within(dialog).findByText('Finished: 2 applied, 3 failed.', {}, { timeout: 3_000 })).toBeInTheDocument();
    const failures = within(dialog).getByRole('region', { name: 'Failures by reason' });
    const groups = within(failures)
      .getAllByRole('listitem')
      .filter((li) => li.querySelector('summary'));
    expect(groups.map((g) => g.querySelector('summary')?.textContent)).toEqual([
      'An archived keyword cannot be modified: 2',
      'Bid is below the marketplace minimum: 1',
    ]);
    expect(within(dialog).getByRole('button', { name: 'Undo batch' })).toBeEnabled();
    const rows = within(within(dialog).getByRole('region', { name: 'Each item of the batch' })).getAllByRole('row');
    expect(rows).toHaveLength(1 + 5);
  });

  it('shows a viewer the batch without Retry failed or Undo batch', async () => {
    server.use(
      http.get(`*/api/apply/${BATCH_ID}`, () =>
        HttpResponse.json(aBatch([anItem('applied'), anItem('failed', { reasonCode: 'INVALID_ARGUMENT', reason: 'Bid too low' })])),
      ),
    );
    renderWithProviders(<BatchProgressDialog batchId={BATCH_ID} onClose={vi.fn()} />, { canAct: false });

    const dialog = await screen.findByRole('dialog', { name: 'Apply batch progress' });
    expect(await within(dialog).findByText('Finished: 1 applied, 1 failed.')).toBeInTheDocument();
    expect(within(dialog).queryByRole('button', { name: 'Retry failed' })).not.toBeInTheDocument();
    expect(within(dialog).queryByRole('button', { name: 'Undo batch' })).not.toBeInTheDocument();
    expect(within(dialog).getAllByRole('button', { name: 'Close' })[0]).toBeEnabled();
  });

  it('retries only the failed items and shows them queued again', async () => {
    const failedOne = archived();
    let retried = false;
    let retryCalls = 0;
    server.use(
      http.get(`*/api/apply/${BATCH_ID}`, () =>
        HttpResponse.json(aBatch(retried ? [anItem('applied'), { ...failedOne, state: 'queued' }] : [anItem('applied'), failedOne])),
      ),
      http.post(`*/api/apply/${BATCH_ID}/retry-failed`, () => {
        retryCalls++;
        retried = true;
        return HttpResponse.json({ batchId: BATCH_ID, requeued: 1 }, { status: 202 });
      }),
    );
    renderWithProviders(<BatchProgressDialog batchId={BATCH_ID} onClose={vi.fn()} />);
    const dialog = await screen.findByRole('dialog', { name: 'Apply batch progress' });
    await within(dialog).findByText('Finished: 1 applied, 1 failed.');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Retry failed' }));
    expect(await within(dialog).findByText(/1 of 2 done/)).toBeInTheDocument();
    expect(retryCalls).toBe(1);
    expect(within(dialog).getByRole('button', { name: 'Retry failed' })).toBeDisabled();
  });

  it('undoes the batch, and when a value changed outside shows the three values and undoes only the others on request', async () => {
    const a = anItem('applied');
    const b = anItem('applied');
    const bodies: unknown[] = [];
    server.use(
      http.get(`*/api/apply/${BATCH_ID}`, () => HttpResponse.json(aBatch([a, b]))),
      http.post('*/api/undo', async ({ request }) => {
        const body = await request.json();
        bodies.push(body);
        if (bodies.length === 1)
          return HttpResponse.json(
            {
              type: 'https://recdesk.dev/problems/conflict',
              title: 'The value was changed since it was applied',
              status: 409,
              detail: '1 item(s) no longer hold the value RecDesk applied; nothing was undone.',
              changed: [{ id: a.recommendationId, original: 1, applied: 1.25, current: 1.9 }],
            },
            { status: 409 },
          );
        return HttpResponse.json({ batchId: '22222222-2222-4222-8222-222222222222', queued: 1, cannotUndo: [] }, { status: 202 });
      }),
    );
    renderWithProviders(<BatchProgressDialog batchId={BATCH_ID} onClose={vi.fn()} />);
    const dialog = await screen.findByRole('dialog', { name: 'Apply batch progress' });
    await within(dialog).findByText('Finished: 2 applied, 0 failed.');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Undo batch' }));

    const ask = await screen.findByRole('dialog', { name: 'The value was changed since it was applied' });
    const row = within(ask).getAllByRole('row')[1] as HTMLElement;
    expect(
      within(row)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['1', '1.25', '1.9']);
    expect(
      within(ask)
        .getAllByRole('columnheader')
        .map((c) => c.textContent),
    ).toEqual(['Item', 'Original', 'Applied by RecDesk', 'Current']);
    expect(bodies).toEqual([{ batchId: BATCH_ID }]);

    await userEvent.click(within(ask).getByRole('button', { name: 'Undo the other 1' }));
    await expect.poll(() => bodies).toHaveLength(2);
    expect(bodies[1]).toEqual({ ids: [b.recommendationId] });
    // The undo batch opens in the same view, by the URL.
    await expect.poll(() => new URLSearchParams(window.location.search).get('batch')).toBe('22222222-2222-4222-8222-222222222222');
  });
});

describe('failuresByReason', () => {
  it('groups failed and drifted items by reason, the largest group first', () => {
    const groups = failuresByReason([
      anItem('failed', { reason: 'x' }),
      anItem('drifted', { reason: 'live bid is 2' }),
      anItem('failed', { reason: 'y' }),
      anItem('failed', { reason: 'y' }),
      anItem('applied'),
    ]);
    expect(groups.map((g) => [g.reason, g.items.length])).toEqual([
      ['y', 2],
      ['x', 1],
      ['Drifted: live bid is 2 (approve it again to apply)', 1],
    ]);
  });
});
