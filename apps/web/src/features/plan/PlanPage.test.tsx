import { fireEvent, screen, within } from '@testing-library/react';
import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { server } from '../../testing/msw-server.ts';
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

describe('PlanPage', { timeout: 30_000 }, () => {
  it("shows the advertiser's persona, overlaps by affinity, and the reach a chosen budget buys", async () => {
    const asked: string[] = [];
    server.use(
      http.get('*/api/advertisers', () => HttpResponse.json({ items: [{ id: 'ENTITYHOWE', name: 'Howe LLC', marketplaces: ['US'] }] })),
      http.get('*/api/advertisers/:advertiserId/plan', ({ params }) => {
        asked.push(String(params.advertiserId));
        return HttpResponse.json(plan);
      }),
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

  it('asks for an advertiser first', async () => {
    server.use(http.get('*/api/advertisers', () => HttpResponse.json({ items: [] })));
    window.history.replaceState(null, '', '/plan');
    renderWithProviders(<PlanPage />);
    expect(await screen.findByRole('combobox', { name: /Advertiser/ })).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Persona' })).toBeNull();
  });
});
