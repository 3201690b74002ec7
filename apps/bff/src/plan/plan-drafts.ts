/**
 * Drafting changes from the Plan page (issue 15, item 3). A draft is checked against the Ads API as it is now (the
 * profile is the advertiser's, the campaign exists and what its budget is), priced by a Reach Forecasting request for
 * the person's inputs (dates, audiences), and stored as an ordinary recommendation of source `plan` through the same
 * store an ingestion writes to; then it is validated and the conflict engine looks at its advertiser, as after a sync.
 * From there approval, apply and measurement are the ones every item goes through. The drafter is audited.
 *
 * Idempotent per change: while a draft of the same change (one campaign's budget, one audience in one campaign) is
 * pending, drafting it again with the same value answers the pending item (`folded`), and with another value is
 * refused (409) naming it: the person edits or rejects the pending one instead of piling up a second. Two drafts of
 * one change racing each other get the same id (key and sequence) and the store's upsert folds them into one row.
 */
import {
  type ActionableRecommendation,
  type AdvertiserPlan,
  forecastAt,
  type ItemImpact,
  type LifecycleStatus,
  type PlanCampaigns,
  type PlanDraftAnswer,
  type PlanDraftBody,
  PlanDraftRawSchema,
  type PlanDrafts,
  type PlanForecastAttachment,
} from '@recdesk/shared-types';
import type { Logger } from 'pino';
import type { AdsClient } from '../ads-client/ads-client.ts';
import type { AdsProfile } from '../ads-client/profiles.ts';
import type { AuditRecord } from '../auth/audit-log.ts';
import type { Db } from '../db/database.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors/domain-errors.ts';
import { UpstreamError } from '../http/errors.ts';
import type { ImpactService } from '../impact/impact-service.ts';
import type { Person } from '../lifecycle/allowed-actions.ts';
import type { LifecycleService } from '../lifecycle/lifecycle-service.ts';
import { type RecommendationStore, recommendationIdOf } from '../lifecycle/recommendation-store.ts';
import { createReachForecast, type ForecastRequest, planningCountryOf } from '../sources/reach-forecasting/rf-api.ts';
import { currentSpendOf, listPlanCampaigns } from './plan-campaigns.ts';
import { attachmentInputsOf, draftItemOf, planKeyOf, plannedSpendOf } from './plan-draft-item.ts';

/** A draft in one of these states is still pending: a second draft of the same change folds into it. */
const PENDING: readonly LifecycleStatus[] = ['discovered', 'validated', 'drifted', 'approved', 'applying', 'failed'];
/** States in which a draft was applied, so an impact may have been measured. */
const MEASURABLE: readonly LifecycleStatus[] = ['applied', 'measured', 'rolled_back'];

export interface PlanDraftDeps {
  db: Db;
  store: RecommendationStore;
  lifecycle: LifecycleService;
  client: AdsClient;
  /** The accessible profiles (the apply path's directory): a draft's profile must be one, and the advertiser's. */
  profiles: { find(profileId: string): Promise<AdsProfile | null> };
  /** The plan view, for the names of the overlapping audiences a draft may target. */
  planOf: (advertiserId: string) => Promise<AdvertiserPlan>;
  impact?: Pick<ImpactService, 'get'>;
  audit: (entry: AuditRecord) => Promise<void>;
  now: () => Date;
  log: Logger;
}

export class PlanDraftService {
  constructor(private readonly deps: PlanDraftDeps) {}

  /** The advertiser's profile, or not found: a profile of another advertiser is as invisible as a missing one. */
  private async profileOf(advertiserId: string, profileId: string): Promise<AdsProfile> {
    const profile = await this.deps.profiles.find(profileId);
    if (!profile || profile.accountId !== advertiserId) throw new NotFoundError('Profile', profileId);
    return profile;
  }

