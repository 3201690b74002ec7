/**
 * Contracts of `/api/stream/subscriptions` (issue 17): the Amazon Marketing Stream subscriptions RecDesk created
 * upstream (`/streams/subscriptions`, marketing-stream.json), per advertiser profile and dataset, delivering to an
 * SQS queue. Amazon's API has no pause: "pause" archives the subscription (resuming creates a new one).
 */
import { z } from 'zod';
import { AdvertiserIdInputSchema } from './safe-input.ts';

export const STREAM_DATASETS = [
  'budget-usage',
  'sp-budget-recommendations',
  'sponsored-ads-campaign-diagnostics-recommendations',
  'sp-traffic',
  'sp-conversion',
] as const;
export const StreamDatasetSchema = z.enum(STREAM_DATASETS);

/** Said wherever a subscription is created or listed (facts.md §4). */
export const STREAM_SUBSCRIPTION_WARNING =
  'A Stream subscription is tied to the Amazon user who granted RecDesk its refresh token: if that user leaves or loses access, every subscription stops delivering. Grant the token from a long-lived account.';

export const SqsQueueArnSchema = z
  .string()
  .regex(/^arn:aws:sqs:[a-z0-9-]+:\d{12}:[\w-]{1,80}$/, 'must be an SQS queue ARN (arn:aws:sqs:<region>:<account>:<queue>)');

export const CreateStreamSubscriptionBodySchema = z.strictObject({
  advertiserId: AdvertiserIdInputSchema,
  /** The advertiser's profile (one per marketplace) the subscription is for. */
  profileId: z.string().regex(/^\d{1,20}$/, 'must be a profile id'),
  dataSetId: StreamDatasetSchema,
  destinationArn: SqsQueueArnSchema,
  notes: z.string().max(128).optional(),
  /** The idempotency key sent upstream; a form sends one per submission so a double submit creates one subscription. */
  clientRequestToken: z.string().min(22).max(36).optional(),
});
export type CreateStreamSubscriptionBody = z.infer<typeof CreateStreamSubscriptionBodySchema>;

export const UpdateStreamSubscriptionBodySchema = z
  .strictObject({
    notes: z.string().max(128).optional(),
    /** ARCHIVED is Amazon's only settable status (and final): "pause" in RecDesk's words. */
    status: z.literal('ARCHIVED').optional(),
  })
  .refine((body) => body.notes !== undefined || body.status !== undefined, 'name notes or status');
export type UpdateStreamSubscriptionBody = z.infer<typeof UpdateStreamSubscriptionBodySchema>;

export const StreamSubscriptionIdParamsSchema = z.strictObject({ id: z.uuid() });

export const StreamSubscriptionSchema = z.object({
  id: z.uuid(),
  advertiserId: z.string(),
  profileId: z.string(),
  dataSetId: z.string(),
  destinationArn: z.string(),
  notes: z.string().nullable(),
  /** Amazon's status (ACTIVE, ARCHIVED, PROVISIONING...), or REQUESTED / FAILED before Amazon accepted it. */
  status: z.string(),
  upstreamSubscriptionId: z.string().nullable(),
  clientRequestToken: z.string(),
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  lastError: z.string().nullable(),
});
export type StreamSubscription = z.infer<typeof StreamSubscriptionSchema>;

export const StreamSubscriptionListSchema = z.object({
  items: z.array(StreamSubscriptionSchema),
  warning: z.string(),
});
export type StreamSubscriptionList = z.infer<typeof StreamSubscriptionListSchema>;

export const StreamSubscriptionAnswerSchema = z.object({ subscription: StreamSubscriptionSchema, warning: z.string() });
export type StreamSubscriptionAnswer = z.infer<typeof StreamSubscriptionAnswerSchema>;

export const StreamSubscriptionQuerySchema = z.strictObject({ advertiserId: AdvertiserIdInputSchema.optional() });
