/** The advertiser's drafted plans, newest first: what each changes, where it stands, and its forecast beside its impact. */
import { useQuery } from '@tanstack/react-query';
import type { MouseEvent } from 'react';
import { paths } from '../../shared/paths.ts';
import { ProblemMessage } from '../../shared/ui/ProblemMessage.tsx';
import { useNavigate } from '../../shared/use-location.ts';
import { ForecastAgainstImpact, PlannedForecast } from './PlannedForecast.tsx';
import { planQueries } from './plan-queries.ts';

export function PlanDraftsList({ advertiserId }: { advertiserId: string }) {
  const drafts = useQuery(planQueries.drafts(advertiserId));
  const navigate = useNavigate();
  const open = (href: string) => (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(href);
  };
  if (drafts.isError)
    return <ProblemMessage error={drafts.error} fallback="The drafted plans could not be loaded" onRetry={() => drafts.refetch()} />;
  const items = drafts.data?.items ?? [];
  return (
    <section aria-labelledby="plan-drafts-title" className="card plan-profile">
      <h2 id="plan-drafts-title">Drafted plans</h2>
      {drafts.isPending ? (
        <p className="muted">Loading…</p>
      ) : items.length === 0 ? (
        <p className="muted">No plans drafted yet: draft one from a forecast above.</p>
      ) : (
        <ul className="plan-drafts">
          {items.map(({ item, plan, impact }) => {
            const href = `${paths.queue}?item=${item.id}`;
            return (
              <li key={item.id}>
                <p>
                  <a href={href} onClick={open(href)}>
                    {item.title}
                  </a>{' '}
                  <span className="badge">{item.status.replace('_', ' ')}</span>
                </p>
                <PlannedForecast plan={plan} />
                <ForecastAgainstImpact plan={plan} impact={impact} />
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
