/**
 * The app shell: navigation, theme, notices and the stale-data banner, and the screens and panels the URL asks for.
 * Features meet only here: a conflict is opened from the queue through the URL (`?conflictsOf=`) and shown by the
 * conflicts feature.
 */
import { RecommendationSourceSchema } from '@recdesk/shared-types';
import { type MouseEvent, useEffect } from 'react';
import { ConflictDialog } from '../features/conflicts/ConflictDialog.tsx';
import { StaleSourcesBanner } from '../features/health/StaleSourcesBanner.tsx';
import { StatusPage } from '../features/health/StatusPage.tsx';
import { QueuePage } from '../features/queue/QueuePage.tsx';
import { paths } from '../shared/paths.ts';
import { Notices } from '../shared/ui/Notices.tsx';
import { useNavigate, usePathname } from '../shared/use-location.ts';
import { useSearchParams } from '../shared/use-search-params.ts';
import { type Theme, useTheme, useThemeActions } from './theme-store.ts';

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
      </header>
      <StaleSourcesBanner source={source.success ? source.data : undefined} onOpenStatus={() => navigate(paths.status)} />
      <Notices />
      <main id="main">{pathname === paths.status ? <StatusPage /> : <QueuePage />}</main>
      {conflictsOf ? <ConflictDialog recommendationId={conflictsOf} onClose={() => setSearch({ conflictsOf: undefined })} /> : null}
    </div>
  );
}