  async campaigns(advertiserId: string): Promise<PlanCampaigns> {
    const plan = await this.deps.planOf(advertiserId);
    const profiles = [];
    for (const view of plan.profiles) {
      const profile = await this.deps.profiles.find(view.profileId);
      if (!profile || profile.accountId !== advertiserId) continue;
      profiles.push({
        profileId: profile.profileId,
        marketplace: profile.countryCode,
        currency: profile.currencyCode,
        campaigns: await listPlanCampaigns(this.deps.client, profile, this.deps.log),
      });
    }
    return { advertiserId, profiles };
  }

  async draft(advertiserId: string, body: PlanDraftBody, person: Person): Promise<PlanDraftAnswer> {
    const { deps } = this;
    const { forecast: inputs, change } = body;
    const profile = await this.profileOf(advertiserId, inputs.profileId);
    const campaigns = await listPlanCampaigns(deps.client, profile, deps.log);
    const campaign = campaigns.find((c) => c.campaignId === change.campaignId);
    if (!campaign) throw new NotFoundError('Campaign', change.campaignId);

    let audienceName: string | null = null;
    if (change.type === 'budget') {
      if (Math.abs(change.dailyBudget - campaign.dailyBudget) < 0.005)
        throw new InvalidInputError(
          'no-change',
          'Nothing to change',
          `${campaign.name} already has a daily budget of ${campaign.dailyBudget.toFixed(2)} ${profile.currencyCode}.`,
        );
    } else {
      if (campaign.adProduct !== 'SD')
        throw new InvalidInputError(
          'not-an-audience-campaign',
          'Audiences are targeted in Sponsored Display',
          `${campaign.name} is a Sponsored Products campaign; choose a Sponsored Display campaign to target an audience.`,
        );
      const plan = await deps.planOf(advertiserId);
      const overlap = plan.profiles
        .find((p) => p.profileId === profile.profileId)
        ?.overlaps.find((o) => o.audienceId === change.audienceId);
      if (!overlap) throw new NotFoundError('Audience', change.audienceId);
      audienceName = overlap.name;
    }

    // Folding first: a second click must not cost a forecast request.
    const key = planKeyOf(profile.profileId, change);
    const previous = await deps.db
      .selectFrom('recommendations')
      .select(['id', 'status', 'action'])
      .where('source', '=', 'plan')
      .where('advertiser_id', '=', advertiserId)
      .where('source_recommendation_id', 'like', `${key.replace(/[\\%_]/g, (c) => `\\${c}`)}#%`)
      .execute();
    const pending = previous.find((row) => PENDING.includes(row.status as LifecycleStatus));
    if (pending) {
      const [item] = await deps.lifecycle.withActions(await deps.store.getMany([pending.id]), person);
      if (!item) throw new NotFoundError('Recommendation', pending.id);
      const sameValue =
        change.type === 'audience' || (typeof item.action.to === 'number' && Math.abs(item.action.to - change.dailyBudget) < 0.005);
      if (!sameValue)
        throw new ConflictError(
          `A plan for this change is already pending (${item.title}, ${item.status}): edit its value when approving, or reject it before drafting another.`,
          { pendingId: item.id, current: item },
          'A plan for this change is pending',
        );
      await this.audit(person, item, body, true);
      return { folded: true, item };
    }

    const forecast = await this.forecastFor(profile, body, campaigns, campaign);
    const at = deps.now();
    const normalised = draftItemOf({
      key,
      sequence: previous.length + 1,
      advertiserId,
      profile,
      campaign,
      change,
      audienceName,
      forecast,
      plannedBy: person.id,
      note: body.note ?? null,
      at,
    });
    await deps.store.upsertMany([normalised]);
    const id = recommendationIdOf('plan', normalised.sourceRecommendationId);
    // Validated and looked at by the conflict engine now, as an ingested item is after its sync.
    await deps.lifecycle.revalidate(id, { resync: false }, { type: 'user', id: person.id, version: null });
    const [item] = await deps.lifecycle.withActions(await deps.store.getMany([id]), person);
    if (!item) throw new NotFoundError('Recommendation', id);
    await this.audit(person, item, body, false);
    return { folded: false, item };
  }

