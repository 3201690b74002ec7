/** Contracts of `GET /api/conflicts`: contradictions between open recommendations, found across sources. */
import { z } from 'zod';
import { RecommendationSchema } from '../model/recommendation.ts';
import { AdvertiserIdInputSchema } from './safe-input.ts';

export const CONFLICT_KINDS = [
  /** Bid up from one item, bid down from another (or budget up and down) on the same entity. */
  'opposite_directions',
  /** A budget cut on a campaign while bid increases on its keywords / targets / placements are pending. */
  'budget_cut_with_bid_increase',
  /** A budget cut together with expansion (new keywords, targets, ad groups, creative or placement expansion). */
  'budget_cut_with_expansion',
  /** Pausing or archiving an entity while another item changes it or its children. */
  'pause_with_change',
  /** The same change proposed by several sources: one primary, the others superseded. */
  'duplicate',
  /** The same entity set to different values by two items (budget to 60 vs budget to 80). */
  'disagreeing_values',
  /**
   * Across ad products of one advertiser and marketplace: a Sponsored Brands or Display budget raise while a Sponsored
   * Products budget on the same product is cut (they share the advertiser's money and shoppers).
   */
  'cross_product_budget',
  /** A Sponsored Display audience expansion while a Sponsored Products budget on the same product is cut. */
  'audience_expansion_during_budget_cut',
  /** A new headline for a campaign whose budget is being cut to zero: nobody would see it. */
  'creative_on_unfunded_campaign',
  /**
   * Across goals (issue 15): a plan drafted from a reach forecast raises a campaign's budget while a budget cut on
   * another campaign of the same portfolio is pending (on the same campaign it is opposite_directions).
   */
  'plan_spend_during_budget_cut',
  /** A planned audience target (new reach) while a budget cut on another campaign of the same portfolio is pending. */
  'plan_audience_during_budget_cut',
  /** A budget cut on a campaign that Marketing Stream reports at 100 % of its budget today (issue 17). */
  'budget_cut_while_exhausted',
] as const;
export const ConflictKindSchema = z.enum(CONFLICT_KINDS);
export type ConflictKind = z.infer<typeof ConflictKindSchema>;

export const ConflictStatusSchema = z.enum(['open', 'resolved']);

export const ConflictSchema = z.object({
  id: z.uuid(),
  kind: ConflictKindSchema,
  status: ConflictStatusSchema,
  advertiserId: z.string(),
  /** The entity the contradiction is about, e.g. `campaign:123`. */
  entityKey: z.string(),
  explanation: z.string(),
  suggestedResolution: z.string(),
  memberIds: z.array(z.uuid()).min(2),
  /** For duplicates: the member kept as primary. */
  primaryId: z.uuid().nullable(),
  detectedAt: z.iso.datetime(),
  resolvedAt: z.iso.datetime().nullable(),
  resolution: z.string().nullable(),
});
export type Conflict = z.infer<typeof ConflictSchema>;

export const ConflictWithMembersSchema = ConflictSchema.extend({ members: z.array(RecommendationSchema) });
export type ConflictWithMembers = z.infer<typeof ConflictWithMembersSchema>;

export const ListConflictsQuerySchema = z.strictObject({
  advertiserId: AdvertiserIdInputSchema.optional(),
  status: ConflictStatusSchema.optional(),
  recommendationId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type ListConflictsQuery = z.infer<typeof ListConflictsQuerySchema>;

export const ConflictListSchema = z.object({ items: z.array(ConflictWithMembersSchema), total: z.number().int().nonnegative() });
export type ConflictList = z.infer<typeof ConflictListSchema>;

/** `POST /api/conflicts/detect`: run the engine now, for one advertiser or all. */
export const DetectConflictsQuerySchema = z.strictObject({ advertiserId: AdvertiserIdInputSchema.optional() });
export type DetectConflictsQuery = z.infer<typeof DetectConflictsQuerySchema>;

export const DetectConflictsResultSchema = z.object({
  advertisers: z.number().int().nonnegative(),
  /** Conflicts open after the run. */
  open: z.number().int().nonnegative(),
  opened: z.number().int().nonnegative(),
  resolved: z.number().int().nonnegative(),
  /** Duplicates moved to `superseded` by this run. */
  superseded: z.number().int().nonnegative(),
});
export type DetectConflictsResult = z.infer<typeof DetectConflictsResultSchema>;

export const ConflictIdParamsSchema = z.strictObject({ id: z.uuid() });
