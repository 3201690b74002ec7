/**
 * The detail drawer's "Performance" section: the link to the campaign's chart for any item on a campaign, and for an
 * applied item its measured impact (measuring until D / measured with band and verdict / not measurable).
 */
import type { RecommendationDetail } from '@recdesk/shared-types';
import { useQuery } from '@tanstack/react-query';
import type { MouseEvent } from 'react';
import { ProblemMessage } from '../../shared/ui/ProblemMessage.tsx';
import { useNavigate } from '../../shared/use-location.ts';
import { MeasuredImpact } from './MeasuredImpact.tsx';
import { measurementQueries } from './performance-queries.ts';
import { campaignEntityOf, performanceHref } from './performance-url.ts';

const APPLIED_STATUSES: ReadonlySet<string> = new Set(['applied', 'measured', 'rolled_back']);

export function ItemPerformanceSection({ item }: { item: RecommendationDetail }) {
  const navigate = useNavigate();
  const entity = campaignEntityOf(item.entity);
  const applied = APPLIED_STATUSES.has(item.status);
  if (!entity && !applied) return null;
  const href = entity ? performanceHref(entity, applied ? item.id : undefined) : null;
  // A keyword or target change is measured on its own series (issue 19): its chart is the one that shows the effect.
  const { level, targetId } = item.entity;
  const targetingHref =
    (level === 'keyword' || level === 'target') && targetId && /^[A-Za-z0-9_-]{1,64}$/.test(targetId)
      ? performanceHref(`${level}:${targetId}`, applied ? item.id : undefined)
      : null;
  const open = (to: string | null) => (event: MouseEvent<HTMLAnchorElement>) => {
    if (!to || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <section aria-labelledby="drawer-performance" className="drawer-section">
      <h3 id="drawer-performance">Performance</h3>
      {applied ? <AppliedImpact id={item.id} currency={item.action.currency ?? null} /> : null}
      {targetingHref ? (
        <p>
          <a href={targetingHref} onClick={open(targetingHref)}>
            Open the {level}'s performance chart
          </a>
        </p>
      ) : null}
      {href ? (
        <p>
          <a href={href} onClick={open(href)}>
            Open {targetingHref ? "the campaign's " : ''}performance chart
          </a>
        </p>
      ) : (
        <p className="muted">This item acts on no campaign, so there is no chart to show.</p>
      )}
    </section>
  );
}

function AppliedImpact({ id, currency }: { id: string; currency: string | null }) {
  const impact = useQuery(measurementQueries.itemImpact(id));
  return (
    <section aria-labelledby="drawer-measured-impact">
      <h4 id="drawer-measured-impact">Measured impact</h4>
      {impact.isPending ? (
        <div className="skeleton-line" role="status" aria-label="Loading the measured impact" />
      ) : impact.isError ? (
        <ProblemMessage error={impact.error} fallback="The measured impact could not be loaded" onRetry={() => impact.refetch()} />
      ) : (
        <MeasuredImpact impact={impact.data} currency={currency} />
      )}
    </section>
  );
}
