/**
 * The upstream calls of the apply path, described for the one Ads client: SP v3 reads of live values and writes (207
 * per item), Partner Opportunities apply (202, or 422 with per-id failures) and applicationStatus, and the unified
 * Recommendations API's edit and apply. Each answers per item; nothing here decides what an outcome means for the
 * lifecycle (apply-worker.ts does).
 *
 * None of these APIs takes an idempotency key (facts.md §1.6, §2.6, §6), so exactly-once rests on the intent/outcome
 * records and on reading upstream back before any retry: every apply call is sent `idempotent: false`, so the client
 * throws an uncertain outcome (AdsUncertainOutcomeError) instead of retrying it.
 */

import type { Logger } from 'pino';
import type { AdsClient } from '../ads-client/ads-client.ts';
import { parseMultiStatus } from '../ads-client/multi-status.ts';
import type { AdsProfile } from '../ads-client/profiles.ts';
import type { AdsRegion } from '../config/env.ts';
import { listSbCampaigns, listSbKeywords, listSdCampaigns, listSdTargets, SB_MEDIA, SD_MEDIA } from '../sources/sb-sd/sbsd-api.ts';
import { EntityCatalog, SP_ENTITY_MEDIA_TYPES } from '../sources/shared/entity-catalog.ts';
import type { ApplyCall, ApplyValue } from './apply-plan.ts';

export type ItemResult = { ok: true } | { ok: false; code: string; message: string };

const PO_MEDIA_TYPE = 'application/vnd.partneropportunity.v1+json';
const RECS_APPLY_REQUEST = 'application/vnd.applyRecommendationsRequest.v1+json';
const RECS_APPLY_RESPONSE = 'application/vnd.applyRecommendationsResponse.v1+json';
const RECS_UPDATE_REQUEST = 'application/vnd.updateRecommendationRequest.v1+json';
const RECS_RECOMMENDATION = 'application/vnd.recommendation.v1+json';

const SP_WRITES: Record<string, { method: 'PUT' | 'POST'; path: string; key: string; mediaType: string; endpoint: string }> = {
  'sp.campaigns.update': {
    method: 'PUT',
    path: '/sp/campaigns',
    key: 'campaigns',
    mediaType: SP_ENTITY_MEDIA_TYPES.campaigns,
    endpoint: 'spCampaigns.update',
  },
  'sp.keywords.update': {
    method: 'PUT',
    path: '/sp/keywords',
    key: 'keywords',
    mediaType: SP_ENTITY_MEDIA_TYPES.keywords,
    endpoint: 'spKeywords.update',
  },
  'sp.targets.update': {
    method: 'PUT',
    path: '/sp/targets',
    key: 'targetingClauses',
    mediaType: SP_ENTITY_MEDIA_TYPES.targets,
    endpoint: 'spTargets.update',
  },
  'sp.keywords.create': {
    method: 'POST',
    path: '/sp/keywords',
    key: 'keywords',
    mediaType: SP_ENTITY_MEDIA_TYPES.keywords,
    endpoint: 'spKeywords.create',
  },
};

/**
 * SB and SD writes: SB v4 campaigns answer `{campaigns: {success, error}}` with indexes; SB v3 keywords and SD v3
 * answer a 207 array in request order, each element with its own `code` (SUCCESS or an error).
 */
const SBSD_WRITES: Record<
  string,
  { path: string; key: string | null; accept: string; contentType: string; endpoint: string; idField: string }
> = {
  'sb.campaigns.update': {
    path: '/sb/v4/campaigns',
    key: 'campaigns',
    accept: SB_MEDIA.campaigns,
    contentType: SB_MEDIA.campaigns,
    endpoint: 'sbCampaigns.update',
    idField: 'campaignId',
  },
  'sb.keywords.update': {
    path: '/sb/keywords',
    key: null,
    accept: SB_MEDIA.keywordResponse,
    contentType: SB_MEDIA.json,
    endpoint: 'sbKeywords.update',
    idField: 'keywordId',
  },
  'sd.campaigns.update': {
    path: '/sd/campaigns',
    key: null,
    accept: SD_MEDIA.json,
    contentType: SD_MEDIA.json,
    endpoint: 'sdCampaigns.update',
    idField: 'campaignId',
  },
  'sd.targets.update': {
    path: '/sd/targets',
    key: null,
    accept: SD_MEDIA.json,
    contentType: SD_MEDIA.json,
    endpoint: 'sdTargets.update',
    idField: 'targetId',
  },
};

