/** Contracts of the recommendation endpoints: `GET /api/recommendations`, `GET /api/recommendations/:id`. */
import { z } from 'zod';
import { LifecycleStatusSchema } from '../model/lifecycle.ts';
import { RecommendationDetailSchema, RecommendationSchema } from '../model/recommendation.ts';
import { RecommendationSourceSchema } from '../model/source.ts';

/** Strict: an unknown query parameter is a 400, so a typo never silently returns everything. */
export const ListRecommendationsQuerySchema = z.strictObject({
  source: RecommendationSourceSchema.optional(),
  advertiserId: z.string().min(1).max(100).optional(),
  status: LifecycleStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().min(1).max(500).optional(),
});
export type ListRecommendationsQuery = z.infer<typeof ListRecommendationsQuerySchema>;

export const RecommendationPageSchema = z.object({
  items: z.array(RecommendationSchema),
  nextCursor: z.string().nullable(),
  total: z.number().int().nonnegative(),
});
export type RecommendationPage = z.infer<typeof RecommendationPageSchema>;

export const RecommendationIdParamsSchema = z.strictObject({ id: z.uuid() });
export type RecommendationIdParams = z.infer<typeof RecommendationIdParamsSchema>;

export const RecommendationDetailResponseSchema = RecommendationDetailSchema;
