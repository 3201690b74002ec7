/**
 * The one normalised recommendation every source maps into. Sources keep what they know in `raw`; everything a
 * person, a rule or the conflict engine reasons about is lifted into typed fields here.
 */
import { z } from 'zod';
import { AllowedActionsSchema } from './item-actions.ts';
import { LifecycleStatusSchema } from './lifecycle.ts';
import { FreshnessSchema, RecommendationSourceSchema } from './source.ts';

export const RecommendationKindSchema = z.enum(['bid', 'budget', 'targeting', 'creative', 'audience', 'strategic']);
export type RecommendationKind = z.infer<typeof RecommendationKindSchema>;

/** The seeds group insight services by goal: strategic planning, performance optimisation, growth and expansion. */
export const RecommendationGoalSchema = z.enum(['performance', 'strategic', 'growth']);
export type RecommendationGoal = z.infer<typeof RecommendationGoalSchema>;

export const EntityLevelSchema = z.enum([
  'advertiser',
  'portfolio',
  'campaign',
  'ad-group',
  'keyword',
  'target',
  'placement',
  'product',
  'brand',
]);
export type EntityLevel = z.infer<typeof EntityLevelSchema>;

/**
 * The entity a recommendation acts on, with ids and names up the chain (profile → portfolio → campaign → ad group →
 * keyword / target). Ids are the Ads API's own (strings, since some are encrypted). Names are joined in by the source
 * where the API offers them, so a person reads "Campaign X" rather than a bare id.
 */
export const EntityRefSchema = z.object({
  level: EntityLevelSchema,
  portfolioId: z.string().nullable().default(null),
  campaignId: z.string().nullable().default(null),
  campaignName: z.string().nullable().default(null),
  adGroupId: z.string().nullable().default(null),
  adGroupName: z.string().nullable().default(null),
  /** Keyword id or target (clause) id, or the placement name for placement-level items. */
  targetId: z.string().nullable().default(null),
  /** The keyword text, the targeting expression or the ASIN a target points at. */
  targetText: z.string().nullable().default(null),
  matchType: z.string().nullable().default(null),
  asin: z.string().nullable().default(null),
  brandName: z.string().nullable().default(null),
});
export type EntityRef = z.infer<typeof EntityRefSchema>;

export const ActionTypeSchema = z.enum([
  'set-budget',
  'set-bid',
  'set-bid-adjustment',
  'set-bidding-strategy',
  'set-state',
  'set-end-date',
  'add-keyword',
  'add-target',
  'add-negative',
  'create-campaign',
  'create-ad-group',
  'budget-rule',
  'creative',
  'insight',
]);
export type ActionType = z.infer<typeof ActionTypeSchema>;

export const ActionDirectionSchema = z.enum(['increase', 'decrease', 'add', 'remove', 'change', 'none']);
export type ActionDirection = z.infer<typeof ActionDirectionSchema>;

export const ActionUnitSchema = z.enum(['currency', 'percent', 'strategy', 'state', 'date', 'none']);
export type ActionUnit = z.infer<typeof ActionUnitSchema>;

const ActionValueSchema = z.union([z.number(), z.string()]).nullable();

/** What the recommendation proposes to change, from which value to which. */
export const ProposedActionSchema = z.object({
  type: ActionTypeSchema,
  /** The field that changes, in the Ads API's words: `dailyBudget`, `bid`, `placementTop`, `state`... */
  field: z.string().nullable(),
  from: ActionValueSchema,
  to: ActionValueSchema,
  unit: ActionUnitSchema,
  /** ISO 4217, when unit is currency. */
  currency: z.string().length(3).nullable(),
  direction: ActionDirectionSchema,
});
export type ProposedAction = z.infer<typeof ProposedActionSchema>;

/** An estimated effect as a range, as the sources give them (missed clicks, incremental impressions...). */
export const ImpactEstimateSchema = z.object({
  metric: z.string(),
  lower: z.number().nullable(),
  upper: z.number().nullable(),
  /** `count`, `percent` or an ISO 4217 currency. */
  unit: z.string(),
  periodDays: z.number().int().positive().nullable(),
});
export type ImpactEstimate = z.infer<typeof ImpactEstimateSchema>;

export const ValidationIssueSchema = z.object({
  code: z.string(),
  message: z.string(),
});
export type ValidationIssue = z.infer<typeof ValidationIssueSchema>;