/** A 207 array in request order: each element's `code` says whether its item was applied. */
function outcomesOfArray(body: unknown, items: readonly Record<string, unknown>[], idField: string): ItemResult[] {
  const answers = Array.isArray(body) ? (body as Record<string, unknown>[]) : [];
  return items.map((item, index) => {
    const id = String(item[idField]);
    // Matched by id where the answer names it, else by position (the spec keeps the request's order).
    const answer = answers.find((a) => a && String(a[idField]) === id) ?? answers[index];
    if (!answer) return { ok: false, code: 'MISSING_IN_ANSWER', message: 'The upstream answer did not mention this item.' };
    if (answer.code === 'SUCCESS') return { ok: true };
    return {
      ok: false,
      code: String(answer.code ?? 'UNKNOWN_ERROR'),
      message: String(answer.description ?? answer.details ?? 'the upstream gave no message'),
    };
  });
}

/** The endpoint name (and so the rate-limit group) of a call, for the ETA. */
export function endpointOf(call: ApplyCall): string {
  if (call === 'po.apply') return 'partnerOpportunities.apply';
  if (call === 'recs.apply') return 'recommendations.apply';
  return SP_WRITES[call]?.endpoint ?? SBSD_WRITES[call]?.endpoint ?? call;
}

/** Partner Opportunities are served by the region of their marketplace. */
export function regionOfMarketplace(marketplace: string, configured: readonly AdsRegion[]): AdsRegion {
  const region: AdsRegion = ['US', 'CA', 'MX', 'BR'].includes(marketplace) ? 'NA' : ['JP', 'AU', 'SG'].includes(marketplace) ? 'FE' : 'EU';
  return configured.includes(region) ? region : (configured[0] ?? region);
}

export class UpstreamWriters {
  constructor(
    private readonly client: AdsClient,
    private readonly log: Logger,
  ) {}

  /**
   * Live values of the entities an SP update call changes (`field` of each), read through the list endpoints. An
   * entity missing from the answer is `undefined`. Throws when the list endpoint fails: a write is never made blind.
   */
  async readLive(
    profile: AdsProfile,
    call: ApplyCall,
    entityIds: readonly string[],
    field: string | null,
  ): Promise<Map<string, ApplyValue>> {
    const values = new Map<string, ApplyValue>();
    if (call.startsWith('sb.') || call.startsWith('sd.')) {
      for (const [id, value] of await this.readLiveSbsd(profile, call, entityIds, field)) values.set(id, value);
      return values;
    }
    const catalog = new EntityCatalog(this.client, { log: this.log });
    if (call === 'sp.campaigns.update') {
      const found = await catalog.get(profile, 'campaigns', entityIds);
      if (catalog.isUnavailable(profile, 'campaigns')) throw new Error('the campaign list failed; live values are unknown');
      for (const [id, c] of found) values.set(id, field === 'state' ? c.state : c.dailyBudget);
    } else if (call === 'sp.keywords.update') {
      const found = await catalog.get(profile, 'keywords', entityIds);
      if (catalog.isUnavailable(profile, 'keywords')) throw new Error('the keyword list failed; live values are unknown');
      for (const [id, k] of found) values.set(id, field === 'state' ? k.state : k.bid);
    } else if (call === 'sp.targets.update') {
      const found = await catalog.get(profile, 'targets', entityIds);
      if (catalog.isUnavailable(profile, 'targets')) throw new Error('the target list failed; live values are unknown');
      for (const [id, t] of found) values.set(id, field === 'state' ? t.state : t.bid);
    }
    return values;
  }

