/**
 * The rules page: the auto-apply rules (current versions) on the left, the chosen one (`?rule=<id>`, or `?rule=new`)
 * in the editor on the right, so a link opens a rule. Only admins change rules, preview and backtest; everyone
 * signed in can read them and what they decided.
 */
import { useQuery } from '@tanstack/react-query';
import type { MouseEvent } from 'react';
import { paths } from '../../shared/paths.ts';
import { ProblemMessage } from '../../shared/ui/ProblemMessage.tsx';
import { useSearchParams } from '../../shared/use-search-params.ts';
import { RuleEditor } from './RuleEditor.tsx';
import { ruleQueries } from './rules-queries.ts';
import './rules.css';

const MODE_WORDS = { off: 'off', shadow: 'shadow', on: 'on' } as const;

/** `canEdit`: the signed-in person is an admin (the app shell knows the session). */
export function RulesPage({ canEdit }: { canEdit: boolean }) {
  const [params, setSearch] = useSearchParams();
  const rules = useQuery(ruleQueries.list());
  const chosen = params.get('rule');
  const items = rules.data?.items ?? [];
  const rule = chosen && chosen !== 'new' ? items.find((r) => r.id === chosen) : undefined;
  const editing = chosen === 'new' || rule !== undefined;

  const open = (id: string) => (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    setSearch({ rule: id });
  };

  return (
    <section aria-labelledby="rules-heading" className="page">
      <header className="page-header">
        <h1 id="rules-heading">Auto-apply rules</h1>
        <div className="page-header-actions">
          <button type="button" disabled={!canEdit} onClick={() => setSearch({ rule: 'new' })}>
            New rule
          </button>
        </div>
      </header>
      {canEdit ? null : (
        <p className="muted">You can read the rules and what they decided; only an admin can write, preview, backtest or switch them on.</p>
      )}
      <div className="rules-layout">
        <nav aria-label="Rules" className="rules-list panel">
          <h2>Rules</h2>
          {rules.isPending ? (
            <div className="skeleton-block" role="status" aria-label="Loading the rules">
              <div className="skeleton-line" />
              <div className="skeleton-line short" />
            </div>
          ) : rules.isError ? (
            <ProblemMessage error={rules.error} fallback="The rules could not be loaded" onRetry={() => rules.refetch()} />
          ) : items.length === 0 ? (
            <p className="muted">
              No rules yet. {canEdit ? 'Press “New rule” to write one; start it in shadow mode to see what it would do.' : ''}
            </p>
          ) : (
            <ul>
              {items.map((r) => (
                <li key={r.id}>
                  <a href={`${paths.rules}?rule=${r.id}`} aria-current={r.id === chosen ? 'page' : undefined} onClick={open(r.id)}>
                    <strong>{r.name}</strong>
                    <span className="muted">
                      {' '}
                      · v{r.version} · {MODE_WORDS[r.mode]}
                    </span>
                  </a>
                </li>
              ))}
            </ul>
          )}
        </nav>
        <div>
          {editing ? (
            <RuleEditor key={rule ? `${rule.id}@${rule.version}` : 'new'} rule={rule ?? null} canEdit={canEdit} />
          ) : chosen && !rules.isPending ? (
            <div className="empty-state">
              <p>This rule does not exist, or it is not visible to you.</p>
            </div>
          ) : (
            <div className="empty-state">
              <p>Choose a rule on the left to see it, its preview, backtest and decisions.</p>
              {canEdit ? <p>Or press “New rule” to write one.</p> : null}
            </div>
          )}
        </div>
      </div>
    </section>
  );
}
