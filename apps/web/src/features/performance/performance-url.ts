/**
 * What the performance screen shows lives in the URL, so a link reproduces it: the entity (`campaign:123`), the
 * range (`from`, `to`; absent: the server's default, the last 60 days), the metrics and the selected change. Invalid
 * values are dropped, never sent to the server.
 */
import { type EntityKey, EntityKeySchema, type PerformanceMetric, PerformanceMetricSchema } from '@recdesk/shared-types';
import { z } from 'zod';
import { paths } from '../../shared/paths.ts';
import { DEFAULT_METRICS } from './performance-metrics.ts';

const IsoDate = z.iso.date();

export interface PerformanceView {
  entity: EntityKey | null;
  from?: string;
  to?: string;
  metrics: PerformanceMetric[];
  change?: string;
}

export function parsePerformanceView(params: URLSearchParams): PerformanceView {
  const entity = EntityKeySchema.safeParse(params.get('entity'));
  const from = IsoDate.safeParse(params.get('from'));
  const to = IsoDate.safeParse(params.get('to'));
  const metrics = (params.get('metrics') ?? '')
    .split(',')
    .map((metric) => PerformanceMetricSchema.safeParse(metric.trim()))
    .flatMap((parsed) => (parsed.success ? [parsed.data] : []));
  const change = z.uuid().safeParse(params.get('change'));
  return {
    entity: entity.success ? entity.data : null,
    ...(from.success ? { from: from.data } : {}),
    ...(to.success ? { to: to.data } : {}),
    metrics: metrics.length > 0 ? [...new Set(metrics)] : [...DEFAULT_METRICS],
    ...(change.success ? { change: change.data } : {}),
  };
}

/** The link to a campaign's chart, optionally with one change selected (its windows shaded, its impact shown). */
export function performanceHref(entity: string, change?: string): string {
  const params = new URLSearchParams({ entity });
  if (change) params.set('change', change);
  return `${paths.performance}?${params}`;
}

/** The campaign an item's chart is about: a keyword's or ad group's change is read on its campaign's series. */
export function campaignEntityOf(entity: { campaignId?: string | null }): EntityKey | null {
  const parsed = EntityKeySchema.safeParse(entity.campaignId ? `campaign:${entity.campaignId}` : null);
  return parsed.success ? parsed.data : null;
}
