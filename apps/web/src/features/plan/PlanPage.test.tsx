import { fireEvent, screen, within } from '@testing-library/react';
import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { server } from '../../testing/msw-server.ts';
import { actionsAllowing, aRecommendation } from '../../testing/recommendation-fixture.ts';
import { renderWithProviders } from '../../testing/render-with-providers.tsx';
import { PlanPage } from './PlanPage.tsx';

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' });
  await import('./ReachChart.tsx');
}, 60_000);
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const plan = {
  advertiserId: 'ENTITYHOWE',
  advertiserName: 'Howe LLC',
  profiles: [
    {
      profileId: '1000000000000001',
      marketplace: 'US',
      persona: {
        audienceName: 'Howe purchasers',
        categories: [
          { name: 'Camping & Hiking', affinity: 4.2, overlapPercentage: 31 },
          { name: 'Running Gear', affinity: 2.4, overlapPercentage: 18 },
        ],
      },
      overlaps: [
        {
          audienceId: 'a1',
          name: 'In-market: Camping & Hiking',
          category: 'In-market',
          affinity: 3.9,
          dailyReach: { lower: 20000, upper: 45000 },
        },
        { audienceId: 'a2', name: 'Lifestyle: Outdoor Enthusiasts', category: 'Lifestyle', affinity: 2.1, dailyReach: null },
      ],
      forecast: {
        startDate: '2026-12-07',
        endDate: '2027-01-05',
        currency: 'USD',
        createdAt: '2026-12-06T00:00:00.000Z',
        points: [
          { spend: 250, reach: 10000, impressions: 50000 },
          { spend: 1000, reach: 30000, impressions: 200000 },
          { spend: 2000, reach: 42000, impressions: 400000 },
        ],
      },
    },
  ],
};

const campaigns = {
  advertiserId: 'ENTITYHOWE',
  profiles: [
    {
      profileId: '1000000000000001',
      marketplace: 'US',
      currency: 'USD',
      campaigns: [
        { campaignId: 'c1', name: 'Howe tents', adProduct: 'SP', state: 'ENABLED', dailyBudget: 20, portfolioId: null },
        { campaignId: 'c2', name: 'Howe boots', adProduct: 'SP', state: 'ENABLED', dailyBudget: 13.33, portfolioId: 'P1' },
        { campaignId: 'sd1', name: 'Howe display', adProduct: 'SD', state: 'ENABLED', dailyBudget: 0, portfolioId: null },
      ],
    },
  ],
};

/** The plan, its campaigns and no drafts yet. */
function planHandlers() {
  return [
    http.get('*/api/advertisers', () => HttpResponse.json({ items: [{ id: 'ENTITYHOWE', name: 'Howe LLC', marketplaces: ['US'] }] })),
    http.get('*/api/advertisers/:advertiserId/plan', () => HttpResponse.json(plan)),
    http.get('*/api/advertisers/:advertiserId/plan/campaigns', () => HttpResponse.json(campaigns)),
    http.get('*/api/advertisers/:advertiserId/plan/drafts', () => HttpResponse.json({ items: [] })),
  ];
}

