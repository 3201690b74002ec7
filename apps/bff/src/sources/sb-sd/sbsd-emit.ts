/** One normaliser result as what a source yields: the item (first time its id is seen in the run), or its quarantine. */
import type { NormaliseResult, SeenIds } from '../shared/sp-recommendation.ts';
import type { SourceItem } from '../source-adapter.ts';

export function emit(result: NormaliseResult | null, seen: SeenIds, location: string): SourceItem | null {
  if (!result) return null;
  if (!result.ok) return { type: 'quarantined', reason: result.reason, location, raw: result.raw };
  return seen.first(result.recommendation.sourceRecommendationId)
    ? { type: 'recommendation', recommendation: result.recommendation }
    : null;
}
