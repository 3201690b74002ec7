/**
 * The app shell: navigation, theme, notices and the stale-data banner, and the screens and panels the URL asks for.
 * Features meet only here: a conflict is opened from the queue through the URL (`?conflictsOf=`) and shown by the
 * conflicts feature.
 */
import { RecommendationSourceSchema } from '@recdesk/shared-types';
import { lazy, type MouseEvent, Suspense, useEffect } from 'react';
import { SessionMenu } from '../features/auth/AuthGate.tsx';
import { StaleSourcesBanner } from '../features/health/StaleSourcesBanner.tsx';
import { QueuePage } from '../features/queue/QueuePage.tsx';
import { paths } from '../shared/paths.ts';
import { Notices } from '../shared/ui/Notices.tsx';
import { useNavigate, usePathname } from '../shared/use-location.ts';
import { useSearchParams } from '../shared/use-search-params.ts';
import { type Theme, useTheme, useThemeActions } from './theme-store.ts';

// Screens and panels not needed for the first paint of the queue load on demand, keeping the first bundle small.
const StatusPage = lazy(() => import('../features/health/StatusPage.tsx').then((m) => ({ default: m.StatusPage })));
const ConflictDialog = lazy(() => import('../features/conflicts/ConflictDialog.tsx').then((m) => ({ default: m.ConflictDialog })));

const loading = (
  <p role="status" className="muted">
    Loading…
  </p>
);

const NAV = [
  { href: paths.queue, label: 'Queue' },
  { href: paths.status, label: 'Status' },
] as const;

export function App() {
  const pathname = usePathname();
  const navigate = useNavigate();
  const [params, setSearch] = useSearchParams();
  const theme = useTheme();
  const { themeChosen } = useThemeActions();
  const conflictsOf = params.get('conflictsOf');
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
      <Notices />
      <main id="main">
        {pathname === paths.status ? (
          <Suspense fallback={loading}>
            <StatusPage />
          </Suspense>
        ) : (
          <QueuePage />
        )}
      </main>
      {conflictsOf ? (
        <Suspense fallback={null}>
          <ConflictDialog recommendationId={conflictsOf} onClose={() => setSearch({ conflictsOf: undefined })} />
        </Suspense>
      ) : null}
    </div>
  );
}
