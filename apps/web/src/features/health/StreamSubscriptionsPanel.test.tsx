import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { server } from '../../testing/msw-server.ts';
import { renderWithProviders } from '../../testing/render-with-providers.tsx';
import { StreamSubscriptionsPanel } from './StreamSubscriptionsPanel.tsx';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const WARNING = 'A Stream subscription is tied to the Amazon user who granted RecDesk its refresh token.';
const subscription = {
  id: '4f8a3a5e-0d3f-4b8e-9a57-0d7c1f7e2a10',
  advertiserId: 'ENTITY1',
  profileId: '1000',
  dataSetId: 'budget-usage',
  destinationArn: 'arn:aws:sqs:us-east-1:123456789012:recdesk-stream',
  notes: null,
  status: 'ACTIVE',
  upstreamSubscriptionId: 'amzn1.fead.cs1.x',
  clientRequestToken: '1b4e28ba-2fa1-41d2-883f-0016d3cca427',
  createdBy: 'admin@recdesk.local',
  createdAt: '2026-11-23T10:00:00.000Z',
  updatedAt: '2026-11-23T10:00:00.000Z',
  lastError: null,
};

describe('StreamSubscriptionsPanel', () => {
  it('shows the token warning, creates with one request token per subscription, and resends it after a refusal', async () => {
    const posted: Record<string, unknown>[] = [];
    let items: (typeof subscription)[] = [];
    server.use(
      http.get('*/api/stream/subscriptions', () => HttpResponse.json({ items, warning: WARNING })),
      http.post('*/api/stream/subscriptions', async ({ request }) => {
        posted.push((await request.json()) as Record<string, unknown>);
        if (posted.length === 1)
          return HttpResponse.json(
            {
              type: 'upstream-throttled',
              title: 'Amazon is throttling Stream subscription requests',
              status: 503,
              detail: 'Try again in a minute',
            },
            { status: 503, headers: { 'content-type': 'application/problem+json' } },
          );
        items = [subscription];
        return HttpResponse.json({ subscription, warning: WARNING }, { status: 201 });
      }),
    );
    const user = userEvent.setup();
    renderWithProviders(<StreamSubscriptionsPanel />);
    expect(await screen.findByRole('note')).toHaveTextContent('tied to the Amazon user who granted');
    const form = screen.getByRole('form', { name: 'New subscription' });
    await user.type(within(form).getByLabelText('Advertiser id'), 'ENTITY1');
    await user.type(within(form).getByLabelText('Profile id'), '1000');
    await user.type(within(form).getByLabelText('SQS queue ARN'), subscription.destinationArn);
    await user.click(within(form).getByRole('button', { name: 'Subscribe' }));
    expect(await screen.findByText('Try again in a minute')).toBeInTheDocument();
    await user.click(within(form).getByRole('button', { name: 'Subscribe' }));
    expect(await screen.findByRole('button', { name: 'Pause budget-usage for 1000' })).toBeInTheDocument();
    expect(posted).toHaveLength(2);
    expect(posted[0]).toMatchObject({ advertiserId: 'ENTITY1', profileId: '1000', dataSetId: 'budget-usage' });
    expect(posted[1]?.clientRequestToken).toBe(posted[0]?.clientRequestToken);
  });
});