  /** SB / SD live values through their list endpoints; a failing list throws (never a blind write). */
  private async readLiveSbsd(
    profile: AdsProfile,
    call: ApplyCall,
    entityIds: readonly string[],
    field: string | null,
  ): Promise<Map<string, ApplyValue>> {
    const values = new Map<string, ApplyValue>();
    const ids = [...new Set(entityIds.filter(Boolean))];
    if (ids.length === 0) return values;
    if (call === 'sb.campaigns.update')
      for (const c of await listSbCampaigns(this.client, profile, { ids }))
        values.set(c.campaignId, field === 'state' ? c.state : c.budget);
    else if (call === 'sb.keywords.update')
      for (const k of await listSbKeywords(this.client, profile, { keywordIds: ids }))
        values.set(k.keywordId, field === 'state' ? k.state : (k.bid ?? null));
    else if (call === 'sd.campaigns.update')
      for (const c of await listSdCampaigns(this.client, profile, { ids }))
        values.set(c.campaignId, field === 'state' ? c.state : c.budget);
    else if (call === 'sd.targets.update')
      for (const t of await listSdTargets(this.client, profile, { targetIds: ids }))
        values.set(t.targetId, field === 'state' ? t.state : (t.bid ?? null));
    return values;
  }

  /** Whether a keyword with this text and match type exists in the ad group (read back of a keyword creation). */
  async keywordExists(profile: AdsProfile, adGroupId: string, text: string, matchType: string): Promise<boolean> {
    const catalog = new EntityCatalog(this.client, { log: this.log });
    const keywords = await catalog.under(profile, 'keywords', { adGroupIds: [adGroupId] });
    if (catalog.isUnavailable(profile, 'keywords')) throw new Error('the keyword list failed');
    return keywords.some((k) => k.keywordText.toLowerCase() === text.toLowerCase() && k.matchType === matchType && k.state !== 'ARCHIVED');
  }

  /** One SP v3 write of ≤1000 items; an outcome per item, in request order. */
  async writeSp(profile: AdsProfile, call: ApplyCall, items: readonly Record<string, unknown>[]): Promise<ItemResult[]> {
    const sbsd = SBSD_WRITES[call];
    if (sbsd) {
      const response = await this.client.request({
        region: profile.region,
        method: 'PUT',
        path: sbsd.path,
        auth: { kind: 'profile', profileId: profile.profileId },
        accept: sbsd.accept,
        contentType: sbsd.contentType,
        body: sbsd.key ? { [sbsd.key]: items } : items,
        endpoint: sbsd.endpoint,
        idempotent: false,
      });
      if (!sbsd.key) return outcomesOfArray(response.body, items, sbsd.idField);
      return parseMultiStatus(response.body, { requestCount: items.length, entityKey: sbsd.key }).map((outcome) =>
        outcome.status === 'success'
          ? { ok: true }
          : outcome.status === 'error'
            ? { ok: false, code: outcome.code, message: outcome.message }
            : { ok: false, code: 'MISSING_IN_ANSWER', message: 'The upstream answer did not mention this item.' },
      );
    }
    const spec = SP_WRITES[call];
    if (!spec) throw new Error(`${call} is not an SP write`);
    const response = await this.client.request({
      region: profile.region,
      method: spec.method,
      path: spec.path,
      auth: { kind: 'profile', profileId: profile.profileId },
      accept: spec.mediaType,
      contentType: spec.mediaType,
      body: { [spec.key]: items },
      endpoint: spec.endpoint,
      idempotent: false,
    });
    return parseMultiStatus(response.body, { requestCount: items.length, entityKey: spec.key }).map((outcome) =>
      outcome.status === 'success'
        ? { ok: true }
        : outcome.status === 'error'
          ? { ok: false, code: outcome.code, message: outcome.message }
          : { ok: false, code: 'MISSING_IN_ANSWER', message: 'The upstream answer did not mention this item.' },
    );
  }

