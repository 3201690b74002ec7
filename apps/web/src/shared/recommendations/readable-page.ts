/**
 * A page of the queue read row by row. The page's envelope must match the contract, but one row the SPA cannot read
 * (a value added on the server after this build, such as a new source or status) must not hide the rows it can: the
 * readable rows are shown and the others counted, so the queue can say how many it left out and why.
 */
import { ActionableRecommendationSchema, RecommendationPageSchema } from '@recdesk/shared-types';
import { z } from 'zod';

export const ReadableRecommendationPageSchema = RecommendationPageSchema.extend({ items: z.array(z.unknown()) }).transform(
  ({ items, ...page }) => {
    const readable: z.infer<typeof ActionableRecommendationSchema>[] = [];
    let unreadable = 0;
    for (const raw of items) {
      const row = ActionableRecommendationSchema.safeParse(raw);
      if (row.success) readable.push(row.data);
      else unreadable += 1;
    }
    return { ...page, items: readable, unreadable };
  },
);
export type ReadableRecommendationPage = z.infer<typeof ReadableRecommendationPageSchema>;

/** Rows of every loaded page that this build could not read. */
export function unreadableRows(pages: readonly ReadableRecommendationPage[] | undefined): number {
  return (pages ?? []).reduce((sum, page) => sum + page.unreadable, 0);
}
