/**
 * When RecDesk first stored each unified recommendation: the Recommendations API dates none of its items, so an
 * undated item keeps the date of its first sighting instead of taking the fetch date again every day (which would
 * change it, bump its version and void an approval in progress).
 */
import type { Db } from '../../db/database.ts';
import type { FirstSeenLookup } from './recs-source.ts';

export function firstSeenIn(db: Db): FirstSeenLookup {
  return async (recommendationIds) => {
    if (recommendationIds.length === 0) return new Map();
    const rows = await db
      .selectFrom('recommendations')
      .select(['source_recommendation_id', 'generated_at'])
      .where('source', '=', 'unified-recommendations')
      .where('source_recommendation_id', 'in', [...recommendationIds])
      .execute();
    return new Map(rows.map((row) => [row.source_recommendation_id, new Date(row.generated_at).toISOString()]));
  };
}
