/**
 * The queue's lanes: presets over the URL filters. The unified queue shows everything by priority; the goal lanes
 * follow the seeds' grouping of insight services (performance optimisation, strategic planning, growth and
 * expansion); "Expiring soon" is the next week by time to expiry and "Urgent" is what lapses within a day.
 */
import type { QueueFilters } from '../../shared/recommendations/recommendation-queries.ts';

export const URGENT_WITHIN_HOURS = 24;
export const EXPIRING_SOON_WITHIN_HOURS = 7 * 24;

export interface QueueLane {
  id: string;
  label: string;
  filters: QueueFilters;
}

export const QUEUE_LANES: readonly QueueLane[] = [
  { id: 'all', label: 'All', filters: {} },
  { id: 'performance', label: 'Performance', filters: { goal: 'performance' } },
  { id: 'strategic', label: 'Strategic planning', filters: { goal: 'strategic' } },
  { id: 'growth', label: 'Growth', filters: { goal: 'growth' } },
  { id: 'expiring', label: 'Expiring soon', filters: { expiringWithin: EXPIRING_SOON_WITHIN_HOURS, sort: 'expiresAt' } },
  { id: 'urgent', label: 'Urgent', filters: { expiringWithin: URGENT_WITHIN_HOURS, sort: 'expiresAt' } },
];

/** The URL keys a lane owns: choosing a lane resets these and keeps the others (advertiser, source...). */
export const LANE_KEYS = ['goal', 'expiringWithin', 'sort'] as const;

/** The lane the filters are in; the sort is the lane's default, so re-sorting a lane keeps it current. */
export function activeLane(filters: QueueFilters): QueueLane | undefined {
  return QUEUE_LANES.find((lane) => filters.goal === lane.filters.goal && filters.expiringWithin === lane.filters.expiringWithin);
}
