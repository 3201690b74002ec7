/** What the SP sources' integration tests share: a fast BFF and reading back one source's items. */
import type { Recommendation, RecommendationPage } from '@recdesk/shared-types';
import type { TestBff } from '../../testing/test-runtime.ts';

/** The simulator's rate limits are not under test in these files; a high client rate keeps runs short. */
export const FAST_CLIENT = { ADS_RATE_LIMIT_PER_SECOND: '1000', ADS_RATE_LIMIT_CONCURRENCY: '10' };

/** A whole sync against PGlite takes tens of seconds on a loaded machine: a bound for hangs, not a speed check. */
export const SP_TEST_TIMEOUT_MS = 180_000;

export async function itemsOf(bff: TestBff, source: string): Promise<Recommendation[]> {
  const items: Recommendation[] = [];
  let cursor: string | null = null;
  do {
    const page: RecommendationPage = (
      await bff.http
        .get('/api/recommendations')
        .query({ source, limit: 200, ...(cursor ? { cursor } : {}) })
        .expect(200)
    ).body;
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}
