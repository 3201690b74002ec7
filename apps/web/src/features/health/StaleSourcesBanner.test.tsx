import { screen } from '@testing-library/react';
import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { server } from '../../testing/msw-server.ts';
import { renderWithProviders } from '../../testing/render-with-providers.tsx';
import { StaleSourcesBanner } from './StaleSourcesBanner.tsx';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const source = (name: string, freshness: 'fresh' | 'stale', recommendations: number) => ({
  source: name,
  label: name,
  delivery: 'scheduled',
  enabled: true,
  schedule: '0 5 * * *',
  lastRun: null,
  lastSuccessAt: '2026-11-20T05:00:00.000Z',
  nextRunAt: null,
  freshness,
  freshnessPolicy: { freshForMs: 86_400_000, staleAfterMs: 172_800_000 },
  counts: { recommendations, runs: 1 },
  lastError: null,
  quarantined: 0,
});

describe('StaleSourcesBanner', () => {
  it('names the stale sources the user is looking at: the one filtered on, else every source with items', async () => {
    server.use(
      http.get('*/api/sources', () =>
        HttpResponse.json({
          generatedAt: '2026-11-23T10:00:00.000Z',
          sources: [source('partner-opportunities', 'stale', 10), source('sp-budget', 'stale', 0), source('sp-consolidated', 'fresh', 5)],
        }),
      ),
    );
    const { unmount } = renderWithProviders(<StaleSourcesBanner source={undefined} onOpenStatus={vi.fn()} />);
    const banner = await screen.findByRole('region', { name: 'Stale data' });
    expect(banner).toHaveTextContent('Partner Opportunities last updated');
    expect(banner).not.toHaveTextContent('budget');
    unmount();

    // Both read the same answer: once the second shows, the first has had its data and stays silent.
    renderWithProviders(
      <>
        <StaleSourcesBanner source="sp-consolidated" onOpenStatus={vi.fn()} />
        <StaleSourcesBanner source="sp-budget" onOpenStatus={vi.fn()} />
      </>,
    );
    expect(await screen.findByRole('region', { name: 'Stale data' })).toHaveTextContent('budget');
    expect(screen.getAllByRole('region', { name: 'Stale data' })).toHaveLength(1);
  });

  it('tells a first sync under way apart from a source that never synced', async () => {
    const running = {
      ...source('sp-targeting', 'stale', 12),
      lastSuccessAt: null,
      lastRun: {
        id: '00000000-0000-4000-8000-000000000001',
        trigger: 'start',
        status: 'running',
        startedAt: '2026-11-23T09:59:00.000Z',
        finishedAt: null,
        fetched: 12,
        stored: 12,
        unchanged: 0,
        quarantined: 0,
        errors: [],
      },
    };
    server.use(
      http.get('*/api/sources', () =>
        HttpResponse.json({
          generatedAt: '2026-11-23T10:00:00.000Z',
          sources: [running, { ...source('sp-budget', 'stale', 3), lastSuccessAt: null }],
        }),
      ),
    );
    renderWithProviders(<StaleSourcesBanner source={undefined} onOpenStatus={vi.fn()} />);
    const banner = await screen.findByRole('region', { name: 'Stale data' });
    expect(banner).toHaveTextContent('SP targeting not synced completely yet (syncing now)');
    expect(banner).toHaveTextContent(/SP budget not synced completely yet;?\.? /);
    expect(banner).not.toHaveTextContent('never');
  });
});