describe('PlanPage', { timeout: 30_000 }, () => {
  it("shows the advertiser's persona, overlaps by affinity, and the reach a chosen budget buys", async () => {
    const asked: string[] = [];
    server.use(
      http.get('*/api/advertisers', () => HttpResponse.json({ items: [{ id: 'ENTITYHOWE', name: 'Howe LLC', marketplaces: ['US'] }] })),
      http.get('*/api/advertisers/:advertiserId/plan', ({ params }) => {
        asked.push(String(params.advertiserId));
        return HttpResponse.json(plan);
      }),
      ...planHandlers().slice(2),
    );
    window.history.replaceState(null, '', '/plan?advertiser=ENTITYHOWE');
    renderWithProviders(<PlanPage />);

    const persona = await screen.findByRole('region', { name: 'Persona' });
    expect(within(persona).getByRole('heading', { name: 'Howe purchasers also buy' })).toBeTruthy();
    expect(within(persona).getAllByRole('listitem')[0]?.textContent).toMatch(/^Camping & Hiking: 4\.2× as likely/);
    const rows = within(screen.getByRole('table', { name: 'Top overlapping audiences' })).getAllByRole('row');
    expect(rows[1]?.textContent).toContain('In-market: Camping & Hiking');
    expect(rows[1]?.textContent).toContain('3.90×');
    expect(rows[1]?.textContent).toContain('20,000–45,000');
    expect(asked).toEqual(['ENTITYHOWE']);

    const forecast = screen.getByRole('region', { name: 'Reach forecast' });
    expect(within(forecast).getByRole('status').textContent).toBe('1,000 USD reaches about 30,000 households');
    fireEvent.change(within(forecast).getByRole('slider', { name: /Budget/ }), { target: { value: '1500' } });
    expect(within(forecast).getByRole('status').textContent).toBe('1,500 USD reaches about 36,000 households');
  });

  it('drafts the budget change the slider asks of a campaign, and says where it is in the queue', async () => {
    const sent: unknown[] = [];
    server.use(
      ...planHandlers(),
      http.post('*/api/advertisers/:advertiserId/plan/drafts', async ({ request }) => {
        sent.push(await request.json());
        const item = aRecommendation({
          id: '00000000-0000-4000-8000-00000000d001',
          source: 'plan',
          title: 'Plan: raise the daily budget of Howe tents to 36.67 USD',
          status: 'validated',
          actions: actionsAllowing(['approve', 'reject', 'edit']),
        });
        return HttpResponse.json({ folded: false, item }, { status: 201 });
      }),
    );
    window.history.replaceState(null, '', '/plan?advertiser=ENTITYHOWE');
    renderWithProviders(<PlanPage />);
    const forecast = await screen.findByRole('region', { name: 'Reach forecast' });
    // 30 days at 20 + 13.33 a day is 1,000 USD; the slider asks 1,500: 500 more over 30 days on one campaign.
    fireEvent.change(within(forecast).getByRole('slider', { name: /Budget/ }), { target: { value: '1500' } });
    const form = within(forecast).getByRole('form', { name: 'Draft change' });
    const campaign = within(form).getByRole('combobox', { name: 'Campaign' });
    await within(campaign).findByRole('option', { name: /Howe tents/ });
    fireEvent.change(campaign, { target: { value: 'c1' } });
    expect((within(form).getByRole('spinbutton', { name: /New daily budget/ }) as HTMLInputElement).placeholder).toBe('36.67');
    fireEvent.change(within(form).getByRole('textbox', { name: /Note/ }), { target: { value: 'holiday reach' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Draft change' }));
    expect((await within(form).findByRole('status')).textContent).toMatch(/^In the queue: Plan: raise the daily budget of Howe tents/);
    expect(sent).toEqual([
      {
        forecast: { profileId: '1000000000000001', startDate: '2026-12-07', endDate: '2027-01-05', audienceIds: [] },
        change: { type: 'budget', campaignId: 'c1', dailyBudget: 36.67 },
        note: 'holiday reach',
      },
    ]);
  });

  it("shows the server's reason when a draft is refused", async () => {
    server.use(
      ...planHandlers(),
      http.post('*/api/advertisers/:advertiserId/plan/drafts', () =>
        HttpResponse.json(
          {
            type: 'conflict',
            title: 'A plan for this change is pending',
            status: 409,
            detail: 'A plan for this change is already pending: edit its value when approving, or reject it before drafting another.',
          },
          { status: 409, headers: { 'content-type': 'application/problem+json' } },
        ),
      ),
    );
    window.history.replaceState(null, '', '/plan?advertiser=ENTITYHOWE');
    renderWithProviders(<PlanPage />);
    const form = await screen.findByRole('form', { name: 'Draft change' });
    const campaign = within(form).getByRole('combobox', { name: 'Campaign' });
    await within(campaign).findByRole('option', { name: /Howe boots/ });
    fireEvent.change(campaign, { target: { value: 'c2' } });
    fireEvent.change(within(form).getByRole('spinbutton', { name: /New daily budget/ }), { target: { value: '25' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Draft change' }));
    const alert = await within(form).findByRole('alert');
    expect(alert.textContent).toContain('A plan for this change is pending');
    expect(alert.textContent).toContain('reject it before drafting another');
  });

  it('offers no draft to a viewer', async () => {
    server.use(...planHandlers());
    window.history.replaceState(null, '', '/plan?advertiser=ENTITYHOWE');
    renderWithProviders(<PlanPage />, { canAct: false });
    await screen.findByRole('region', { name: 'Reach forecast' });
    expect(screen.queryByRole('form', { name: 'Draft change' })).toBeNull();
  });

  it('asks for an advertiser first', async () => {
    server.use(http.get('*/api/advertisers', () => HttpResponse.json({ items: [] })));
    window.history.replaceState(null, '', '/plan');
    renderWithProviders(<PlanPage />);
    expect(await screen.findByRole('combobox', { name: /Advertiser/ })).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Persona' })).toBeNull();
  });
});
