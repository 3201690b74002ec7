/** Contracts of the recommendation endpoints: `GET /api/recommendations`, `GET /api/recommendations/:id`. */
import { z } from 'zod';
import { AllowedActionsSchema } from '../model/item-actions.ts';
import { LifecycleStatusSchema } from '../model/lifecycle.ts';
import {
  ActionableRecommendationSchema,
  RecommendationDetailSchema,
  RecommendationGoalSchema,
  RecommendationKindSchema,
} from '../model/recommendation.ts';
import { AdProductSchema, FreshnessSchema, RecommendationSourceSchema } from '../model/source.ts';
import { AdvertiserIdInputSchema, boundedInstant, cursorOf, safeText } from './safe-input.ts';

export const RECOMMENDATION_SORTS = ['generatedAt', 'priority', 'expiresAt', 'impactScore', 'confidence'] as const;
export const RecommendationSortSchema = z.enum(RECOMMENDATION_SORTS);
export type RecommendationSort = z.infer<typeof RecommendationSortSchema>;

const TIME_SORTS: ReadonlySet<string> = new Set<RecommendationSort>(['generatedAt', 'expiresAt']);
/**
 * The queue's keyset cursor (base64url JSON): the sort, the last row's sort value and its id. A time sort's value is
 * an instant (or `infinity` for "never expires"); a number sort's is a finite number (or `-Infinity` for "none").
 * `t` and `e` carry the first page's total and whether it was an estimate (issue 18, item 4): a next page answers
 * them instead of counting again, so only the first page of a list pays for its total. They are display figures
 * only (a tampered one misleads only its sender; the rows are filtered and scoped as always).
 */
export const RecommendationCursorSchema = z
  .strictObject({
    s: RecommendationSortSchema,
    v: z.union([z.number().finite(), boundedInstant(), z.literal('infinity'), z.literal('-Infinity')]),
    id: z.uuid(),
    t: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
    e: z.boolean().optional(),
  })
  .refine(
    (cursor) =>
      TIME_SORTS.has(cursor.s)
        ? cursor.v === 'infinity' || (typeof cursor.v === 'string' && cursor.v !== '-Infinity')
        : typeof cursor.v === 'number' || cursor.v === '-Infinity',
    { path: ['v'], message: "does not fit the cursor's sort" },
  );
export type RecommendationCursor = z.infer<typeof RecommendationCursorSchema>;

/** Query-string booleans: only the words `true` and `false`. */
const QueryBooleanSchema = z.enum(['true', 'false']).transform((value) => value === 'true');

/** Strict: an unknown query parameter is a 400, so a typo never silently returns everything. */
export const ListRecommendationsQuerySchema = z.strictObject({
  source: RecommendationSourceSchema.optional(),
  /** Sponsored Products, Brands or Display: the items of the sources of that ad product. */
  adProduct: AdProductSchema.optional(),
  advertiserId: AdvertiserIdInputSchema.optional(),
  status: LifecycleStatusSchema.optional(),
  kind: RecommendationKindSchema.optional(),
  goal: RecommendationGoalSchema.optional(),
  freshness: FreshnessSchema.optional(),
  conflicted: QueryBooleanSchema.optional(),
  /** Only items still waiting for a decision that expire within this many hours from now ("expiring soon" lane). */
  expiringWithin: z.coerce
    .number()
    .positive()
    .max(24 * 365)
    .optional(),
  /** Free text over title, advertiser name and entity names. */
  q: safeText().trim().min(1).max(200).optional(),
  /** Sort key; `expiresAt` sorts soonest first, the others highest / newest first. */
  sort: RecommendationSortSchema.default('generatedAt'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: cursorOf(RecommendationCursorSchema).optional(),
});
export type ListRecommendationsQuery = z.infer<typeof ListRecommendationsQuerySchema>;

export const RecommendationPageSchema = z.object({
  items: z.array(ActionableRecommendationSchema),
  nextCursor: z.string().nullable(),
  /**
   * Exact up to 10,000 matching items; beyond, the database's estimate (then `totalIsEstimate` is true). Counted for
   * a first page; a next page repeats the total its cursor carries (the one the first page answered).
   */
  total: z.number().int().nonnegative(),
  /** True when `total` is an estimate (more than 10,000 items match); absent or false: it is exact. */
  totalIsEstimate: z.boolean().optional(),
});
export type RecommendationPage = z.infer<typeof RecommendationPageSchema>;

export const RecommendationIdParamsSchema = z.strictObject({ id: z.uuid() });
export type RecommendationIdParams = z.infer<typeof RecommendationIdParamsSchema>;

export const RecommendationDetailResponseSchema = RecommendationDetailSchema.extend({ actions: AllowedActionsSchema });
export type RecommendationDetailResponse = z.infer<typeof RecommendationDetailResponseSchema>;