  /** Reach Forecasting for the person's dates and audiences, read at the flight's spend now and with the change. */
  private async forecastFor(
    profile: AdsProfile,
    body: PlanDraftBody,
    campaigns: Parameters<typeof currentSpendOf>[0],
    campaign: Parameters<typeof plannedSpendOf>[1],
  ): Promise<PlanForecastAttachment> {
    const { forecast: inputs, change } = body;
    const audienceIds = [...new Set([...inputs.audienceIds, ...(change.type === 'audience' ? [change.audienceId] : [])])];
    const request: ForecastRequest = {
      countryCode: planningCountryOf(profile),
      deliveryType: 'NON_GUARANTEED',
      reachType: 'HOUSEHOLDS',
      startDate: inputs.startDate,
      endDate: inputs.endDate,
      supplyPackage: ['SPONSORED_DISPLAY'],
      // One include group: households in any of the audiences (spec: audiences of one group are ORed).
      ...(audienceIds.length > 0
        ? { targets: audienceIds.map((audienceId) => ({ targetType: 'AUDIENCE' as const, audienceId, groupId: '1' })) }
        : {}),
    };
    const result = await createReachForecast(this.deps.client, profile, request);
    if (!result.ok) throw new UpstreamError(`Reach Forecasting could not price this plan: ${result.reason}`);
    const attachmentInputs = attachmentInputsOf(inputs, audienceIds);
    const points = result.forecast.dataPoints
      .map((p) => ({ spend: p.spend, reach: p.reach, impressions: p.impressions }))
      .sort((a, b) => a.spend - b.spend);
    const currentSpend = currentSpendOf(campaigns, attachmentInputs.days);
    return {
      inputs: attachmentInputs,
      reachForecastId: result.forecast.reachForecastId,
      createdAt: new Date(result.forecast.creationDateTime).toISOString(),
      currency: result.forecast.currencyCode,
      baseline: forecastAt(points, currentSpend),
      planned: forecastAt(points, plannedSpendOf(change, campaign, currentSpend, attachmentInputs.days)),
      points,
    };
  }

  /** The measured impact, or null while the impact job has not looked at the item yet. */
  private async impactOf(id: string): Promise<ItemImpact | null> {
    try {
      return (await this.deps.impact?.get(id)) ?? null;
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }

  private async audit(person: Person, item: ActionableRecommendation, body: PlanDraftBody, folded: boolean): Promise<void> {
    await this.deps.audit({
      actor: person.id,
      action: 'recommendation.planned',
      targetType: 'recommendation',
      targetId: item.id,
      advertiserId: item.advertiserId,
      details: { folded, change: body.change, forecast: body.forecast, note: body.note ?? null },
    });
  }

  /** The advertiser's drafts, newest first, each with its plan (who, what, the forecast) and its impact once applied. */
  async drafts(advertiserId: string, person: Person, limit = 50): Promise<PlanDrafts> {
    const { deps } = this;
    const rows = await deps.db
      .selectFrom('recommendations')
      .select(['id', 'raw'])
      .where('source', '=', 'plan')
      .where('advertiser_id', '=', advertiserId)
      .orderBy('generated_at', 'desc')
      .orderBy('id')
      .limit(limit)
      .execute();
    const items = new Map(
      (await deps.lifecycle.withActions(await deps.store.getMany(rows.map((r) => r.id)), person)).map((i) => [i.id, i]),
    );
    const out: PlanDrafts['items'] = [];
    for (const row of rows) {
      const item = items.get(row.id);
      const plan = PlanDraftRawSchema.safeParse(row.raw);
      if (!item || !plan.success) continue;
      const impact = deps.impact && MEASURABLE.includes(item.status) ? await this.impactOf(row.id) : null;
      out.push({ item, plan: plan.data, impact });
    }
    return { items: out };
  }
}