export const RecommendationSchema = z.object({
  /** Stable id: derived from source + sourceRecommendationId, so a re-sync finds the same row. */
  id: z.uuid(),
  sourceRecommendationId: z.string().min(1),
  source: RecommendationSourceSchema,
  /** The source's own type name (CAMPAIGN_BUDGET, KEYWORD_BID...), kept even when RecDesk does not know it. */
  sourceType: z.string(),
  kind: RecommendationKindSchema,
  goal: RecommendationGoalSchema,
  title: z.string(),
  description: z.string().nullable(),
  advertiserId: z.string(),
  advertiserName: z.string().nullable(),
  profileId: z.string().nullable(),
  marketplace: z.string().nullable(),
  entity: EntityRefSchema,
  action: ProposedActionSchema,
  /** Whether RecDesk can apply it upstream (insights cannot). */
  applicable: z.boolean(),
  confidence: z.number().min(0).max(1).nullable(),
  impactScore: z.number().min(0).max(10).nullable(),
  estimatedImpact: z.array(ImpactEstimateSchema),
  generatedAt: z.iso.datetime(),
  refreshedAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().nullable(),
  freshness: FreshnessSchema,
  status: LifecycleStatusSchema,
  validationIssues: z.array(ValidationIssueSchema),
  /** Optimistic concurrency: bumped on every change; approve / reject must name the version the person saw. */
  version: z.number().int().nonnegative(),
  priority: z.number().nullable(),
  /** Open conflicts this item is a member of (see the conflicts API); empty when it contradicts nothing. */
  conflictIds: z.array(z.uuid()).default([]),
  /**
   * Two-person rule: this version was approved once and moves more money than its advertiser's approval policy lets
   * one person approve; a second, different approver's approval of the same version approves it. Null: none pending.
   */
  awaitingSecondApprover: z
    .object({ approverId: z.string(), at: z.iso.datetime(), editedValue: z.number().nullable() })
    .nullable()
    .optional(),
  /**
   * The live value as RecDesk read it back after applying (or undoing) the change: the entity's current value now,
   * while `action.from` stays the value the proposal started from. Null until RecDesk has applied it.
   */
  liveValue: z
    .object({ value: z.union([z.number(), z.string()]), at: z.iso.datetime() })
    .nullable()
    .optional(),
  /**
   * A rule holds it back as a control group (issue 19): its measurement compares the rule's applied items with items
   * like this one left untouched until `until` (YYYY-MM-DD). Approving it takes it out of the control group and spoils
   * that comparison, so an approval must say so explicitly (`leaveControlGroup`). Null: in no control group.
   */
  controlGroup: z.object({ ruleId: z.string(), ruleName: z.string(), until: z.iso.date() }).nullable().optional(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /**
   * What the signed-in person may do with it now, and why not (see item-actions.ts). Every answer to a person carries
   * it; it is absent only inside the BFF, where no person is asking.
   */
  actions: AllowedActionsSchema.optional(),
});
export type Recommendation = z.infer<typeof RecommendationSchema>;

/** A recommendation as answered to a person: with the actions they may take. */
export const ActionableRecommendationSchema = RecommendationSchema.extend({ actions: AllowedActionsSchema });
export type ActionableRecommendation = z.infer<typeof ActionableRecommendationSchema>;

/** One recommendation with the upstream payload it came from, as the detail endpoint returns it. */
export const RecommendationDetailSchema = RecommendationSchema.extend({
  raw: z.unknown(),
});
export type RecommendationDetail = z.infer<typeof RecommendationDetailSchema>;

/**
 * What a source adapter produces: the upstream facts, before the store adds lifecycle fields (status, version,
 * freshness, timestamps of its own).
 */
export const NormalisedRecommendationSchema = RecommendationSchema.pick({
  sourceRecommendationId: true,
  source: true,
  sourceType: true,
  kind: true,
  goal: true,
  title: true,
  description: true,
  advertiserId: true,
  advertiserName: true,
  profileId: true,
  marketplace: true,
  entity: true,
  action: true,
  applicable: true,
  confidence: true,
  impactScore: true,
  estimatedImpact: true,
  generatedAt: true,
  expiresAt: true,
}).extend({
  /** When upstream last regenerated the item (e.g. the data file's date); the store uses the fetch time when absent. */
  refreshedAt: z.iso.datetime().optional(),
  raw: z.unknown(),
});
export type NormalisedRecommendation = z.infer<typeof NormalisedRecommendationSchema>;
