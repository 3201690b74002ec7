/** The lanes as links: each is a URL, so it can be opened in a new tab or shared. */
import type { QueueFilters } from '../../shared/recommendations/recommendation-queries.ts';
import { activeLane, LANE_KEYS, QUEUE_LANES } from './queue-lanes.ts';
import { type FilterUpdate, toSearch } from './use-queue-filters.ts';

export function QueueLanes({ filters, setFilters }: { filters: QueueFilters; setFilters: (next: FilterUpdate) => void }) {
  const current = activeLane(filters);
  return (
    <nav aria-label="Queues" className="lanes">
      <ul>
        {QUEUE_LANES.map((lane) => {
          const next = { ...Object.fromEntries(LANE_KEYS.map((key) => [key, undefined])), ...lane.filters };
          const href = `?${toSearch({ ...filters, ...next } as QueueFilters)}`;
          return (
            <li key={lane.id}>
              <a
                href={href}
                aria-current={current?.id === lane.id ? 'page' : undefined}
                onClick={(event) => {
                  event.preventDefault();
                  setFilters(Object.fromEntries(Object.entries(next).map(([k, v]) => [k, v === undefined ? undefined : String(v)])));
                }}
              >
                {lane.label}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
