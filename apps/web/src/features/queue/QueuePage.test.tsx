import type { Recommendation } from '@recdesk/shared-types';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../app/App.tsx';
import { Notices } from '../../shared/ui/Notices.tsx';
import { server } from '../../testing/msw-server.ts';
import { actionsAllowing, aRecommendation, VIEWER_ACTIONS } from '../../testing/recommendation-fixture.ts';
import { aSession, renderWithProviders } from '../../testing/render-with-providers.tsx';
import { QueuePage } from './QueuePage.tsx';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function serveQueue(items: Recommendation[], onRequest?: (search: URLSearchParams) => void) {
  server.use(
    http.get('*/api/recommendations', ({ request }) => {
      onRequest?.(new URL(request.url).searchParams);
      return HttpResponse.json({ items, nextCursor: null, total: items.length });
    }),
    http.get('*/api/sources', () => HttpResponse.json({ generatedAt: new Date().toISOString(), sources: [] })),
  );
}

const rowOf = async (name: RegExp | string) =>
  within(await screen.findByRole('table', { name: 'Recommendation queue' })).findByRole('row', { name: new RegExp(name) });

describe('QueuePage', () => {
  it('shows what decides first: advertiser and marketplace, the change with its currency and percent, one state column, priority', async () => {
    serveQueue([aRecommendation({ advertiserName: 'Acme Outdoor', priority: 7.5, status: 'validated' })]);
    renderWithProviders(<QueuePage />);
    const row = await rowOf('Acme Outdoor');
    expect(row).toHaveTextContent('Acme Outdoor · US');
    expect(row).toHaveTextContent('50.00 USD → 75.00 USD (+50%)');
    expect(row).toHaveTextContent('Acme | tents | Exact | US');
    expect(row).toHaveTextContent(/validated.*fresh/);
    expect(row).toHaveTextContent('7.5');
    const headers = screen.getAllByRole('columnheader').map((header) => header.getAttribute('aria-label'));
    expect(headers).toEqual(['Select', 'Advertiser', 'What changes', 'State', 'Priority', 'Actions']);
  });

  it('says why a refused action is disabled, and offers Amazon Ads for a change RecDesk cannot write', async () => {
    serveQueue([
      aRecommendation({
        title: 'Over the guardrail',
        status: 'validated',
        actions: actionsAllowing(['reject', 'edit'], {
          approve: { reason: 'guardrail', message: 'The budget change of 90.00 USD is above the 50 per day guardrail.' },
        }),
      }),
      aRecommendation({
        title: 'Switch bidding strategy',
        actions: actionsAllowing(['reject'], {
          approve: {
            reason: 'no_writer',
            message: 'RecDesk has no writer for a set-bidding-strategy change; apply it in Amazon Ads.',
            link: 'https://advertising.amazon.com/cm/campaigns',
          },
        }),
      }),
    ]);
    renderWithProviders(<QueuePage />);
    const approve = within(await rowOf('Over the guardrail')).getByRole('button', { name: 'Approve' });
    expect(approve).toBeDisabled();
    expect(approve).toHaveAccessibleDescription('The budget change of 90.00 USD is above the 50 per day guardrail.');
    expect(approve).toHaveAttribute('title', 'The budget change of 90.00 USD is above the 50 per day guardrail.');
    const strategy = await rowOf('Switch bidding strategy');
    expect(within(strategy).queryByRole('button', { name: 'Approve' })).toBeNull();
    expect(within(strategy).getByRole('link', { name: 'Apply in Amazon Ads' })).toHaveAttribute(
      'href',
      'https://advertising.amazon.com/cm/campaigns',
    );
  });

  it('gives a viewer no state-changing control, and the shortcuts change nothing', async () => {
    const posted: string[] = [];
    serveQueue([aRecommendation({ title: 'Look only', status: 'validated', actions: VIEWER_ACTIONS })]);
    server.use(
      http.post('*', ({ request }) => {
        posted.push(request.url);
        return HttpResponse.json({}, { status: 403 });
      }),
    );
    renderWithProviders(<QueuePage />, { canAct: false });
    const row = await rowOf('Look only');
    expect(within(row).queryByRole('checkbox')).toBeNull();
    for (const name of ['Approve', 'Edit', 'Reject', 'Acknowledge']) expect(within(row).queryByRole('button', { name })).toBeNull();
    expect(within(row).getByRole('button', { name: 'Details' })).toBeEnabled();
    for (const name of ['Sync now', /Select all/, 'Approve selected', 'Apply selected', 'Reject selected'])
      expect(screen.queryByRole('button', { name })).toBeNull();
    await userEvent.keyboard('j');
    await userEvent.keyboard('x');
    await userEvent.keyboard('a');
    await userEvent.keyboard('r');
    await userEvent.keyboard('e');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.queryByText(/selected/)).toBeNull();
    expect(posted).toEqual([]);
  });

  it('puts a filter in the URL and asks the server for it', async () => {
    const requested: URLSearchParams[] = [];
    serveQueue([aRecommendation()], (search) => requested.push(search));
    renderWithProviders(<QueuePage />);
    await screen.findByRole('table');
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Source' }), 'partner-opportunities');
    await screen.findByRole('table');
    expect(window.location.search).toBe('?source=partner-opportunities');
    await waitFor(() => expect(requested.at(-1)?.get('source')).toBe('partner-opportunities'));
  });

  it("filters by ad product through the URL, and shows each row's ad product beside its marketplace", async () => {
    const requested: URLSearchParams[] = [];
    serveQueue([aRecommendation({ source: 'sb-recommendations' })], (search) => requested.push(search));
    renderWithProviders(<QueuePage />);
    const table = await screen.findByRole('table');
    expect(within(table).getByTitle('Sponsored Brands')).toHaveTextContent('SB');
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Ad product' }), 'SD');
    expect(window.location.search).toBe('?adProduct=SD');
    await waitFor(() => expect(requested.at(-1)?.get('adProduct')).toBe('SD'));
  });

  it('opens the "Expiring soon" lane as a URL with the expiry window and sort, keeping the advertiser', async () => {
    window.history.replaceState(null, '', '/?advertiserId=A1');
    const requested: URLSearchParams[] = [];
    serveQueue([aRecommendation()], (search) => requested.push(search));
    renderWithProviders(<QueuePage />);
    await screen.findByRole('table');
    await userEvent.click(screen.getByRole('link', { name: 'Expiring soon' }));
    expect(new URLSearchParams(window.location.search).get('expiringWithin')).toBe('168');
    expect(new URLSearchParams(window.location.search).get('sort')).toBe('expiresAt');
    expect(screen.getByRole('link', { name: 'Expiring soon' })).toHaveAttribute('aria-current', 'page');
    await waitFor(() => expect(requested.at(-1)?.toString()).toBe('advertiserId=A1&expiringWithin=168&sort=expiresAt&limit=100'));
  });

  it("narrows the queue to a row's advertiser from its name", async () => {
    serveQueue([aRecommendation({ advertiserId: 'AADV42', advertiserName: 'Zeta Gear' })]);
    renderWithProviders(<QueuePage />);
    await userEvent.click(within(await rowOf('Zeta Gear')).getByRole('button', { name: 'Zeta Gear' }));
    expect(new URLSearchParams(window.location.search).get('advertiserId')).toBe('AADV42');
  });

  it('tells the user what to do when nothing matches', async () => {
    window.history.replaceState(null, '', '/?kind=bid');
    serveQueue([]);
    renderWithProviders(<QueuePage />);
    expect(await screen.findByText(/No recommendations match these filters/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Show all recommendations' }));
    expect(window.location.search).toBe('');
  });

  it('shows the rows it can read when the server sends one with a value this build does not know, and says so', async () => {
    const known = aRecommendation({ advertiserName: 'Acme Outdoor' });
    const newer = { ...aRecommendation({ advertiserName: 'Borealis Home' }), source: 'a-source-added-after-this-build' };
    serveQueue([known, newer as unknown as Recommendation]);
    renderWithProviders(<QueuePage />);
    expect(await rowOf('Acme Outdoor')).toBeInTheDocument();
    expect(screen.getByText(/1 item is not shown: the server sent values this version of the page does not know/)).toBeInTheDocument();
    expect(screen.queryByText('Borealis Home')).not.toBeInTheDocument();
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

  it('marks stale, urgent, drifted and conflicting rows', async () => {
    const soon = new Date(Date.now() + 3 * 3_600_000).toISOString();
    serveQueue([
      aRecommendation({
        title: 'Drifted one',
        status: 'drifted',
        freshness: 'stale',
        expiresAt: soon,
        conflictIds: ['00000000-0000-4000-8000-00000000c0f1'],
        validationIssues: [{ code: 'bid_limit', message: 'Bid above the marketplace maximum' }],
      }),
    ]);
    renderWithProviders(<QueuePage />);
    const row = await rowOf('Drifted one');
    expect(row).toHaveTextContent(/stale/);
    expect(row).toHaveTextContent(/\d h \d+ min left.*urgent/);
    expect(row).toHaveTextContent('drifted');
    expect(row).toHaveTextContent('failed validation');
    await userEvent.click(within(row).getByRole('button', { name: 'Open conflict' }));
    expect(new URLSearchParams(window.location.search).get('conflictsOf')).toBeTruthy();
  });

  it('marks a held-back control in its row and approves it only after a confirmation that says what it breaks', async () => {
    const item = aRecommendation({
      title: 'Held budget',
      status: 'validated',
      version: 3,
      controlGroup: { ruleId: 'r1', ruleName: 'Easy wins', until: '2026-12-20' },
    });
    const bodies: unknown[] = [];
    let stored = item;
    server.use(
      http.get('*/api/recommendations', () => HttpResponse.json({ items: [stored], nextCursor: null, total: 1 })),
      http.post(`*/api/recommendations/${item.id}/approve`, async ({ request }) => {
        bodies.push(await request.json());
        stored = { ...item, status: 'approved', version: 4, controlGroup: null, actions: actionsAllowing(['apply', 'reject']) };
        return HttpResponse.json({ ...stored, alsoChanged: [] });
      }),
    );
    renderWithProviders(<QueuePage />);
    const row = await rowOf('Held budget');
    expect(row).toHaveTextContent('control group of rule “Easy wins” until 2026-12-20');

    await userEvent.click(within(row).getByRole('button', { name: 'Approve' }));
    const dialog = await screen.findByRole('dialog', { name: 'Approve an item held back as a control?' });
    expect(dialog).toHaveTextContent('takes it out of the control group');
    expect(bodies).toEqual([]);
    // Keeping it as a control sends nothing.
    await userEvent.click(within(dialog).getByRole('button', { name: 'Keep it as a control' }));
    expect(bodies).toEqual([]);

    await userEvent.click(within(await rowOf('Held budget')).getByRole('button', { name: 'Approve' }));
    await userEvent.click(
      within(await screen.findByRole('dialog', { name: 'Approve an item held back as a control?' })).getByRole('button', {
        name: 'Approve and leave the control group',
      }),
    );
    await waitFor(() => expect(bodies).toEqual([{ version: 3, leaveControlGroup: true }]));
    expect(await rowOf('Held budget')).not.toHaveTextContent('control group of rule');
  });

  it('approves a row at once and sends the version the user saw', async () => {
    const item = aRecommendation({ title: 'Raise budget', status: 'validated', version: 7 });
    let body: unknown;
    let stored = item;
    server.use(
      http.get('*/api/recommendations', () => HttpResponse.json({ items: [stored], nextCursor: null, total: 1 })),
      http.post(`*/api/recommendations/${item.id}/approve`, async ({ request }) => {
        body = await request.json();
        stored = { ...item, status: 'approved', version: 8, actions: actionsAllowing(['apply', 'reject']) };
        return HttpResponse.json({ ...stored, alsoChanged: [] });
      }),
    );
    renderWithProviders(
      <>
        <Notices />
        <QueuePage />
      </>,
    );
    const row = await rowOf('Raise budget');
    await userEvent.click(within(row).getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(body).toEqual({ version: 7 }));
    expect(await rowOf('Raise budget')).toHaveTextContent('approved');
    // Confirmed where the person looked: the row, and a notice that says it is not applied yet.
    expect(await screen.findByText('Approved “Raise budget”')).toBeInTheDocument();
  });

  it('confirms an approval with an Undo that withdraws it while it is not applied, and says what runs meanwhile', async () => {
    const item = aRecommendation({
      title: 'Take it back',
      status: 'validated',
      version: 4,
      actions: actionsAllowing(['approve', 'edit', 'reject']),
    });
    const posted: Array<[string, unknown]> = [];
    let stored = item;
    let releaseApprove: () => void = () => undefined;
    server.use(
      http.get('*/api/recommendations', () => HttpResponse.json({ items: [stored], nextCursor: null, total: 1 })),
      http.post(`*/api/recommendations/${item.id}/approve`, async ({ request }) => {
        posted.push(['approve', await request.json()]);
        // Held until the test has seen what the buttons say while the request runs.
        await new Promise<void>((resolve) => {
          releaseApprove = resolve;
        });
        stored = { ...item, status: 'approved', version: 5, actions: actionsAllowing(['apply', 'reject', 'unapprove']) };
        return HttpResponse.json({ ...stored, alsoChanged: [] });
      }),
      http.post(`*/api/recommendations/${item.id}/unapprove`, async ({ request }) => {
        posted.push(['unapprove', await request.json()]);
        stored = { ...item, status: 'validated', version: 6, actions: actionsAllowing(['approve', 'edit', 'reject']) };
        return HttpResponse.json({ ...stored, alsoChanged: [] });
      }),
    );
    renderWithProviders(
      <>
        <Notices />
        <QueuePage />
      </>,
    );
    await userEvent.click(within(await rowOf('Take it back')).getByRole('button', { name: 'Approve' }));
    // While the request runs the button says so, and no other decision on the row can be sent.
    const approving = await within(await rowOf('Take it back')).findByRole('button', { name: 'Approving…' });
    expect(approving).toBeDisabled();
    expect(within(await rowOf('Take it back')).getByRole('button', { name: 'Reject' })).toBeDisabled();
    releaseApprove();

    const undo = await screen.findByRole('button', { name: 'Undo the approval of Take it back' });
    expect(undo).toHaveTextContent('Undo');
    expect(screen.getByText('Approved “Take it back”')).toBeInTheDocument();
    await userEvent.click(undo);
    await waitFor(() =>
      expect(posted).toEqual([
        ['approve', { version: 4 }],
        ['unapprove', { version: 5 }],
      ]),
    );
    expect(await screen.findByText('Approval of “Take it back” withdrawn')).toBeInTheDocument();
    // The approval notice and its Undo are gone, and the row offers Approve again.
    await waitFor(() => expect(screen.queryByText('Approved “Take it back”')).toBeNull());
    expect(screen.queryByRole('button', { name: /Undo the approval/ })).toBeNull();
    const row = await rowOf('Take it back');
    expect(row).toHaveTextContent('validated');
    expect(within(row).getByRole('button', { name: 'Approve' })).toBeEnabled();
  });

  it('drops the Undo once the item is queued for apply, and a refused withdrawal says why', async () => {
    const item = aRecommendation({
      title: 'Queued soon',
      status: 'validated',
      version: 1,
      actions: actionsAllowing(['approve', 'reject']),
    });
    let stored = item;
    server.use(
      http.get('*/api/recommendations', () => HttpResponse.json({ items: [stored], nextCursor: null, total: 1 })),
      http.post(`*/api/recommendations/${item.id}/approve`, () => {
        stored = { ...item, status: 'approved', version: 2, actions: actionsAllowing(['apply', 'reject', 'unapprove']) };
        return HttpResponse.json({ ...stored, alsoChanged: [] });
      }),
      http.post(`*/api/recommendations/${item.id}/unapprove`, () => {
        // A rule queued it for apply a moment before the click.
        const current = {
          ...item,
          status: 'applying',
          version: 3,
          actions: actionsAllowing([], {
            unapprove: { reason: 'already_queued', message: 'It is already queued for apply: the approval can no longer be withdrawn.' },
          }),
        };
        stored = current as Recommendation;
        return HttpResponse.json(
          {
            type: 'lifecycle-refused',
            title: 'Refused',
            status: 409,
            detail: 'It is already queued for apply: the approval can no longer be withdrawn.',
            refusal: 'not_allowed',
            block: 'already_queued',
            currentStatus: 'applying',
            currentVersion: 3,
            current,
          },
          { status: 409 },
        );
      }),
    );
    renderWithProviders(
      <>
        <Notices />
        <QueuePage />
      </>,
    );
    await userEvent.click(within(await rowOf('Queued soon')).getByRole('button', { name: 'Approve' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Undo the approval of Queued soon' }));
    const refused = await screen.findByText('“Queued soon” cannot be withdrawn now');
    expect(refused.closest('[role="alert"]')).not.toBeNull();
    expect(screen.getByText(/already queued for apply/)).toBeInTheDocument();
    await waitFor(async () => expect(await rowOf('Queued soon')).toHaveTextContent('applying'));
    expect(screen.queryByRole('button', { name: /Undo the approval/ })).toBeNull();
  });

  it('rolls back on a 409 and shows who acted first and the current state', async () => {
    const item = aRecommendation({ title: 'Contested', status: 'validated', version: 3 });
    // Someone else rejected it a moment ago: the server already holds the new state.
    serveQueue([item]);
    let stored = item;
    server.use(
      http.get('*/api/recommendations', () => HttpResponse.json({ items: [stored], nextCursor: null, total: 1 })),
      http.post(`*/api/recommendations/${item.id}/approve`, () => {
        stored = { ...item, status: 'rejected', version: 4 };
        return HttpResponse.json(
          {
            type: 'stale-version',
            title: 'The recommendation changed since you saw it',
            status: 409,
            currentStatus: 'rejected',
            currentVersion: 4,
            current: { ...item, status: 'rejected', version: 4 },
          },
          { status: 409 },
        );
      }),
      http.get('*/api/auth/me', () => HttpResponse.json(aSession('approver'))),
    );
    renderWithProviders(<App />);
    const row = await rowOf('Contested');
    await userEvent.click(within(row).getByRole('button', { name: 'Approve' }));
    const alert = await screen.findByText(/Someone else acted first on “Contested”/);
    expect(alert.closest('[role="alert"]')).not.toBeNull();
    await waitFor(async () => expect(await rowOf('Contested')).toHaveTextContent('rejected'));
  });

  it('rejects with a reason code from a dialog', async () => {
    const item = aRecommendation({ title: 'Not for us', status: 'validated', version: 2 });
    let body: unknown;
    serveQueue([item]);
    server.use(
      http.post(`*/api/recommendations/${item.id}/reject`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ ...item, status: 'rejected', version: 3, alsoChanged: [] });
      }),
    );
    renderWithProviders(<QueuePage />);
    await userEvent.click(within(await rowOf('Not for us')).getByRole('button', { name: 'Reject' }));
    const dialog = await screen.findByRole('dialog', { name: 'Reject recommendation' });
    expect(within(dialog).getByRole('button', { name: 'Reject' })).toBeDisabled();
    await userEvent.click(within(dialog).getByRole('radio', { name: 'Too risky' }));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Reject' }));
    await waitFor(() => expect(body).toEqual({ version: 2, reason: 'too_risky' }));
  });

  it('edits the proposed value before approving', async () => {
    const item = aRecommendation({ title: 'Budget up', status: 'validated', version: 1 });
    let body: unknown;
    serveQueue([item]);
    server.use(
      http.post(`*/api/recommendations/${item.id}/approve`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ ...item, status: 'approved', version: 2, alsoChanged: [] });
      }),
    );
    renderWithProviders(<QueuePage />);
    await userEvent.click(within(await rowOf('Budget up')).getByRole('button', { name: 'Edit' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit and approve' });
    const input = within(dialog).getByRole('spinbutton', { name: /New dailyBudget/ });
    await userEvent.clear(input);
    await userEvent.type(input, '60');
    expect(dialog).toHaveTextContent('+20%');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Approve with this value' }));
    await waitFor(() => expect(body).toEqual({ version: 1, editedValue: 60 }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('says what editing and approving a held-back control breaks, and confirms leaving the group with it', async () => {
    const item = aRecommendation({
      title: 'Held budget up',
      status: 'validated',
      version: 1,
      controlGroup: { ruleId: 'r1', ruleName: 'Easy wins', until: '2026-12-20' },
    });
    let body: unknown;
    serveQueue([item]);
    server.use(
      http.post(`*/api/recommendations/${item.id}/approve`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ ...item, status: 'approved', version: 2, controlGroup: null, alsoChanged: [] });
      }),
    );
    renderWithProviders(<QueuePage />);
    await userEvent.click(within(await rowOf('Held budget up')).getByRole('button', { name: 'Edit' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit and approve' });
    expect(dialog).toHaveTextContent('Rule “Easy wins” holds this item back on purpose until 2026-12-20');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Approve with this value and leave the control group' }));
    await waitFor(() => expect(body).toEqual({ version: 1, leaveControlGroup: true }));
  });

  it('selects a range with shift-click and summarises the bulk approval before sending it', async () => {
    const usd = (from: number, to: number) =>
      ({
        type: 'set-budget',
        field: 'dailyBudget',
        from,
        to,
        unit: 'currency',
        currency: 'USD',
        direction: to > from ? 'increase' : 'decrease',
      }) as const;
    const items = [
      aRecommendation({ title: 'One', status: 'validated', action: usd(50, 75) }),
      aRecommendation({ title: 'Two', status: 'validated', action: usd(100, 80) }),
      aRecommendation({
        title: 'Three',
        status: 'validated',
        conflictIds: ['00000000-0000-4000-8000-00000000c0f1'],
        actions: actionsAllowing(['reject'], { approve: { reason: 'conflict', message: 'It is in an open conflict.' } }),
      }),
      aRecommendation({ title: 'Four', status: 'validated', kind: 'bid' }),
    ];
    let body: { ids: string[]; versions: number[] } | undefined;
    serveQueue(items);
    server.use(
      http.post('*/api/recommendations/bulk', async ({ request }) => {
        body = (await request.json()) as typeof body;
        return HttpResponse.json({
          results: body?.ids.map((id) => ({ id, outcome: 'done', message: null, recommendation: null })),
          done: body?.ids.length,
          failed: 0,
        });
      }),
    );
    renderWithProviders(<QueuePage />);
    await userEvent.click(within(await rowOf('One')).getByRole('checkbox'));
    const user = userEvent.setup();
    await user.keyboard('{Shift>}');
    await user.click(within(await rowOf('Three')).getByRole('checkbox'));
    await user.keyboard('{/Shift}');
    expect(within(await rowOf('Two')).getByRole('checkbox')).toBeChecked();
    expect(within(await rowOf('Four')).getByRole('checkbox')).not.toBeChecked();

    await userEvent.click(screen.getByRole('button', { name: 'Approve selected' }));
    const dialog = await screen.findByRole('dialog', { name: 'Approve 3 selected' });
    expect(dialog).toHaveTextContent(/Items to approve\s*2/);
    expect(dialog).toHaveTextContent(/Daily budget change \(USD\)\s*\+5\.00 USD per day/);
    expect(dialog).toHaveTextContent(/In a conflict: open the conflict and choose which side to keep: 1/);
    expect(body).toBeUndefined();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Approve 2' }));
    await waitFor(() => expect(body?.ids).toEqual([items[0]?.id, items[1]?.id]));
    expect(body?.versions).toEqual([1, 1]);
    expect(await within(dialog).findByRole('status')).toHaveTextContent('2 approved, 0 not done');
  });

  it('selects every item matching the filter, paging through the server', async () => {
    const first = [aRecommendation({ title: 'Loaded' })];
    const rest = [aRecommendation({ title: 'Not loaded yet' }), aRecommendation({ title: 'Also not loaded' })];
    server.use(
      http.get('*/api/recommendations', ({ request }) => {
        const url = new URL(request.url);
        return url.searchParams.get('cursor')
          ? HttpResponse.json({ items: rest, nextCursor: null, total: 3 })
          : HttpResponse.json({ items: first, nextCursor: 'page-2', total: 3 });
      }),
    );
    renderWithProviders(<QueuePage />);
    await rowOf('Loaded');
    await rowOf('Also not loaded');
    await userEvent.click(screen.getByRole('button', { name: 'Select all 3 matching' }));
    expect(await screen.findByText(/3 selected/)).toBeInTheDocument();
  });

  it('is driven from the keyboard: j moves, x selects, ? opens the help', async () => {
    serveQueue([aRecommendation({ title: 'First' }), aRecommendation({ title: 'Second' })]);
    renderWithProviders(<QueuePage />);
    await rowOf('First');
    await userEvent.keyboard('j');
    await waitFor(async () => expect(await rowOf('First')).toHaveFocus());
    await userEvent.keyboard('j');
    await waitFor(async () => expect(await rowOf('Second')).toHaveFocus());
    await userEvent.keyboard('x');
    expect(within(await rowOf('Second')).getByRole('checkbox')).toBeChecked();
    await userEvent.keyboard('?');
    expect(await screen.findByRole('dialog', { name: 'Keyboard shortcuts' })).toBeInTheDocument();
  });

  it('saves the current filters as a view', async () => {
    window.history.replaceState(null, '', '/?source=partner-opportunities');
    serveQueue([aRecommendation()]);
    renderWithProviders(<QueuePage />);
    await userEvent.click(await screen.findByRole('button', { name: 'Save view' }));
    await userEvent.type(screen.getByRole('textbox', { name: 'View name' }), 'PO only{Enter}');
    expect(screen.getByRole('link', { name: 'PO only' })).toHaveAttribute('href', '?source=partner-opportunities');
    expect(window.localStorage.getItem('recdesk.saved-views')).toContain('PO only');
  });

  it('hides a column and remembers it', async () => {
    serveQueue([aRecommendation()]);
    renderWithProviders(<QueuePage />);
    await screen.findByRole('table');
    await userEvent.click(screen.getByRole('button', { name: 'Columns' }));
    await userEvent.click(screen.getByRole('checkbox', { name: 'Priority' }));
    expect(screen.queryByRole('columnheader', { name: 'Priority' })).toBeNull();
    expect(window.localStorage.getItem('recdesk.queue-columns')).toContain('"priority":false');
    // And shows one the default leaves out.
    await userEvent.click(screen.getByRole('checkbox', { name: 'Source' }));
    expect(screen.getByRole('columnheader', { name: 'Source' })).toBeInTheDocument();
  });
});
