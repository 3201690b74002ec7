/**
 * A banner on every page when a source the user is looking at is stale: the source filtered on, or, when the view
 * is not filtered, every enabled source with items in the queue. Stays silent while the status is unknown.
 */
import { type RecommendationSource, SOURCE_LABELS } from '@recdesk/shared-types';
import { useQuery } from '@tanstack/react-query';
import { formatRelative } from '../../shared/format.ts';
import { paths } from '../../shared/paths.ts';
import { healthQueries } from './health-queries.ts';

export function StaleSourcesBanner({ source, onOpenStatus }: { source: RecommendationSource | undefined; onOpenStatus: () => void }) {
  const sources = useQuery({ ...healthQueries.sources(), retry: false });
  const stale = (sources.data?.sources ?? []).filter(
    // The sources in view: the one filtered on, or else those whose items are in the queue at all.
    (s) => s.enabled && s.freshness === 'stale' && (source === undefined ? s.counts.recommendations > 0 : s.source === source),
  );
  if (stale.length === 0) return null;
  return (
    <section className="banner banner-warning" aria-label="Stale data">
      <p>
        <strong>Stale data:</strong>{' '}
        {stale
          .map((s) => {
            const lastUpdated = s.lastSuccessAt ? `last updated ${formatRelative(s.lastSuccessAt)}` : 'not synced completely yet';
            // A run under way is the catch-up the banner would ask for: say so, rather than "never" on a first start.
            return `${SOURCE_LABELS[s.source]} ${lastUpdated}${s.lastRun?.status === 'running' ? ' (syncing now)' : ''}`;
          })
          .join('; ')}
        . Recommendations from {stale.length === 1 ? 'it' : 'them'} may no longer match your campaigns: sync now, or check the{' '}
        <a
          href={paths.status}
          onClick={(event) => {
            event.preventDefault();
            onOpenStatus();
          }}
        >
          status page
        </a>
        .
      </p>
    </section>
  );
}
