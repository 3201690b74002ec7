/**
 * Contract of `POST /api/stream/messages`: Amazon Marketing Stream messages as Stream delivers them (facts.md §4).
 * A body is one delivery or an array of them; a delivery is the SQS message body (the dataset record itself) or the
 * SNS notification wrapping it, whose `Message` field holds the record as a JSON string.
 *
 * Dataset records are loose objects: Amazon adds fields without a version bump, and unknown values of enum-like
 * fields (`budget_scope_type`, `advertising_product_type`) are kept as strings, never rejected.
 */
import { z } from 'zod';

/** Stream writes doubles; a forwarder may have turned them into strings. Both read as numbers. */
const StreamNumberSchema = z.union([
  z.number(),
  z
    .string()
    .trim()
    .regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/, 'must be a number')
    .transform(Number),
]);
const IdSchema = z.union([z.string().min(1), z.number().transform(String)]);

/** `budget-usage`: one message at every 5 % step of a campaign's or portfolio's budget consumption. */
export const BudgetUsageRecordSchema = z.looseObject({
  dataset_id: z.literal('budget-usage'),
  advertiser_id: IdSchema,
  marketplace_id: z.string().min(1),
  budget_scope_id: IdSchema,
  /** CAMPAIGN or PORTFOLIO today. */
  budget_scope_type: z.string().min(1),
  /** sp, sb or sd today. */
  advertising_product_type: z.string().min(1),
  /** The budget in force (the rule-based budget when a budget rule is winning), in the marketplace currency. */
  budget: StreamNumberSchema,
  /** Spend ÷ budget, as a percentage (93.0 means 93 %). */
  budget_usage_percentage: StreamNumberSchema,
  usage_updated_timestamp: z.string().min(1),
  idempotency_id: z.string().min(1).optional(),
});
export type BudgetUsageRecord = z.infer<typeof BudgetUsageRecordSchema>;

/** `sp-budget-recommendations`: pushed hourly for campaigns that were recently out of budget. */
export const SpBudgetRecommendationRecordSchema = z.looseObject({
  dataset_id: z.literal('sp-budget-recommendations'),
  advertiser_id: IdSchema,
  marketplace_id: z.string().min(1),
  campaign_id: IdSchema,
  recommendation_time: z.string().min(1),
  reason_for_suggestion: z.string().optional(),
  /** The 7-day window the missed opportunities were measured over (YYYY-MM-DD). */
  start_date: z.string().min(1),
  end_date: z.string().min(1),
  suggested_budget: StreamNumberSchema,
  estimated_missed_sales_lower: StreamNumberSchema.optional(),
  estimated_missed_sales_upper: StreamNumberSchema.optional(),
  estimated_missed_clicks_lower: StreamNumberSchema.optional(),
  estimated_missed_clicks_upper: StreamNumberSchema.optional(),
  estimated_missed_impressions_lower: StreamNumberSchema.optional(),
  estimated_missed_impressions_upper: StreamNumberSchema.optional(),
  /** 1.0 = always in budget; −1 = unknown. */
  percent_time_in_budget: StreamNumberSchema.optional(),
  idempotency_id: z.string().min(1).optional(),
});
export type SpBudgetRecommendationRecord = z.infer<typeof SpBudgetRecommendationRecordSchema>;

/** Campaign settings as diagnostics recommendations state them (current and recommended). */
const DiagnosticsCampaignSettingsSchema = z.looseObject({
  budget: StreamNumberSchema.optional(),
  bidding_strategy: z.string().optional(),
});

/**
 * `sponsored-ads-campaign-diagnostics-recommendations` (beta): account-team recommendations, applied upstream through
 * PO `/apply` or `/recommendations/apply`. Unlike the other datasets its envelope is camelCase and the recommendation
 * sits in `messageBody`; dates read "2024-09-18T17:11:14 UTC".
 */
export const CampaignDiagnosticsRecordSchema = z.looseObject({
  datasetId: z.literal('sponsored-ads-campaign-diagnostics-recommendations'),
  advertiserId: IdSchema,
  entityId: IdSchema.optional(),
  marketplaceId: z.string().min(1),
  messageBody: z.looseObject({
    recommendation_id: IdSchema,
    group_id: IdSchema.optional(),
    apply_endpoint: z.string().optional(),
    /** CAMPAIGN_BUDGET, KEYWORD_BID, NEW_CAMPAIGN, ... (kept as a string: the enum is not closed). */
    type: z.string().min(1),
    published_date: z.string().min(1),
    expiry_date: z.string().min(1).optional(),
    explanation: z
      .looseObject({
        description: z.string().optional(),
        missed_opportunities: z.string().optional(),
        recommendation_context: z.string().optional(),
      })
      .optional(),
    campaign_id: IdSchema.optional(),
    campaign_name: z.string().optional(),
    ad_product: z.string().optional(),
    current_campaign_settings: DiagnosticsCampaignSettingsSchema.optional(),
    recommended_campaign_settings: DiagnosticsCampaignSettingsSchema.optional(),
    /** ACTIVE, REMOVED, ... (full enum not published). */
    recommendation_status: z.string().optional(),
  }),
});
export type CampaignDiagnosticsRecord = z.infer<typeof CampaignDiagnosticsRecordSchema>;

/** The SNS notification envelope, when Stream reaches RecDesk through SNS rather than straight from SQS. */
export const SnsNotificationSchema = z.looseObject({
  Type: z.literal('Notification'),
  MessageId: z.string().min(1),
  Message: z.string(),
  TopicArn: z.string().optional(),
  Timestamp: z.string().optional(),
});
export type SnsNotification = z.infer<typeof SnsNotificationSchema>;

/** One delivery or a batch (1..500). Each delivery is checked on its own, so one bad message never sinks a batch. */
export const StreamMessagesBodySchema = z.union([
  z.array(z.record(z.string(), z.unknown())).min(1).max(500),
  z.record(z.string(), z.unknown()),
]);
export type StreamMessagesBody = z.infer<typeof StreamMessagesBodySchema>;

export const StreamMessageOutcomeSchema = z.object({
  index: z.number().int().nonnegative(),
  /**
   * `accepted`: new and processed; `duplicate`: already received (at-least-once delivery); `ignored`: valid but
   * nothing to do (a dataset RecDesk does not use, usage under the threshold, an older update); `quarantined`: it
   * failed validation and was kept aside with its reason; `deferred`: another consumer is processing the same message
   * right now, so this delivery is not acknowledged (an SQS consumer leaves it on the queue and sees it again).
   */
  status: z.enum(['accepted', 'duplicate', 'ignored', 'quarantined', 'deferred']),
  datasetId: z.string().nullable(),
  dedupKey: z.string().nullable(),
  /** The recommendation it created or updated, when it did. */
  recommendationId: z.uuid().nullable(),
  reason: z.string().nullable(),
});
export type StreamMessageOutcome = z.infer<typeof StreamMessageOutcomeSchema>;

export const StreamMessagesResponseSchema = z.object({
  runId: z.uuid(),
  received: z.number().int().nonnegative(),
  accepted: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
  ignored: z.number().int().nonnegative(),
  quarantined: z.number().int().nonnegative(),
  deferred: z.number().int().nonnegative(),
  outcomes: z.array(StreamMessageOutcomeSchema),
});
export type StreamMessagesResponse = z.infer<typeof StreamMessagesResponseSchema>;
