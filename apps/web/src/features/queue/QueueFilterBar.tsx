/** The queue's filters: each one writes the URL, and the list follows the URL. */
import { AD_PRODUCT_LABELS, AD_PRODUCTS, LIFECYCLE_STATUSES, RECOMMENDATION_SORTS, RecommendationGoalSchema } from '@recdesk/shared-types';
import { useEffect, useState } from 'react';
import { AdvertiserCombobox } from '../../shared/advertisers/AdvertiserCombobox.tsx';
import type { QueueFilters } from '../../shared/recommendations/recommendation-queries.ts';
import { KindSelect, SourceSelect } from '../../shared/ui/SourceAndKindSelects.tsx';
import { FILTER_KEYS, type FilterUpdate } from './use-queue-filters.ts';

const SORT_LABELS: Record<(typeof RECOMMENDATION_SORTS)[number], string> = {
  generatedAt: 'Newest first',
  priority: 'Priority',
  expiresAt: 'Expiring soonest',
  impactScore: 'Impact score',
  confidence: 'Confidence',
};

const EXPIRY_WINDOWS = [
  { hours: 24, label: 'within 24 hours' },
  { hours: 72, label: 'within 3 days' },
  { hours: 168, label: 'within 7 days' },
  { hours: 720, label: 'within 30 days' },
];

/** A text filter that writes the URL once typing pauses, so each keystroke does not start a request. */
function useDebouncedInput(value: string | undefined, commit: (value: string) => void) {
  const [draft, setDraft] = useState(value ?? '');
  useEffect(() => setDraft(value ?? ''), [value]);
  useEffect(() => {
    if (draft.trim() === (value ?? '')) return;
    const timer = setTimeout(() => commit(draft.trim()), 300);
    return () => clearTimeout(timer);
  }, [draft, value, commit]);
  return [draft, setDraft] as const;
}

export function QueueFilterBar({ filters, setFilters }: { filters: QueueFilters; setFilters: (next: FilterUpdate) => void }) {
  const [q, setQ] = useDebouncedInput(filters.q, (value) => setFilters({ q: value }));
  const active = FILTER_KEYS.some((key) => filters[key] !== undefined);

  return (
    <form className="filters" aria-label="Filters" onSubmit={(event) => event.preventDefault()}>
      <label>
        Search
        <input type="search" value={q} onChange={(event) => setQ(event.target.value)} placeholder="Title, advertiser, campaign…" />
      </label>
      <AdvertiserCombobox value={filters.advertiserId} onChange={(id) => setFilters({ advertiserId: id })} />
      <SourceSelect value={filters.source} onChange={(value) => setFilters({ source: value })} />
      <label>
        Ad product
        <select value={filters.adProduct ?? ''} onChange={(event) => setFilters({ adProduct: event.target.value })}>
          <option value="">All ad products</option>
          {AD_PRODUCTS.map((product) => (
            <option key={product} value={product}>
              {AD_PRODUCT_LABELS[product]}
            </option>
          ))}
        </select>
      </label>
      <KindSelect value={filters.kind} onChange={(value) => setFilters({ kind: value })} />
      <label>
        Goal
        <select value={filters.goal ?? ''} onChange={(event) => setFilters({ goal: event.target.value })}>
          <option value="">All goals</option>
          {RecommendationGoalSchema.options.map((goal) => (
            <option key={goal} value={goal}>
              {goal}
            </option>
          ))}
        </select>
      </label>
      <label>
        Status
        <select value={filters.status ?? ''} onChange={(event) => setFilters({ status: event.target.value })}>
          <option value="">Any status</option>
          {LIFECYCLE_STATUSES.map((status) => (
            <option key={status} value={status}>
              {status.replace('_', ' ')}
            </option>
          ))}
        </select>
      </label>
      <label>
        Freshness
        <select value={filters.freshness ?? ''} onChange={(event) => setFilters({ freshness: event.target.value })}>
          <option value="">Any freshness</option>
          <option value="fresh">fresh</option>
          <option value="aging">aging</option>
          <option value="stale">stale</option>
        </select>
      </label>
      <label>
        Expires
        <select
          value={filters.expiringWithin === undefined ? '' : String(filters.expiringWithin)}
          onChange={(event) => setFilters({ expiringWithin: event.target.value })}
        >
          <option value="">Any time</option>
          {EXPIRY_WINDOWS.map((w) => (
            <option key={w.hours} value={w.hours}>
              {w.label}
            </option>
          ))}
          {filters.expiringWithin !== undefined && !EXPIRY_WINDOWS.some((w) => w.hours === filters.expiringWithin) ? (
            <option value={filters.expiringWithin}>within {filters.expiringWithin} hours</option>
          ) : null}
        </select>
      </label>
      <label>
        Conflicts
        <select
          value={filters.conflicted === undefined ? '' : String(filters.conflicted)}
          onChange={(event) => setFilters({ conflicted: event.target.value })}
        >
          <option value="">With or without</option>
          <option value="true">Only conflicting</option>
          <option value="false">Without conflicts</option>
        </select>
      </label>
      <label>
        Sort by
        <select value={filters.sort ?? ''} onChange={(event) => setFilters({ sort: event.target.value })}>
          <option value="">Newest first</option>
          {RECOMMENDATION_SORTS.filter((s) => s !== 'generatedAt').map((sort) => (
            <option key={sort} value={sort}>
              {SORT_LABELS[sort]}
            </option>
          ))}
        </select>
      </label>
      {active ? (
        <button
          type="button"
          className="button-secondary clear-filters"
          onClick={() => setFilters(Object.fromEntries(FILTER_KEYS.map((key) => [key, undefined])))}
        >
          Clear filters
        </button>
      ) : null}
    </form>
  );
}
