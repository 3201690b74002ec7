/**
 * The app shell: navigation, theme, notices and the stale-data banner, and the screens and panels the URL asks for.
 * Features meet only here: a conflict is opened from the queue through the URL (`?conflictsOf=`) and shown by the
 * conflicts feature.
 */

import { RecommendationSourceSchema } from '@recdesk/shared-types';
import { useQuery } from '@tanstack/react-query';
import { type MouseEvent, Suspense, useEffect } from 'react';
import { SessionMenu } from '../features/auth/AuthGate.tsx';
import { sessionQueries } from '../features/auth/session-queries.ts';
import { StaleSourcesBanner } from '../features/health/StaleSourcesBanner.tsx';
import { QueuePage } from '../features/queue/QueuePage.tsx';
import { paths } from '../shared/paths.ts';
import { CanActProvider } from '../shared/session/can-act.tsx';
import { PageErrorBoundary, PanelErrorBoundary } from '../shared/ui/ErrorBoundaries.tsx';
import { Notices } from '../shared/ui/Notices.tsx';
import { OfflineBanner } from '../shared/ui/OfflineBanner.tsx';
import { retryableLazy } from '../shared/ui/retryable-lazy.ts';
import { useNavigate, usePathname } from '../shared/use-location.ts';
import { useSearchParams } from '../shared/use-search-params.ts';
import { type Theme, useTheme, useThemeActions } from './theme-store.ts';

// Screens and panels not needed for the first paint of the queue load on demand, keeping the first bundle small; a
// chunk that failed to load (offline while navigating) is fetched again when its error boundary resets.
const StatusPage = retryableLazy(() => import('../features/health/StatusPage.tsx').then((m) => ({ default: m.StatusPage })));
const PerformancePage = retryableLazy(() =>
  import('../features/performance/PerformancePage.tsx').then((m) => ({ default: m.PerformancePage })),
);
const PortfolioPage = retryableLazy(() => import('../features/performance/PortfolioPage.tsx').then((m) => ({ default: m.PortfolioPage })));
const ConflictDialog = retryableLazy(() => import('../features/conflicts/ConflictDialog.tsx').then((m) => ({ default: m.ConflictDialog })));
const PlanPage = retryableLazy(() => import('../features/plan/PlanPage.tsx').then((m) => ({ default: m.PlanPage })));
const RulesPage = retryableLazy(() => import('../features/rules/RulesPage.tsx').then((m) => ({ default: m.RulesPage })));
const ActivityPage = retryableLazy(() => import('../features/activity/ActivityPage.tsx').then((m) => ({ default: m.ActivityPage })));
const BatchProgressDialog = retryableLazy(() =>
  import('../features/apply/BatchProgressDialog.tsx').then((m) => ({ default: m.BatchProgressDialog })),
);

const loading = (
  <p role="status" className="muted">
    Loading…
  </p>
);

const NAV = [
  { href: paths.queue, label: 'Queue' },
  { href: paths.rules, label: 'Rules' },
  { href: paths.activity, label: 'Activity' },
  { href: paths.impact, label: 'Impact' },
  { href: paths.plan, label: 'Plan' },
  { href: paths.status, label: 'Status' },
] as const;

export function App() {
  const pathname = usePathname();
  const navigate = useNavigate();
  const [params, setSearch] = useSearchParams();
  const theme = useTheme();
  const { themeChosen } = useThemeActions();
  const conflictsOf = params.get('conflictsOf');
  const batchId = params.get('batch');
  const session = useQuery(sessionQueries.current());
  const isAdmin = session.data?.user.role === 'admin';
  // Approvers and admins act; a viewer (or a session not known yet) gets screens without state-changing controls.
  const canAct = session.data?.user.role === 'approver' || isAdmin;
  const source = RecommendationSourceSchema.safeParse(params.get('source'));

  useEffect(() => {
    if (theme === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
  }, [theme]);

  const go = (href: string) => (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(href);
  };

  return (
    <CanActProvider canAct={canAct}>
      <div className="app">
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="app-header">
          <span className="brand">RecDesk</span>
          <nav aria-label="Main">
            {NAV.map((item) => (
              <a key={item.href} href={item.href} aria-current={pathname === item.href ? 'page' : undefined} onClick={go(item.href)}>
                {item.label}
              </a>
            ))}
          </nav>
          <label className="theme-picker">
            Theme
            <select value={theme} onChange={(event) => themeChosen(event.target.value as Theme)}>
              <option value="system">System</option>
              <option value="light">Light</option>
              <option value="dark">Dark</option>
            </select>
          </label>
          <SessionMenu />
        </header>
        <StaleSourcesBanner source={source.success ? source.data : undefined} onOpenStatus={() => navigate(paths.status)} />
        <OfflineBanner />
        <Notices />
        <main id="main">
          <PageErrorBoundary resetKeys={[pathname]}>
            {pathname === paths.status ? (
              <Suspense fallback={loading}>
                <StatusPage isAdmin={isAdmin} />
              </Suspense>
            ) : pathname === paths.performance ? (
              <Suspense fallback={loading}>
                <PerformancePage />
              </Suspense>
            ) : pathname === paths.impact ? (
              <Suspense fallback={loading}>
                <PortfolioPage canEditRates={isAdmin} />
              </Suspense>
            ) : pathname === paths.rules ? (
              <Suspense fallback={loading}>
                <RulesPage canEdit={isAdmin} />
              </Suspense>
            ) : pathname === paths.plan ? (
              <Suspense fallback={loading}>
                <PlanPage />
              </Suspense>
            ) : pathname === paths.activity ? (
              <Suspense fallback={loading}>
                <ActivityPage />
              </Suspense>
            ) : (
              <QueuePage />
            )}
          </PageErrorBoundary>
        </main>
        {conflictsOf ? (
          <PanelErrorBoundary title="Conflicts" onClose={() => setSearch({ conflictsOf: undefined })}>
            <Suspense fallback={null}>
              <ConflictDialog recommendationId={conflictsOf} onClose={() => setSearch({ conflictsOf: undefined })} />
            </Suspense>
          </PanelErrorBoundary>
        ) : null}
        {batchId ? (
          <PanelErrorBoundary title="Apply progress" onClose={() => setSearch({ batch: undefined })}>
            <Suspense fallback={null}>
              <BatchProgressDialog key={batchId} batchId={batchId} onClose={() => setSearch({ batch: undefined })} />
            </Suspense>
          </PanelErrorBoundary>
        ) : null}
      </div>
    </CanActProvider>
  );
}
