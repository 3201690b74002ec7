/**
 * Drafting a concrete change from the Plan page (issue 15, item 3): a person varies a reach forecast (dates,
 * audiences, budget) and drafts a campaign budget change or a new audience target from it. The draft enters the queue
 * as an ordinary recommendation of source `plan`, with who planned it and the forecast it rests on kept in its `raw`
 * (`PlanDraftRawSchema`), and then goes through validation, conflicts, approval, apply and measurement like any other.
 */
import { z } from 'zod';
import { ActionableRecommendationSchema } from '../model/recommendation.ts';
import { ItemImpactSchema } from './impact.ts';
import { boundedDay, safeText } from './safe-input.ts';

/** A forecast may look up to a year ahead (the Reach Forecasting API's own limit). */
export const MAX_PLAN_DAYS = 366;
/** Audience groups a forecast request may name (spec: up to 10 include groups). */
export const MAX_PLAN_AUDIENCES = 10;

const IdInputSchema = safeText().min(1).max(100);

/** The days from start to end, both included. */
export function planDaysOf(startDate: string, endDate: string): number {
  return Math.round((Date.parse(`${endDate}T00:00:00Z`) - Date.parse(`${startDate}T00:00:00Z`)) / 86_400_000) + 1;
}

/** What the person varied: the profile (marketplace), the flight's dates, and the audiences it targets. */
export const PlanForecastInputsSchema = z
  .strictObject({
    profileId: IdInputSchema,
    startDate: boundedDay(),
    endDate: boundedDay(),
    audienceIds: z.array(IdInputSchema).max(MAX_PLAN_AUDIENCES).default([]),
  })
  .refine((i) => planDaysOf(i.startDate, i.endDate) >= 1 && planDaysOf(i.startDate, i.endDate) <= MAX_PLAN_DAYS, {
    message: `endDate must be on or after startDate, at most ${MAX_PLAN_DAYS} days later`,
    path: ['endDate'],
  });
export type PlanForecastInputs = z.infer<typeof PlanForecastInputsSchema>;

/** The change drafted: a campaign's new daily budget, or an audience to target in a campaign. */
export const PlanChangeSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('budget'),
    campaignId: IdInputSchema,
    /** The new daily budget, in the campaign's currency. */
    dailyBudget: z.number().positive().max(10_000_000),
  }),
  z.strictObject({ type: z.literal('audience'), campaignId: IdInputSchema, audienceId: IdInputSchema }),
]);
export type PlanChange = z.infer<typeof PlanChangeSchema>;

export const PlanDraftBodySchema = z.strictObject({
  forecast: PlanForecastInputsSchema,
  change: PlanChangeSchema,
  /** Why, in the person's words (shown in the queue beside the forecast). */
  note: safeText().max(500).optional(),
});
export type PlanDraftBody = z.infer<typeof PlanDraftBodySchema>;

const ForecastPointSchema = z.object({ spend: z.number(), reach: z.number(), impressions: z.number() });

/**
 * The forecast a draft rests on, as RecDesk asked Reach Forecasting for the person's inputs: the curve, the spend of
 * the flight as it is now (`baseline`) and with the change (`planned`), each with the reach and impressions the curve
 * gives it. Spends are the whole flight's, over the profile's campaigns.
 */
export const PlanForecastAttachmentSchema = z.object({
  inputs: z.object({
    profileId: z.string(),
    startDate: z.string(),
    endDate: z.string(),
    days: z.number().int().positive(),
    audienceIds: z.array(z.string()),
  }),
  reachForecastId: z.string().nullable(),
  createdAt: z.string(),
  currency: z.string(),
  baseline: ForecastPointSchema,
  planned: ForecastPointSchema,
  points: z.array(ForecastPointSchema),
});
export type PlanForecastAttachment = z.infer<typeof PlanForecastAttachmentSchema>;

/** The `raw` of a `plan` item: who planned it, when, what, and on which forecast. */
export const PlanDraftRawSchema = z.object({
  plannedBy: z.string(),
  plannedAt: z.iso.datetime(),
  change: PlanChangeSchema,
  note: z.string().nullable(),
  forecast: PlanForecastAttachmentSchema,
});
export type PlanDraftRaw = z.infer<typeof PlanDraftRawSchema>;

/** The draft as queued; `folded`: the same change was already pending, and that item is answered instead of a new one. */
export const PlanDraftAnswerSchema = z.object({ folded: z.boolean(), item: ActionableRecommendationSchema });
export type PlanDraftAnswer = z.infer<typeof PlanDraftAnswerSchema>;

/** A campaign a plan may change, as the Ads API lists it now. */
export const PlanCampaignSchema = z.object({
  campaignId: z.string(),
  name: z.string(),
  adProduct: z.enum(['SP', 'SD']),
  state: z.string(),
  dailyBudget: z.number(),
  /** Campaigns of one portfolio share its budget cap: a plan on one and a cut on another pull on the same money. */
  portfolioId: z.string().nullable(),
});
export type PlanCampaign = z.infer<typeof PlanCampaignSchema>;

export const PlanCampaignsSchema = z.object({
  advertiserId: z.string(),
  profiles: z.array(
    z.object({ profileId: z.string(), marketplace: z.string(), currency: z.string(), campaigns: z.array(PlanCampaignSchema) }),
  ),
});
export type PlanCampaigns = z.infer<typeof PlanCampaignsSchema>;

/** An advertiser's drafted plans, newest first, each with its forecast and, once measured, its measured impact. */
export const PlanDraftsSchema = z.object({
  items: z.array(
    z.object({
      item: ActionableRecommendationSchema,
      plan: PlanDraftRawSchema,
      impact: ItemImpactSchema.nullable(),
    }),
  ),
});
export type PlanDrafts = z.infer<typeof PlanDraftsSchema>;

/**
 * The reach and impressions a spend buys on a forecast curve: linear between its points (Amazon forecasts a handful
 * of spends; in between, a straight line under-states a concave curve only slightly), clamped to the curve's ends.
 */
export function forecastAt<P extends { spend: number; reach: number; impressions?: number }>(
  points: readonly P[],
  spend: number,
): { spend: number; reach: number; impressions: number } {
  const sorted = [...points].sort((a, b) => a.spend - b.spend);
  const first = sorted[0];
  const last = sorted.at(-1);
  const at = (p: P) => ({ spend, reach: p.reach, impressions: p.impressions ?? 0 });
  if (!first || !last) return { spend, reach: 0, impressions: 0 };
  if (spend <= first.spend) return at(first);
  if (spend >= last.spend) return at(last);
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1] as P;
    const b = sorted[i] as P;
    if (spend > b.spend) continue;
    const share = (spend - a.spend) / (b.spend - a.spend);
    return {
      spend,
      reach: Math.round(a.reach + (b.reach - a.reach) * share),
      impressions: Math.round((a.impressions ?? 0) + ((b.impressions ?? 0) - (a.impressions ?? 0)) * share),
    };
  }
  return at(last);
}
