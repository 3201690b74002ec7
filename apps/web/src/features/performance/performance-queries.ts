/**
 * The measurement query factory: a campaign's daily series with its change markers (`GET /api/performance`), one
 * applied item's measured impact (`GET /api/impact/:id`) and the portfolio's measured items with their aggregates
 * (`GET /api/impact`). Every input of a request is in its key.
 */

import type { RecommendationKind } from '@recdesk/shared-types';
import {
  type EntityKey,
  ImpactListSchema,
  ItemImpactSchema,
  PerformanceSeriesSchema,
  type RecommendationSource,
} from '@recdesk/shared-types';
import { queryOptions } from '@tanstack/react-query';
import { ApiError, apiRequest } from '../../shared/api-client.ts';

export interface PortfolioFilters {
  advertiserId?: string;
  source?: RecommendationSource;
  kind?: RecommendationKind;
  /** The reporting currency of the totals (ISO 4217); the server's default (USD) when absent. */
  currency?: string;
}

/** The portfolio reads every measured item it can in one answer: the bands of the aggregates are built from them. */
const PORTFOLIO_LIMIT = 1000;

export const measurementQueries = {
  all: () => ['measurement'] as const,
  series: (entity: EntityKey, range: { from?: string; to?: string }) =>
    queryOptions({
      queryKey: [...measurementQueries.all(), 'performance', entity, range.from ?? null, range.to ?? null] as const,
      queryFn: ({ signal }) => apiRequest(PerformanceSeriesSchema, '/api/performance', { query: { entity, ...range }, signal }),
    }),
  itemImpact: (recommendationId: string) =>
    queryOptions({
      queryKey: [...measurementQueries.all(), 'impact', recommendationId] as const,
      // Not measured yet (no record for the item) is an answer, not a failure: the screen says so.
      queryFn: async ({ signal }) => {
        try {
          return await apiRequest(ItemImpactSchema, `/api/impact/${encodeURIComponent(recommendationId)}`, { signal });
        } catch (error) {
          if (error instanceof ApiError && error.problem.status === 404) return null;
          throw error;
        }
      },
    }),
  portfolio: (filters: PortfolioFilters) =>
    queryOptions({
      queryKey: [...measurementQueries.all(), 'portfolio', filters] as const,
      queryFn: ({ signal }) => apiRequest(ImpactListSchema, '/api/impact', { query: { ...filters, limit: PORTFOLIO_LIMIT }, signal }),
    }),
};
