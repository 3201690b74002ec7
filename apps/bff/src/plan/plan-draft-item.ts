/**
 * A drafted plan as the one recommendation model holds it: a pure function of what the person chose, the campaign as
 * the Ads API lists it now and the forecast RecDesk obtained for the person's inputs. Budget changes are `set-budget`
 * items on the campaign (applied by the SP or SD campaign writer); a new audience target is an `add-target` item of
 * field `audience` on a Sponsored Display campaign, which RecDesk has no writer for (it is applied in Amazon Ads).
 *
 * The key (`planKeyOf`) names the change, not its value: one campaign's budget, or one audience in one campaign. A
 * pending draft with the same key is the same plan (see plan-drafts.ts), so a second click folds into it.
 */
import {
  type ImpactEstimate,
  type NormalisedRecommendation,
  type PlanCampaign,
  type PlanChange,
  type PlanDraftRaw,
  type PlanForecastAttachment,
  type PlanForecastInputs,
  planDaysOf,
} from '@recdesk/shared-types';
import type { AdsProfile } from '../ads-client/profiles.ts';

export function planKeyOf(profileId: string, change: PlanChange): string {
  return change.type === 'budget'
    ? `plan|${profileId}|${change.campaignId}|budget`
    : `plan|${profileId}|${change.campaignId}|audience|${change.audienceId}`;
}

const count = (value: number) => Math.round(value).toLocaleString('en-US');
const money = (value: number, currency: string) => `${value.toFixed(2)} ${currency}`;
const percent = (from: number, to: number) => (from > 0 ? `${to >= from ? '+' : ''}${(((to - from) / from) * 100).toFixed(0)}%` : 'n/a');

/** The flight's spend with the change: a budget change moves it by the difference per day over the flight's days. */
export function plannedSpendOf(change: PlanChange, campaign: PlanCampaign, currentSpend: number, days: number): number {
  if (change.type !== 'budget') return currentSpend;
  const enabled = campaign.state.toUpperCase() === 'ENABLED';
  // A paused campaign spends nothing now; with a new budget it still spends nothing until someone enables it.
  const delta = enabled ? (change.dailyBudget - campaign.dailyBudget) * days : 0;
  return Math.max(0, Math.round((currentSpend + delta) * 100) / 100);
}

/** What the forecast promises per day of the flight: more reach and impressions than the flight as it stands. */
export function forecastPromiseOf(forecast: PlanForecastAttachment, change: PlanChange): ImpactEstimate[] {
  const days = forecast.inputs.days;
  const reach = change.type === 'budget' ? forecast.planned.reach - forecast.baseline.reach : forecast.planned.reach;
  const impressions =
    change.type === 'budget' ? forecast.planned.impressions - forecast.baseline.impressions : forecast.planned.impressions;
  return [
    { metric: 'forecast impressions', lower: impressions, upper: impressions, unit: 'count', periodDays: days },
    { metric: 'forecast reach (households)', lower: reach, upper: reach, unit: 'count', periodDays: days },
  ];
}

export interface DraftItemInput {
  key: string;
  sequence: number;
  advertiserId: string;
  profile: AdsProfile;
  campaign: PlanCampaign;
  change: PlanChange;
  audienceName: string | null;
  forecast: PlanForecastAttachment;
  plannedBy: string;
  note: string | null;
  at: Date;
}

export function draftItemOf(input: DraftItemInput): NormalisedRecommendation {
  const { profile, campaign, change, forecast } = input;
  const currency = profile.currencyCode;
  const period = `${forecast.inputs.startDate} to ${forecast.inputs.endDate}`;
  const raw: PlanDraftRaw = {
    plannedBy: input.plannedBy,
    plannedAt: input.at.toISOString(),
    change,
    note: input.note,
    forecast,
  };
  const base = {
    source: 'plan' as const,
    sourceRecommendationId: `${input.key}#${input.sequence}`,
    advertiserId: input.advertiserId,
    advertiserName: profile.accountName,
    profileId: profile.profileId,
    marketplace: profile.countryCode,
    applicable: true,
    confidence: null,
    impactScore: null,
    estimatedImpact: forecastPromiseOf(forecast, change),
    generatedAt: input.at.toISOString(),
    expiresAt: null,
    raw,
  };
  const entity = {
    level: 'campaign' as const,
    portfolioId: campaign.portfolioId,
    campaignId: campaign.campaignId,
    campaignName: campaign.name,
    adGroupId: null,
    adGroupName: null,
    targetId: null,
    targetText: null,
    matchType: null,
    asin: null,
    brandName: null,
  };
  const why = input.note ? ` Note: ${input.note}` : '';
  if (change.type === 'budget') {
    const direction = change.dailyBudget > campaign.dailyBudget ? 'increase' : 'decrease';
    return {
      ...base,
      sourceType: `${campaign.adProduct}_CAMPAIGN_BUDGET`,
      kind: 'budget',
      goal: 'strategic',
      title: `Plan: ${direction === 'increase' ? 'raise' : 'cut'} the daily budget of ${campaign.name} to ${money(change.dailyBudget, currency)}`,
      description:
        `Planned by ${input.plannedBy} from a reach forecast for ${period}: the flight's spend goes from ${money(forecast.baseline.spend, currency)} to ` +
        `${money(forecast.planned.spend, currency)}, and its forecast reach from ${count(forecast.baseline.reach)} to ` +
        `${count(forecast.planned.reach)} households (${percent(forecast.baseline.reach, forecast.planned.reach)}), impressions from ` +
        `${count(forecast.baseline.impressions)} to ${count(forecast.planned.impressions)}.${why}`,
      entity,
      action: {
        type: 'set-budget',
        field: 'dailyBudget',
        from: campaign.dailyBudget,
        to: change.dailyBudget,
        unit: 'currency',
        currency,
        direction,
      },
    };
  }
  const audience = input.audienceName ?? change.audienceId;
  return {
    ...base,
    sourceType: 'SD_AUDIENCE_TARGET',
    kind: 'audience',
    goal: 'growth',
    title: `Plan: target the audience “${audience}” in ${campaign.name}`,
    description:
      `Planned by ${input.plannedBy} from a reach forecast for ${period} with this audience: about ${count(forecast.planned.reach)} households and ` +
      `${count(forecast.planned.impressions)} impressions at the flight's spend of ${money(forecast.planned.spend, currency)}.${why}`,
    entity: { ...entity, targetId: null, targetText: audience },
    action: { type: 'add-target', field: 'audience', from: null, to: change.audienceId, unit: 'none', currency: null, direction: 'add' },
  };
}

/** The inputs as the attachment records them. */
export function attachmentInputsOf(inputs: PlanForecastInputs, audienceIds: readonly string[]): PlanForecastAttachment['inputs'] {
  return {
    profileId: inputs.profileId,
    startDate: inputs.startDate,
    endDate: inputs.endDate,
    days: planDaysOf(inputs.startDate, inputs.endDate),
    audienceIds: [...audienceIds],
  };
}