  /** `POST /partnerOpportunities/{id}/apply` for ≤100 ids of one group: 202 for all, or 422 with per-id failures. */
  async applyPo(
    region: AdsRegion,
    body: { partnerOpportunityId: string } & Record<string, string>,
    ids: readonly string[],
  ): Promise<ItemResult[]> {
    const { partnerOpportunityId, recommendationId: _one, ...fixed } = body;
    const response = await this.client.request({
      region,
      method: 'POST',
      path: `/partnerOpportunities/${encodeURIComponent(partnerOpportunityId)}/apply`,
      auth: { kind: 'manager-account' },
      accept: PO_MEDIA_TYPE,
      contentType: PO_MEDIA_TYPE,
      body: { ...fixed, recommendationIds: ids },
      endpoint: 'partnerOpportunities.apply',
      acceptStatuses: [422],
      idempotent: false,
    });
    if (response.status !== 422) return ids.map(() => ({ ok: true }));
    const outcomes = parseMultiStatus(response.body, { requestCount: ids.length, requestKeys: ids, keyField: 'recommendationId' });
    return outcomes.map((outcome) => {
      if (outcome.status === 'success') return { ok: true };
      if (outcome.status === 'error') return { ok: false, code: outcome.code, message: outcome.message };
      return { ok: false, code: 'MISSING_IN_ANSWER', message: 'The upstream answer did not mention this item.' };
    });
  }

  /** `POST /partnerOpportunities/{id}/applicationStatus` for ≤500 ids: each id's status (SUCCESS, IN_PROGRESS...). */
  async poStatus(
    region: AdsRegion,
    body: { partnerOpportunityId: string } & Record<string, string>,
    ids: readonly string[],
  ): Promise<Map<string, string>> {
    const { partnerOpportunityId, recommendationId: _one, ...fixed } = body;
    const statuses = new Map<string, string>();
    for (let start = 0; start < ids.length; start += 500) {
      const response = await this.client.request({
        region,
        method: 'POST',
        path: `/partnerOpportunities/${encodeURIComponent(partnerOpportunityId)}/applicationStatus`,
        auth: { kind: 'manager-account' },
        accept: PO_MEDIA_TYPE,
        contentType: PO_MEDIA_TYPE,
        body: { ...fixed, recommendationIds: ids.slice(start, start + 500) },
        endpoint: 'partnerOpportunities.applicationStatus',
      });
      const list = (response.body as { statuses?: { recommendationId?: unknown; status?: unknown }[] } | null)?.statuses ?? [];
      for (const entry of list)
        if (typeof entry.recommendationId === 'string' && typeof entry.status === 'string')
          statuses.set(entry.recommendationId, entry.status);
    }
    return statuses;
  }

  /** `PUT /recommendations/{id}`: the approver's value replaces the recommended one before applying. */
  async editRecommendation(profile: AdsProfile, recommendationId: string, value: ApplyValue): Promise<ItemResult> {
    try {
      await this.client.request({
        region: profile.region,
        method: 'PUT',
        path: `/recommendations/${encodeURIComponent(recommendationId)}`,
        auth: { kind: 'profile', profileId: profile.profileId },
        accept: RECS_RECOMMENDATION,
        contentType: RECS_UPDATE_REQUEST,
        body: { recommendedValue: String(value) },
        endpoint: 'recommendations.update',
      });
      return { ok: true };
    } catch (error) {
      const e = error as { code?: string; details?: string; message?: string };
      return { ok: false, code: e.code ?? 'EDIT_FAILED', message: e.details ?? e.message ?? 'the edit failed' };
    }
  }

  /** `POST /recommendations/apply` for ≤100 ids: 207 per item. */
  async applyRecs(profile: AdsProfile, ids: readonly string[]): Promise<ItemResult[]> {
    const response = await this.client.request({
      region: profile.region,
      method: 'POST',
      path: '/recommendations/apply',
      auth: { kind: 'profile', profileId: profile.profileId },
      accept: RECS_APPLY_RESPONSE,
      contentType: RECS_APPLY_REQUEST,
      body: { recommendationIds: ids },
      endpoint: 'recommendations.apply',
      idempotent: false,
    });
    return parseMultiStatus(response.body, { requestCount: ids.length }).map((outcome) => {
      if (outcome.status === 'success') return { ok: true };
      if (outcome.status === 'error') return { ok: false, code: outcome.code, message: outcome.message };
      return { ok: false, code: 'MISSING_IN_ANSWER', message: 'The upstream answer did not mention this item.' };
    });
  }
}
