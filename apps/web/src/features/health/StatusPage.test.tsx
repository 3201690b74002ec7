import { screen, within } from '@testing-library/react';
import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { server } from '../../testing/msw-server.ts';
import { renderWithProviders } from '../../testing/render-with-providers.tsx';
import { StatusPage } from './StatusPage.tsx';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const health = { status: 'degraded', db: 'ok', adsApi: 'degraded', adsApiMode: 'simulated', version: '0.1.0' };
const noAlerts = http.get('*/api/alerts', () => HttpResponse.json({ alerts: [], conditions: [] }));
const noSources = http.get('*/api/sources', () => HttpResponse.json({ generatedAt: '2026-11-23T10:00:00.000Z', sources: [] }));

describe('StatusPage', () => {
  it("shows the service's health and each source's freshness, last run and errors", async () => {
    server.use(
      noAlerts,
      http.get('*/api/health', () => HttpResponse.json(health)),
      http.get('*/api/sources', () =>
        HttpResponse.json({
          generatedAt: '2026-11-23T10:00:00.000Z',
          sources: [
            {
              source: 'partner-opportunities',
              label: 'Partner Opportunities',
              delivery: 'scheduled',
              enabled: true,
              schedule: '0 * * * *',
              lastRun: {
                id: '00000000-0000-4000-8000-000000000001',
                trigger: 'schedule',
                status: 'partial',
                startedAt: '2026-11-21T10:00:00.000Z',
                finishedAt: '2026-11-21T10:01:00.000Z',
                fetched: 120,
                stored: 118,
                unchanged: 0,
                quarantined: 2,
                errors: [],
              },
              lastSuccessAt: '2026-11-21T10:01:00.000Z',
              nextRunAt: null,
              freshness: 'stale',
              freshnessPolicy: { freshForMs: 86_400_000, staleAfterMs: 172_800_000 },
              counts: { recommendations: 118, runs: 3 },
              lastError: { at: '2026-11-21T10:01:00.000Z', message: 'Row 7: bad date' },
              quarantined: 2,
            },
          ],
        }),
      ),
    );
    renderWithProviders(<StatusPage />);
    const service = await screen.findByRole('region', { name: 'RecDesk' });
    expect(await within(service).findAllByText('Degraded')).toHaveLength(2);
    const row = await screen.findByRole('row', { name: /Partner Opportunities/ });
    expect(row).toHaveTextContent('stale');
    expect(row).toHaveTextContent('120 fetched');
    expect(row).toHaveTextContent('Row 7: bad date');
  });

  it('says "not configured" for a source that is not set up, rather than stale and never', async () => {
    server.use(
      noAlerts,
      http.get('*/api/health', () => HttpResponse.json({ ...health, status: 'ok', adsApi: 'ok' })),
      http.get('*/api/sources', () =>
        HttpResponse.json({
          generatedAt: '2026-11-23T10:00:00.000Z',
          sources: [
            {
              source: 'marketing-stream',
              label: 'Marketing Stream',
              delivery: 'push',
              enabled: false,
              schedule: null,
              lastRun: null,
              lastSuccessAt: null,
              nextRunAt: null,
              freshness: 'stale',
              freshnessPolicy: { freshForMs: 3_600_000, staleAfterMs: 7_200_000 },
              counts: { recommendations: 0, runs: 0 },
              lastError: null,
              quarantined: 0,
            },
          ],
        }),
      ),
    );
    renderWithProviders(<StatusPage />);
    const row = await screen.findByRole('row', { name: /Marketing Stream/ });
    expect(row).toHaveTextContent('not configured');
    expect(row).toHaveTextContent('STREAM_SHARED_SECRET');
    expect(row).not.toHaveTextContent('stale');
    expect(row).not.toHaveTextContent('never');
  });

  it('shows Marketing Stream read from SQS as fresh, with its lag, backlog and throughput', async () => {
    server.use(
      noAlerts,
      http.get('*/api/health', () => HttpResponse.json({ ...health, status: 'ok', adsApi: 'ok' })),
      http.get('*/api/sources', () =>
        HttpResponse.json({
          generatedAt: '2026-11-23T10:00:00.000Z',
          sources: [
            {
              source: 'marketing-stream',
              label: 'Marketing Stream',
              delivery: 'push',
              enabled: true,
              schedule: null,
              lastRun: null,
              lastSuccessAt: '2026-11-23T09:59:58.000Z',
              nextRunAt: null,
              freshness: 'fresh',
              freshnessPolicy: { freshForMs: 3_600_000, staleAfterMs: 7_200_000 },
              counts: { recommendations: 12, runs: 40 },
              lastError: null,
              quarantined: 0,
              queue: {
                consumers: 1,
                lagMs: 1_350,
                oldestAgeMs: 200,
                backlog: 3,
                perMinute: 42,
                lastReceiveAt: '2026-11-23T09:59:58.000Z',
                lastError: null,
              },
            },
          ],
        }),
      ),
    );
    renderWithProviders(<StatusPage />);
    const row = await screen.findByRole('row', { name: /Marketing Stream/ });
    expect(row).toHaveTextContent('fresh');
    expect(row).toHaveTextContent('lag 1.4 s');
    expect(row).toHaveTextContent('3 waiting');
    expect(row).toHaveTextContent('42/min');
    expect(row).not.toHaveTextContent('not configured');
  });

  it('leaves out the sources when this server has no per-source status', async () => {
    server.use(
      noAlerts,
      http.get('*/api/health', () => HttpResponse.json({ ...health, status: 'ok', adsApi: 'ok' })),
      http.get('*/api/sources', () => HttpResponse.json({ type: 'not-found', title: 'No such endpoint', status: 404 }, { status: 404 })),
    );
    renderWithProviders(<StatusPage />);
    expect(await screen.findByRole('heading', { name: 'Sources' })).toBeInTheDocument();
    await screen.findAllByText('OK');
    await expect.poll(() => screen.queryByRole('heading', { name: 'Sources' })).toBeNull();
  });

  it('shows the open alerts, critical first, with what to do, or says there are none', async () => {
    const alert = (id: string, severity: 'warning' | 'critical', message: string, source: string | null) => ({
      id,
      conditionId: `c-${id.slice(0, 4)}`,
      kind: source ? 'source_stale' : 'apply_failure_rate',
      severity,
      source,
      message,
      openedAt: '2026-11-23T08:00:00.000Z',
      lastSeenAt: '2026-11-23T09:59:00.000Z',
      resolvedAt: null,
    });
    const states: (string | null)[] = [];
    server.use(
      noSources,
      http.get('*/api/health', () => HttpResponse.json(health)),
      http.get('*/api/alerts', ({ request }) => {
        states.push(new URL(request.url).searchParams.get('state'));
        return HttpResponse.json({
          alerts: [
            alert(
              'a1a1a1a1-0000-4000-8000-000000000001',
              'warning',
              'Partner Opportunities stale for 7 h (policy: 6 h)',
              'partner-opportunities',
            ),
            alert(
              'a1a1a1a1-0000-4000-8000-000000000002',
              'critical',
              '40% of applies failed in the last hour: check the Ads API status',
              null,
            ),
          ],
          conditions: [],
        });
      }),
    );
    renderWithProviders(<StatusPage />);
    const panel = await screen.findByRole('region', { name: /Open alerts/ });
    const items = await within(panel).findAllByRole('listitem');
    expect(panel).toHaveAccessibleName('Open alerts (2)');
    expect(items[0]).toHaveTextContent('Critical');
    expect(items[0]).toHaveTextContent('40% of applies failed in the last hour');
    expect(items[1]).toHaveTextContent('Warning');
    expect(items[1]).toHaveTextContent('Source stale · Partner Opportunities');
    expect(items[1]).toHaveTextContent('Partner Opportunities stale for 7 h (policy: 6 h)');
    expect(states).toContain('open');
  });

  it('says when there are no open alerts, and hides them where this server has no alerting', async () => {
    server.use(
      noSources,
      noAlerts,
      http.get('*/api/health', () => HttpResponse.json(health)),
    );
    const { unmount } = renderWithProviders(<StatusPage />);
    expect(await screen.findByText(/No open alerts/)).toBeInTheDocument();
    unmount();

    server.use(
      http.get('*/api/alerts', () => HttpResponse.json({ type: 'not-found', title: 'No such endpoint', status: 404 }, { status: 404 })),
    );
    renderWithProviders(<StatusPage />);
    await screen.findByRole('heading', { name: 'Sources' });
    await expect.poll(() => screen.queryByRole('region', { name: /Open alerts/ })).toBeNull();
  });
});
